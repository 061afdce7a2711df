package main

// loadSettings makes e.settings: defaults, then the --config file (or
// GATEHOUSE_CONFIG), the GATEHOUSE_* variables, the global --database and the
// command's database flag, later ones winning. It warns about unknown
// GATEHOUSE_* variables and fails on a value no command would accept.
func (e *env) loadSettings(database string) error {
	warnUnknownEnv(e.environ, e.stderr)
	s := defaultSettings()
	path := e.configPath
	if path == "" {
		path = e.getenv("GATEHOUSE_CONFIG")
	}
	if path != "" {
		if err := s.loadFile(path); err != nil {
			return err
		}
	}
	s.loadEnv(e.getenv)
	for _, url := range []string{e.database, database} {
		if url != "" {
			s.set("database.url", url)
		}
	}
	warnDeprecated(s, e.stderr)
	if err := s.validate(); err != nil {
		return err
	}
	e.settings = s
	return nil
}
