package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/internal/gctune"
)

// cmdServe runs the server until SIGINT/SIGTERM, then drains for up to 30 s.
func cmdServe(ctx context.Context, f *cmdFlags, args []string) error {
	addr := f.String("addr", "", "listen on `ADDR`, host:port (GATEHOUSE_ADDR)")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	e := f.e
	if *addr != "" {
		e.settings.set("addr", *addr)
	}
	log, err := newLogger(e.settings, e.stderr)
	if err != nil {
		return err
	}
	if err := setMemoryLimit(e, log); err != nil {
		return err
	}
	mailer, err := newMailer(e.settings, e.stdout)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, e.settings)
	if err != nil {
		return err
	}
	defer db.Close()
	poll, attempts, keep, err := outboxSettings(e.settings)
	if err != nil {
		return err
	}
	key, err := secretKey(e.settings, log)
	if err != nil {
		return err
	}
	gh, err := buildGatehouse(ctx, e.settings, db, log, key, func(c *gatehouse.Config) {
		c.Mailer = mailer
		c.MailDelivery = gatehouse.MailDelivery{Poll: poll, MaxAttempts: attempts, KeepSent: keep}
	})
	if err != nil {
		return err
	}
	// Background work (the mail outbox, deleting what expired) stops
	// before the database closes.
	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- gh.Run(runCtx) }()
	defer func() {
		stopRun()
		if err := <-ran; err != nil {
			log.Error("background work", "err", err)
		}
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.SQL().PingContext(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.Handle("/", gh.Handler())
	ln, err := net.Listen("tcp", e.settings.str("addr"))
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	if addr := e.settings.str("debug.pprof_addr"); addr != "" {
		if err := servePprof(ctx, addr, log); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "Gatehouse is serving on http://%s/ (database %s)\n", ln.Addr(), maskURL(e.settings.str("database.url")))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// setMemoryLimit applies gc_percent, gc_heap_floor_mib and
// memory_limit_mib unless GOGC and GOMEMLIMIT are set.
//
// Argon2's memory is mapped outside the Go heap (package password), so the
// heap of a busy server is a few MiB live, and Go's default pacing would
// collect it dozens of times a second (27 under the load tool's authed
// scenario). The heap floor (internal/gctune) lets it grow to
// gc_heap_floor_mib first (16 MiB: 4 to 5 cycles a second there, 1% of the
// CPU); past the floor the pacing is gc_percent's, 50 by default: at a
// burst of 500 logins the live heap passes the floor (the requests' buffers
// and forms), and growing it by half rather than doubling kept the peak RSS
// 9 MiB lower. A memory limit stays off by default: near the working set it
// makes the collector run constantly. docs/PERFORMANCE.md has the figures.
func setMemoryLimit(e *env, log *slog.Logger) error {
	pct, floor, mib, err := memorySettings(e.settings)
	if err != nil {
		return err
	}
	if e.getenv("GOGC") == "" {
		base := 100
		if pct > 0 {
			base = pct
			debug.SetGCPercent(pct)
		}
		if floor > 0 {
			gctune.Start(uint64(floor)<<20, base)
		}
	}
	if mib > 0 && e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(mib) << 20)
	}
	log.Debug("memory", "gc_percent", pct, "heap_floor_mib", floor, "limit_mib", mib)
	return nil
}

// memorySettings returns gc_percent, gc_heap_floor_mib and memory_limit_mib.
func memorySettings(s *Settings) (pct, floor, mib int, err error) {
	if pct, err = s.int("gc_percent"); err != nil {
		return
	}
	if floor, err = s.int("gc_heap_floor_mib"); err != nil {
		return
	}
	mib, err = s.int("memory_limit_mib")
	return
}
