package social

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Get reads the JSON document at rawURL with the access token in an
// Authorization header of scheme ("Bearer"; Yandex's "OAuth") and returns
// it raw. An HTTP error status is an error, its body unread.
func (c *Call) Get(ctx context.Context, rawURL, scheme string) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", scheme+" "+c.Token.AccessToken)
	return c.do(req)
}

// PostForm posts form to rawURL and returns the JSON answer raw (VK ID's
// user_info takes the token in the form).
func (c *Call) PostForm(ctx context.Context, rawURL string, form url.Values) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *Call) do(req *http.Request) (json.RawMessage, error) {
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &statusError{resp.StatusCode}
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if !json.Valid(body) {
		return nil, errNotJSON
	}
	return body, nil
}

// errNotJSON is the error of an answer that is not JSON.
var errNotJSON = &failure{code: CodeProviderError, reason: "the answer is not JSON"}
