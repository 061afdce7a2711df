package loadgen

import (
	"os"
	"testing"
)

// TestMain lets the test binary be the baseline scenario's server process,
// as the command is.
func TestMain(m *testing.M) {
	ServeBaselineIfChild()
	os.Exit(m.Run())
}
