package loadgen

import (
	"net/http"
	"net/http/cookiejar"
)

// newJar returns an empty cookie jar for one virtual user. Like a browser,
// net/http/cookiejar treats localhost and loopback addresses as secure
// origins, so cookies marked Secure still flow over http://127.0.0.1.
func newJar() http.CookieJar {
	j, _ := cookiejar.New(nil) // never fails without options
	return j
}
