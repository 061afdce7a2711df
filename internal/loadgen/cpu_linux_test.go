package loadgen

import (
	"context"
	"net"
	"os"
	"testing"
	"time"
)

// TestProcessCPU reads this process's CPU time, which grows while it works,
// and fails for a process that does not exist.
func TestProcessCPU(t *testing.T) {
	before, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := selfCPU(); !ok {
		t.Fatal("selfCPU: no reading")
	}
	burnCPU(60 * time.Millisecond)
	after, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after-before < 40*time.Millisecond { // 10 ms ticks
		t.Errorf("processCPU grew by %v over 60 ms of CPU", after-before)
	}
	if _, err := processCPU(1 << 30); err == nil {
		t.Error("no error for a process that does not exist")
	}
}

// TestListenerPID finds the process listening on a port: this one for its
// own listener, the baseline server's for the baseline's, none for a port
// nobody listens on.
func TestListenerPID(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if pid := listenerPID(port); pid != os.Getpid() {
		t.Errorf("listenerPID(%d) = %d, want this process, %d", port, pid, os.Getpid())
	}
	l.Close()
	if pid := listenerPID(port); pid != 0 {
		t.Errorf("listenerPID(%d) = %d after the listener closed, want 0", port, pid)
	}

	p, err := startBaselineProcess(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer p.stop()
	_, ps, _ := net.SplitHostPort(p.addr)
	bport, _ := net.LookupPort("tcp", ps)
	if pid := listenerPID(bport); pid != p.cmd.Process.Pid {
		t.Errorf("listenerPID of the baseline server = %d, want its process %d", pid, p.cmd.Process.Pid)
	}
}

// burnCPU spins until this process has used d more CPU time (by selfCPU),
// however busy the machine is.
func burnCPU(d time.Duration) {
	start, _ := selfCPU()
	for {
		if now, _ := selfCPU(); now-start >= d {
			return
		}
	}
}

// spinWorkload's operations burn 2 ms of CPU each.
type spinWorkload struct{ noClose }

func (spinWorkload) NewWorker(context.Context, int) (Worker, error) { return spinWorker{}, nil }

type spinWorker struct{}

func (spinWorker) Do(context.Context, int64) (int, error) {
	burnCPU(2 * time.Millisecond)
	return 0, nil
}

// TestRunMeasuresCPU: a run names the CPU its phase used, the tool's and
// the server's (here the same process, so both see the spinning).
func TestRunMeasuresCPU(t *testing.T) {
	res, err := Run(context.Background(), spinWorkload{}, RunOptions{
		Concurrency: 1, Duration: 10 * time.Second, MaxOps: 50, ServerPID: os.Getpid()})
	if err != nil {
		t.Fatal(err)
	}
	c := res.CPU
	if !c.Known || c.Tool < 100*time.Millisecond || c.ServerPID != os.Getpid() || c.Server < 80*time.Millisecond {
		t.Errorf("CPU %+v for 50 operations of 2 ms of CPU", c)
	}
	per := newScenarioReport("spin", res).CPUPerOpMS
	if per == nil || per.Server == nil || per.Tool < 2 || per.Tool > 10 {
		t.Errorf("CPU per op %+v, want about 2 ms", per)
	}
}
