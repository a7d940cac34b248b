// Package server assembles Kioku's HTTP handler (every route in this file, and the middleware
// around them) and runs the HTTP server.
package server

import (
	"net/http"

	"kioku/internal/web"
	"kioku/internal/wiki"
)

// Routes builds the site's handler.
func Routes(app *web.App) http.Handler {
	mux := http.NewServeMux()
	h := app.Wrap

	mux.Handle("GET /{$}", h(app.Home))
	mux.Handle("GET /static/{file}", app.Static())
	mux.Handle("GET /healthz", h(app.Health))
	mux.Handle("GET /search", h(app.Search))
	mux.Handle("GET /lookup", h(app.Lookup))
	mux.Handle("GET /api/v1/search", h(app.SearchAPI))
	mux.Handle("GET /external/{site}/{id...}", h(app.External))
	mux.Handle("GET /season/{year}", h(app.Season))
	mux.Handle("GET /season/{year}/{season}", h(app.Season))
	mux.Handle("GET /login", h(app.LoginForm))
	mux.Handle("POST /login", h(app.Login))
	mux.Handle("POST /logout", h(app.Logout))

	// Accounts: sign-up, the account page, and the administration of accounts.
	mux.Handle("GET /signup", h(app.SignupForm))
	mux.Handle("POST /signup", h(app.Signup))
	mux.Handle("GET /account", h(app.Account))
	mux.Handle("POST /account/password", h(app.ChangePassword))
	mux.Handle("POST /account/sessions", h(app.RevokeSession))
	mux.Handle("GET /admin/users", h(app.AdminUsers))
	mux.Handle("POST /admin/users/{name}/role", h(app.SetUserRole))
	mux.Handle("POST /admin/users/{name}/ban", h(app.BanUser))
	mux.Handle("POST /admin/users/{name}/unban", h(app.UnbanUser))
	mux.Handle("GET /new/{kind}", h(app.NewForm))
	mux.Handle("POST /new/{kind}", h(app.New))

	// Moderation: the queue, each changeset's page, and the reviews.
	mux.Handle("GET /queue", h(app.Queue))
	mux.Handle("GET /changes/{id}", h(app.ShowChangeset))
	mux.Handle("POST /changes/{id}/approve", h(app.ApproveChangeset))
	mux.Handle("POST /changes/{id}/reject", h(app.RejectChangeset))
	mux.Handle("GET /recent-changes", h(app.RecentChanges))
	mux.Handle("GET /recent-changes.atom", h(app.RecentChangesFeed))
	mux.Handle("GET /watchlist", h(app.Watchlist))
	mux.Handle("GET /watchlist.atom", h(app.WatchlistFeed))
	mux.Handle("GET /leaderboard", h(app.Leaderboard))
	mux.Handle("GET /users/{name}", h(app.ShowUser))

	// Every entity kind has the same set of pages under its own first segment; works are under
	// their medium's ("/anime/", "/manga/").
	for _, seg := range wiki.Segments() {
		p := "/" + seg + "/{ref}"
		mux.Handle("GET "+p, h(app.Show(seg)))
		mux.Handle("GET "+p+"/history", h(app.History(seg)))
		mux.Handle("GET "+p+"/diff", h(app.Diff(seg)))
		mux.Handle("POST "+p+"/revert", h(app.Revert(seg)))
		mux.Handle("POST "+p+"/lock", h(app.Lock(seg)))
		mux.Handle("POST "+p+"/watch", h(app.Watch(seg)))
		mux.Handle("GET "+p+"/edit", h(app.EditForm(seg)))
		mux.Handle("POST "+p+"/edit", h(app.Edit(seg)))
		mux.Handle("GET "+p+"/edit/{section}", h(app.EditForm(seg)))
		mux.Handle("POST "+p+"/edit/{section}", h(app.Edit(seg)))
	}
	mux.Handle("/", h(app.NotFound))

	return securityHeaders(http.NewCrossOriginProtection().Handler(limitBody(app.WithDeadline(app.WithSession(mux)))))
}

// limitBody caps request bodies: no form of the site needs more than a megabyte.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every page carries. The content security policy allows only
// the site's own script and style, so that even text that slipped past sanitising could not run.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
