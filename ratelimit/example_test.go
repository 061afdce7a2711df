package ratelimit_test

import (
	"fmt"

	"github.com/gatehouse-auth/gatehouse/ratelimit"
)

func ExampleParseRules() {
	rules, err := ratelimit.ParseRules("10/m/ip,5/300s/key")
	if err != nil {
		panic(err)
	}
	for _, r := range rules {
		fmt.Println(r.Max, r.Window, r.Per)
	}
	fmt.Println(ratelimit.FormatRules(rules))
	_, err = ratelimit.ParseRules("5/5min")
	fmt.Println(err)
	// Output:
	// 10 1m0s ip
	// 5 5m0s key
	// 10/1m/ip,5/5m/key
	// ratelimit: rule "5/5min": duration "5min": want a unit s, m, h or d after an optional whole number, like m or 300s
}
