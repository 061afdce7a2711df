package main

// leaves returns the path of every command that runs (not the ones with
// subcommands), as arguments: {"serve"}, {"user", "create"} …
func leaves() [][]string {
	var out [][]string
	var walk func(prefix []string, cs []command)
	walk = func(prefix []string, cs []command) {
		for _, c := range cs {
			path := append(append([]string{}, prefix...), c.name)
			if c.sub != nil {
				walk(path, c.sub)
				continue
			}
			out = append(out, path)
		}
	}
	walk(nil, commands())
	return out
}

// groups returns the path of every command with subcommands.
func groups() [][]string {
	var out [][]string
	for _, c := range commands() {
		if c.sub != nil {
			out = append(out, []string{c.name})
		}
	}
	return out
}
