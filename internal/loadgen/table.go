package loadgen

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// WriteTable writes rep as a table, one row per scenario with its ratio to
// its ceiling when both ran, then the errors of each scenario that had any.
func WriteTable(w io.Writer, rep *Report) error {
	rows := [][]string{{"scenario", "c", "ops", "errors", "ops/s", "p50", "p90", "p99", "max"}}
	if len(rep.Ratios) > 0 {
		rows[0] = append(rows[0], "vs ceiling")
	}
	for _, s := range rep.Scenarios {
		row := []string{s.Name, fmt.Sprint(s.Concurrency), "-", "-", "-", "-", "-", "-", "-"}
		if s.Failed == "" {
			l := s.LatencyMS
			row = []string{s.Name, fmt.Sprint(s.Concurrency), fmt.Sprint(s.Ops), fmt.Sprint(s.Errors),
				fmt.Sprintf("%.1f", s.OpsPerSec), fmtMS(l.P50), fmtMS(l.P90), fmtMS(l.P99), fmtMS(l.Max)}
		}
		if len(rep.Ratios) > 0 {
			row = append(row, ratioText(rep.ratioOf(s.Name)))
		}
		rows = append(rows, row)
	}
	var b strings.Builder
	writeColumns(&b, rows)
	writeCPU(&b, rep)
	for _, s := range rep.Scenarios {
		if s.Hasher != "" {
			fmt.Fprintf(&b, "\n%s: %s\n", s.Name, s.Hasher)
		}
		switch {
		case s.Failed != "":
			fmt.Fprintf(&b, "\n%s did not run: %s\n", s.Name, s.Failed)
		case s.Errors > 0:
			fmt.Fprintf(&b, "\n%s: %d errors:", s.Name, s.Errors)
			for _, k := range slices.Sorted(maps.Keys(s.ErrorKinds)) {
				fmt.Fprintf(&b, " %s ×%d", k, s.ErrorKinds[k])
			}
			b.WriteString("\n")
			for _, m := range s.ErrorSamples {
				fmt.Fprintf(&b, "  e.g. %s\n", m)
			}
		}
		if s.Stop == StopInterrupted {
			fmt.Fprintf(&b, "\n%s was interrupted\n", s.Name)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCPU writes the CPU per operation of the scenarios that have it.
func writeCPU(b *strings.Builder, rep *Report) {
	rows := [][]string{{"cpu per op", "tool", "server"}}
	for _, s := range rep.Scenarios {
		c := s.CPUPerOpMS
		if c == nil {
			continue
		}
		server := "-"
		if c.Server != nil {
			server = fmt.Sprintf("%s (pid %d)", fmtMS(*c.Server), c.ServerPID)
		}
		rows = append(rows, []string{s.Name, fmtMS(c.Tool), server})
	}
	if len(rows) > 1 {
		b.WriteString("\n")
		writeColumns(b, rows)
	}
}

// writeColumns writes rows as aligned columns: the first left-aligned, the
// numeric ones right-aligned, a tenth (the ratio) left-aligned.
func writeColumns(b *strings.Builder, rows [][]string) {
	var width []int
	for _, r := range rows {
		for i, cell := range r {
			if i == len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, cell := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			switch {
			case i == 0:
				line.WriteString(cell + pad)
			case i == 9:
				line.WriteString("  " + cell)
			default:
				line.WriteString("  " + pad + cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// ratioText describes r for the table: "62% of baseline (target ≥ 50%) ok".
func ratioText(r *Ratio) string {
	if r == nil {
		return ""
	}
	verdict := "ok"
	if !r.Met {
		verdict = "BELOW TARGET"
	}
	of := r.Ceiling
	if r.CeilingRuns > 1 {
		of = fmt.Sprintf("%s (mean of %d runs)", r.Ceiling, r.CeilingRuns)
	}
	return fmt.Sprintf("%.0f%% of %s (target ≥ %.0f%%) %s", r.Ratio*100, of, r.Target*100, verdict)
}

// fmtMS formats a latency in milliseconds with about three significant
// digits.
func fmtMS(ms float64) string {
	switch {
	case ms == 0:
		return "-"
	case ms < 1:
		return fmt.Sprintf("%.3fms", ms)
	case ms < 10:
		return fmt.Sprintf("%.2fms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1fms", ms)
	}
	return fmt.Sprintf("%.0fms", ms)
}
