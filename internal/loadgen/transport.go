package loadgen

import (
	"net/http"
	"time"
)

// NewTransport returns the http.Transport that every virtual user of a run
// shares: keep-alive on, at least concurrency idle connections kept per host
// so that no worker has to dial again between requests, no proxy (the
// environment's proxy settings would route traffic off the machine), and a
// dialer that connects only to loopback addresses. Its read buffer is 64 KiB,
// as a browser reads, so a page over 4 KiB costs one read, not several: the
// tool shares the machine with the server it measures, and its own system
// calls are CPU the server does not get.
func NewTransport(concurrency int, resolve Resolver) *http.Transport {
	idle := max(concurrency, 1) * 2
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           loopbackDialer(resolve),
		MaxIdleConns:          idle,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableKeepAlives:     false,
		ForceAttemptHTTP2:     false,
		ReadBufferSize:        64 << 10,
	}
}
