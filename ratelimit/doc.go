// Package ratelimit counts events per key in fixed windows, in a store shared
// by every instance, so that limits (failed logins per account and per IP …)
// hold across a cluster and under concurrency.
//
// Limits are written in django-allauth's syntax (ParseRules):
// "10/m/ip,5/300s/key" allows 10 events a minute per client IP and 5 per
// five minutes per key. A flow counts an attempt against each rule with
// Store.Hit before doing the work, refuses it when a count is past its
// rule's Max, and may give its unit back with Store.Release (a successful
// login gives back its reservation of the failed-login limit).
package ratelimit
