package web

import (
	"net/http"
	"net/url"
	"strings"
)

// CrossOriginProtection refuses form posts and other unsafe requests that a browser sends from
// another origin, with a 403 page. It is net/http's CrossOriginProtection, which judges by
// Sec-Fetch-Site and else by the Origin header's host, plus what that leaves out: an Origin of
// the same host under the other scheme (http://host posting to an https site, or the reverse),
// which browsers too old for Sec-Fetch-Site send and the standard check lets through. The site's
// own scheme is the one its cookies are marked by: https over TLS, or behind a trusted proxy
// that says so in X-Forwarded-Proto.
func (a *App) CrossOriginProtection(next http.Handler) http.Handler {
	deny := a.Wrap(func(http.ResponseWriter, *http.Request) error {
		return forbidden("This form was sent from another site, or from this site under another address. " +
			"Open the page on this site and send it again.")
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(deny)
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.otherScheme(r) {
			deny.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// otherScheme reports whether r is an unsafe request whose Origin names this host under
// another scheme than the site's. A request with Sec-Fetch-Site is left to the standard check:
// the browser compared the whole origin itself, and its word holds even where the site cannot
// tell its own scheme (TLS ended by a proxy it does not trust).
func (a *App) otherScheme(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || r.Header.Get("Sec-Fetch-Site") != "" {
		return false
	}
	o, err := url.Parse(origin)
	if err != nil || !strings.EqualFold(o.Host, r.Host) {
		return false // another host, or no origin at all: the standard check refuses it
	}
	scheme := "http"
	if a.secure(r) {
		scheme = "https"
	}
	return !strings.EqualFold(o.Scheme, scheme)
}
