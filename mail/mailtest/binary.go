package mailtest

import (
	"errors"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// InstallHint tells how to install the mailpit binary.
const InstallHint = "go install github.com/axllent/mailpit@v1.33.1"

// findMailpit returns the path of the mailpit binary, or why there is none.
func findMailpit() (string, error) {
	if p := os.Getenv("MAILPIT"); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", errors.New("$MAILPIT=" + p + " is not an executable file")
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	dirs := binDirs()
	for _, d := range dirs {
		p := filepath.Join(d, "mailpit")
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", errors.New("not in PATH, nor in " + strings.Join(dirs, ", "))
}

// binDirs returns where `go install` may have put mailpit: $GOBIN and the
// bin directory of each GOPATH entry, from the environment (with go/build's
// default) and from `go env`, which also sees `go env -w` settings.
func binDirs() []string {
	var dirs []string
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	addGOPATH := func(list string) {
		for _, p := range filepath.SplitList(list) {
			if p != "" {
				add(filepath.Join(p, "bin"))
			}
		}
	}
	add(os.Getenv("GOBIN"))
	addGOPATH(build.Default.GOPATH)
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		if len(lines) == 2 {
			add(strings.TrimSpace(lines[0]))
			addGOPATH(strings.TrimSpace(lines[1]))
		}
	}
	return dirs
}

// isExecutable reports whether p is a regular file with an execute bit.
func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// requireMailpit returns the mailpit binary or ends the test: skipped
// normally, failed when CI=true.
func requireMailpit(t testing.TB) string {
	t.Helper()
	p, err := findMailpit()
	if err == nil {
		return p
	}
	msg := "mailtest: mailpit binary not found (" + err.Error() + "); install it with: " + InstallHint
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
