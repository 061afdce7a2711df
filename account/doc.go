// Package account holds Gatehouse's account flows — signup, login, logout and
// password change — one flow per file, independent of HTTP. The HTML pages
// (package web) and later the JSON API are thin adapters over a *Service.
//
// Request facts arrive as a Client; what a user must be told leaves as an
// *Error (or Errors) with a stable snake_case code that the adapters translate
// and map to statuses.
package account
