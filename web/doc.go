// Package web serves Gatehouse's server-rendered pages — signup, login,
// logout, password change, the language switch and a small demo site — as a
// thin adapter over package account. Templates (html/template) and static
// files are embedded and can be overridden file by file by the embedding app;
// texts come from the en and ru catalogs in locales/.
package web
