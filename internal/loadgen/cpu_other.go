//go:build !linux

package loadgen

import (
	"errors"
	"time"
)

// processCPU is only implemented on Linux: elsewhere the report has no
// server CPU.
func processCPU(int) (time.Duration, error) {
	return 0, errors.New("process CPU time: Linux only")
}

// selfCPU is only implemented on Linux.
func selfCPU() (time.Duration, bool) { return 0, false }

// listenerPID is only implemented on Linux.
func listenerPID(int) int { return 0 }
