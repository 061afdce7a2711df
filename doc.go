// Package gatehouse is accounts and authentication for Go web apps: what
// django.contrib.auth and django-allauth give a Django site — signup, login,
// sessions, login_required, groups and permissions — as a library any
// net/http app embeds.
//
// Wire it once:
//
//	db, _ := sqlstore.Open(ctx, "sqlite:app.db")
//	db.Migrate(ctx)
//	gh, _ := gatehouse.New(gatehouse.Config{Store: db, SecretKey: key})
//	mux := http.NewServeMux()
//	mux.Handle("/accounts/", gh.Handler())
//	mux.Handle("/reports/", gh.RequirePermission("reports.view_report")(reports))
//	http.ListenAndServe(addr, gh.Middleware(mux))
//
// Middleware loads the signed-in user of every request; UserFrom reads it.
// RequireLogin, RequirePermission, RequireGroup, RequireStaff and
// RequireSuperuser guard handlers as Django's decorators do.
package gatehouse
