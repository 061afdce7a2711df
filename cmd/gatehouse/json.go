package main

import "encoding/json"

// printJSON writes v as indented JSON. Every key of the CLI's JSON is
// snake_case, as Django's field names (TestJSONKeysAreSnakeCase).
func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
