package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// notSettings are the GATEHOUSE_* variables that are not settings but are
// read all the same: by gatehouse itself, or by the tests and benchmarks
// (prefixes ending in "_").
var notSettings = []string{
	"GATEHOUSE_CONFIG",             // the configuration file
	"GATEHOUSE_SUPERUSER_PASSWORD", // createsuperuser --no-input
	"GATEHOUSE_TEST_",              // test databases (GATEHOUSE_TEST_POSTGRES_URL)
	"GATEHOUSE_BENCH_",             // scripts/bench.sh and the load generator
	"GATEHOUSE_SQLSTORE_HELPER_DB", // a sqlstore test's child process
}

// warnUnknownEnv writes a warning for every GATEHOUSE_* variable of environ
// that is neither a setting nor in notSettings: a misspelt setting would
// otherwise leave its default in force without a word.
func warnUnknownEnv(environ []string, w io.Writer) {
	var valid []string
	for _, st := range settings {
		valid = append(valid, EnvName(st.key))
	}
	candidates := append([]string{"GATEHOUSE_CONFIG", "GATEHOUSE_SUPERUSER_PASSWORD"}, valid...)
	seen := map[string]bool{}
	var unknown []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "GATEHOUSE_") || seen[k] || isSettingEnv(k, valid) {
			continue
		}
		seen[k] = true
		unknown = append(unknown, k)
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		fmt.Fprintf(w, "gatehouse: warning: %s is not a setting and is ignored%s\n", k, didYouMean(k, candidates))
	}
}

func isSettingEnv(k string, valid []string) bool {
	for _, v := range valid {
		if k == v {
			return true
		}
	}
	for _, n := range notSettings {
		if k == n || strings.HasSuffix(n, "_") && strings.HasPrefix(k, n) {
			return true
		}
	}
	return false
}
