// Command gatehouse-bench load-tests a Gatehouse server (or any site with
// HTML login forms) running on this machine, like browsers would. See
// package internal/loadgen, or run gatehouse-bench -h, for the scenarios,
// flags and report.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/gatehouse-auth/gatehouse/internal/loadgen"
)

// main runs gatehouse-bench until done or interrupted and exits with run's
// status; started by itself as the baseline scenario's server, it serves.
func main() {
	loadgen.ServeBaselineIfChild()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run parses args, runs the scenarios and writes the report; it returns the
// exit status (see loadgen's doc).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gatehouse-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cli loadgen.CLI
	cli.Bind(fs)
	cpuprofile := fs.String("cpuprofile", "", "write the load tool's own CPU profile to `file` (what the tool costs the machine it shares)")
	fs.Usage = func() { loadgen.PrintUsage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := cli.Finish(fs, getenv); err != nil {
		fmt.Fprintln(stderr, "gatehouse-bench:", err)
		return 2
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, "gatehouse-bench:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "gatehouse-bench:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := loadgen.RunSuite(ctx, cli.Config, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "gatehouse-bench:", err)
		return 2
	}
	if err := writeReport(rep, cli, stdout); err != nil {
		fmt.Fprintln(stderr, "gatehouse-bench:", err)
		return 1
	}
	if rep.Failed() {
		return 1
	}
	return 0
}

// writeReport prints rep as a table or JSON and writes the -out file.
func writeReport(rep *loadgen.Report, cli loadgen.CLI, stdout io.Writer) error {
	if cli.Out != "" {
		f, err := os.Create(cli.Out)
		if err != nil {
			return err
		}
		if err := loadgen.WriteJSON(f, rep); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if cli.JSON {
		return loadgen.WriteJSON(stdout, rep)
	}
	return loadgen.WriteTable(stdout, rep)
}
