package web

import (
	"regexp"
	"strings"
)

// browserRules name the common browsers, most specific first (Edge, Opera
// and Yandex Browser also say "Chrome"; Chrome also says "Safari").
var browserRules = []struct {
	name string
	re   *regexp.Regexp
}{
	{"Yandex Browser", regexp.MustCompile(`YaBrowser/(\d+)`)},
	{"Edge", regexp.MustCompile(`Edg(?:e|A|iOS)?/(\d+)`)},
	{"Opera", regexp.MustCompile(`(?:OPR|Opera)/(\d+)`)},
	{"Firefox", regexp.MustCompile(`(?:Firefox|FxiOS)/(\d+)`)},
	{"Chrome", regexp.MustCompile(`(?:HeadlessChrome|Chrome|CriOS)/(\d+)`)},
	{"Safari", regexp.MustCompile(`Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/`)},
}

// osRules name the operating systems, most specific first.
var osRules = []struct{ needle, name string }{
	{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
	{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
}

// DescribeUserAgent turns a User-Agent header into "Firefox 133 on Windows";
// what it does not recognise it returns cut to 80 characters.
func DescribeUserAgent(ua string) string {
	browser := ""
	for _, r := range browserRules {
		if m := r.re.FindStringSubmatch(ua); m != nil {
			browser = r.name + " " + m[1]
			break
		}
	}
	system := ""
	for _, r := range osRules {
		if strings.Contains(ua, r.needle) {
			system = r.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " · " + system
	case browser != "":
		return browser
	case system != "":
		return system
	}
	if r := []rune(ua); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return ua
}
