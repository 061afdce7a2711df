package main

import "strings"

// didYouMean returns " (did you mean X?)" for the candidate closest to s
// when it is close enough to be a likely typo, or begins with s (a name cut
// short: GATEHOUSE_DATABASE for GATEHOUSE_DATABASE_URL), else "".
func didYouMean(s string, candidates []string) string {
	low := strings.ToLower(s)
	best, bestD, prefixed := "", 0, ""
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if d := editDistance(low, lc); best == "" || d < bestD {
			best, bestD = c, d
		}
		if prefixed == "" && len(s) >= 4 && strings.HasPrefix(lc, low) {
			prefixed = c
		}
	}
	switch {
	case best != "" && bestD <= max(2, len(s)/5):
		return " (did you mean " + best + "?)"
	case prefixed != "":
		return " (did you mean " + prefixed + "?)"
	}
	return ""
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
