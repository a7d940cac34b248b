// Package server assembles Kioku's HTTP handler (every route in this file, and the middleware
// around them) and runs the HTTP server.
package server

import (
	"net/http"
	"strings"

	"kioku/internal/api"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// Routes builds the site's handler.
func Routes(app *web.App) http.Handler {
	mux := http.NewServeMux()
	h := app.Wrap

	mux.Handle("GET /{$}", h(app.Home))
	mux.Handle("GET /static/{file}", app.Static())
	mux.Handle("GET /images/{hash}/{size}", h(app.ServeImage))
	mux.Handle("GET /healthz", h(app.Health))
	mux.Handle("GET /search", h(app.Search))
	mux.Handle("GET /lookup", h(app.Lookup))
	mux.Handle("GET /api/v1/search", h(app.SearchAPI))
	mux.Handle("GET /api", h(app.APIDocs))
	set := app.Settings() // the rest of /api/v1/: internal/api/api.go
	apiLimits := api.Limits{Reads: set.APIReads, Writes: set.APIWrites}
	api.New(app.Store(), app.Generation).Writing(app.Edits(), app.Accounts(), app.ClientAddress, apiLimits).Install(mux, app.Wrap)
	mux.Handle("GET /external/{site}/{id...}", h(app.External))
	mux.Handle("GET /season/{year}", h(app.Season))
	mux.Handle("GET /season/{year}/{season}", h(app.Season))
	mux.Handle("GET /login", private(h(app.LoginForm)))
	mux.Handle("POST /login", private(h(app.Login)))
	mux.Handle("POST /logout", h(app.Logout))

	// Accounts: sign-up, the account page, and the administration of accounts.
	mux.Handle("GET /signup", private(h(app.SignupForm)))
	mux.Handle("POST /signup", private(h(app.Signup)))
	mux.Handle("GET /account", private(h(app.Account)))
	mux.Handle("POST /account/password", private(h(app.ChangePassword)))
	mux.Handle("POST /account/sessions", private(h(app.RevokeSession)))
	mux.Handle("POST /account/tokens", private(h(app.CreateToken)))
	mux.Handle("POST /account/tokens/revoke", private(h(app.RevokeToken)))
	mux.Handle("GET /admin/users", private(h(app.AdminUsers)))
	mux.Handle("POST /admin/users/{name}/role", private(h(app.SetUserRole)))
	mux.Handle("POST /admin/users/{name}/ban", private(h(app.BanUser)))
	mux.Handle("POST /admin/users/{name}/unban", private(h(app.UnbanUser)))
	mux.Handle("GET /new/{kind}", private(h(app.NewForm)))
	mux.Handle("POST /new/{kind}", private(h(app.New)))

	// Moderation: the queue, each changeset's page, and the reviews.
	mux.Handle("GET /queue", private(h(app.Queue)))
	mux.Handle("GET /changes/{id}", h(app.ShowChangeset))
	mux.Handle("POST /changes/{id}/approve", h(app.ApproveChangeset))
	mux.Handle("POST /changes/{id}/reject", h(app.RejectChangeset))
	mux.Handle("POST /changes/{id}/withdraw", h(app.WithdrawChangeset))
	mux.Handle("GET /recent-changes", h(app.RecentChanges))
	mux.Handle("GET /recent-changes.atom", h(app.RecentChangesFeed))
	mux.Handle("GET /watchlist", private(h(app.Watchlist)))
	mux.Handle("GET /watchlist.atom", private(h(app.WatchlistFeed)))
	mux.Handle("GET /leaderboard", h(app.Leaderboard))
	mux.Handle("GET /users/{name}", h(app.ShowUser))

	// Readers' lists, tracking and scores (internal/lists); a work's tracking form posts to its
	// page's /track.
	mux.Handle("GET /users/{name}/lists", h(app.UserLists))
	mux.Handle("GET /users/{name}/anime", h(app.Tracked))
	mux.Handle("POST /lists", private(h(app.CreateList)))
	mux.Handle("POST /lists/add", private(h(app.AddToList)))
	mux.Handle("GET /lists/{id}", h(app.ShowList))
	mux.Handle("POST /lists/{id}/edit", private(h(app.UpdateList())))
	mux.Handle("POST /lists/{id}/delete", private(h(app.DeleteList)))
	mux.Handle("POST /lists/{id}/like", private(h(app.LikeList())))
	mux.Handle("POST /lists/{id}/items/{entity}/move", private(h(app.MoveListItem())))
	mux.Handle("POST /lists/{id}/items/{entity}/note", private(h(app.SetListNote())))
	mux.Handle("POST /lists/{id}/items/{entity}/remove", private(h(app.RemoveListItem())))
	mux.Handle("POST /account/tracking", private(h(app.SetTrackingPrivacy)))
	mux.Handle("GET /import/myanimelist", private(h(app.ImportForm)))
	mux.Handle("POST /import/myanimelist", private(app.WrapUpload(app.ImportMAL)))

	// Every entity kind has the same set of pages under its own first segment; works are under
	// their medium's ("/anime/", "/manga/").
	for _, seg := range wiki.Segments() {
		p := "/" + seg + "/{ref}"
		mux.Handle("GET "+p, h(app.Show(seg)))
		mux.Handle("GET "+p+"/history", h(app.History(seg)))
		mux.Handle("GET "+p+"/diff", h(app.Diff(seg)))
		mux.Handle("POST "+p+"/revert", h(app.Revert(seg)))
		mux.Handle("POST "+p+"/lock", h(app.Lock(seg)))
		mux.Handle("GET "+p+"/merge", private(h(app.MergeForm(seg))))
		mux.Handle("POST "+p+"/merge", private(h(app.Merge(seg))))
		mux.Handle("POST "+p+"/watch", h(app.Watch(seg)))
		mux.Handle("POST "+p+"/track", private(h(app.Track(seg))))
		mux.Handle("GET "+p+"/edit", private(h(app.EditForm(seg))))
		mux.Handle("POST "+p+"/edit", private(h(app.Edit(seg))))
		mux.Handle("GET "+p+"/edit/{section}", private(h(app.EditForm(seg))))
		mux.Handle("POST "+p+"/edit/{section}", private(h(app.Edit(seg))))
		mux.Handle("GET "+p+"/images", h(app.Gallery(seg)))
		mux.Handle("POST "+p+"/images", private(app.WrapUpload(app.Upload(seg))))
		mux.Handle("POST "+p+"/images/main", h(app.SetMainImage(seg)))
		mux.Handle("POST "+p+"/images/remove", h(app.RemoveImage(seg)))
		mux.Handle("POST "+p+"/images/describe", h(app.DescribeImage(seg)))
	}
	mux.Handle("/", h(app.NotFound))

	return securityHeaders(app.CrossOriginProtection(limitBody(app.WithDeadline(app.WithSession(signedInPrivate(mux))))))
}

// limitBody caps request bodies: no form of the site needs more than a megabyte, but for the
// upload of a picture (a POST to a page's /images).
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(1 << 20)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/images") {
			limit = web.MaxUploadRequest
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// The headers every response carries. The content security policy allows only the site's own
// script and style (no inline script, style or event handlers), so that even text that slipped
// past sanitising could not run; no page may be framed, and no form may post elsewhere. The
// permissions policy denies the powerful features the site never uses to its pages and to
// anything that might be injected into them.
const (
	contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	permissionsPolicy = "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), " +
		"fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), " +
		"payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), " +
		"usb=(), xr-spatial-tracking=()"
)

// securityHeaders sets the headers every response carries, error pages and static files too.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Permissions-Policy", permissionsPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// noStore is the caching of pages that belong to one reader.
const noStore = "private, no-store"

// private marks a route's responses as belonging to one reader, whoever asks: forms that carry
// a sign-in's token, the account and administration pages, the watchlist and its feed (whose
// address is its password). No cache, shared or the browser's, may keep them.
func private(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", noStore)
		next.ServeHTTP(w, r)
	})
}

// signedInPrivate marks every response to a signed-in reader as private: each page shows their
// name and carries the token of their sign-out form. Handlers that serve what is the same for
// everyone (the static files) set their own caching over it.
func signedInPrivate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if web.SignedIn(r) {
			w.Header().Set("Cache-Control", noStore)
		}
		next.ServeHTTP(w, r)
	})
}
