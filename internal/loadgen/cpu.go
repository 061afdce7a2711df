package loadgen

import "time"

// CPUUse is the CPU time used during a scenario's measured phase by the
// tool's own process (its client, or the hashing of the hash scenario) and
// by the server's process, where the tool found it (Linux: the process
// listening on the target's port, or the baseline server it started). On
// one machine both take their CPU from the same cores, so they show where a
// scenario's time went: for login, how much of the server's CPU per
// operation is the hash that the hash scenario measures alone.
type CPUUse struct {
	Known     bool          // the tool's CPU was measured
	Tool      time.Duration // the tool's process
	ServerPID int           // 0: no server process measured
	Server    time.Duration // the server's process, 10 ms resolution
}

// cpuMeter takes the CPU readings at the start of a phase.
type cpuMeter struct {
	pid            int
	tool0, server0 time.Duration
	toolOK         bool
}

// startCPU reads the tool's and, if pid is not 0, process pid's CPU time.
func startCPU(pid int) cpuMeter {
	m := cpuMeter{}
	m.tool0, m.toolOK = selfCPU()
	if pid > 0 {
		if d, err := processCPU(pid); err == nil {
			m.pid, m.server0 = pid, d
		}
	}
	return m
}

// stop returns the CPU used since startCPU.
func (m cpuMeter) stop() CPUUse {
	var u CPUUse
	if t, ok := selfCPU(); ok && m.toolOK {
		u.Known, u.Tool = true, t-m.tool0
	}
	if m.pid > 0 {
		if d, err := processCPU(m.pid); err == nil {
			u.ServerPID, u.Server = m.pid, d-m.server0
		}
	}
	return u
}
