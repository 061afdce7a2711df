// Package gatehouse is accounts and authentication for Go web apps: what
// django.contrib.auth and django-allauth give a Django site — signup, login,
// sessions, login_required, groups and permissions — as a library any
// net/http app embeds.
//
// Wire it once:
//
//	db, err := sqlstore.Open(ctx, "sqlite:app.db") // or "postgres://…"
//	if err != nil { … }
//	if err := db.Migrate(ctx); err != nil { … }
//	gh, err := gatehouse.New(gatehouse.Config{Store: db, SecretKey: key}) // key: ≥ 32 random bytes
//	if err != nil { … }
//	mux := http.NewServeMux()
//	gh.Mount(mux) // /accounts/…, /static/gatehouse/…, /i18n/setlang/
//	mux.Handle("/reports/", gh.RequirePermission("reports.view_report")(reports))
//	http.ListenAndServe(addr, gh.Protect(mux))
//
// Protect is the one wrapper every request goes through: security headers,
// a bounded body, the cross-origin (CSRF) check on unsafe methods, and the
// signed-in user loaded. CurrentUser reads that user in a handler (nil when
// anonymous); it holds no password hash, so templates and JSON may show it.
// RequireLogin, RequirePermission, RequireGroup, RequireStaff,
// RequireSuperuser and RequireFunc guard handlers as Django's decorators
// do; JSON callers get 401 and 403 JSON instead of redirects (AnswerJSON).
//
// Social login (package social: Google, GitHub, X, VK, Yandex, Telegram,
// any OpenID Connect issuer) is on when the store keeps social accounts, as
// sqlstore does: set Config.Social.Apps, or store apps with Social().SaveApp
// (the CLI's "gatehouse social app add"), and the login and signup pages
// show a button per app; /accounts/3rdparty/ lists a user's connections.
//
// Handler serves Gatehouse alone (the standalone server); Middleware loads
// the user without Protect's other checks, for handlers already behind it.
package gatehouse
