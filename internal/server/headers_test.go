package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
)

// The headers every response must carry, written out so that a weakened policy fails here.
const (
	wantCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
	wantPermissions = "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), " +
		"fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), " +
		"payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), " +
		"usb=(), xr-spatial-tracking=()"
)

// privateSite is a site with a work, an account of each kind and a watchlist feed, for the tests
// of headers and caching.
type privateSite struct {
	*site
	admin, reader *client
	work          string // the work's address
	feed          string // the admin's watchlist feed, with its token
}

func newPrivateSite(t *testing.T, s *site) *privateSite {
	t.Helper()
	admin := s.signedInAs(t, "root", auth.RoleAdmin)
	_, work := newWork(t, admin, "Memories", url.Values{"medium": {"film"}})
	admin.save(work+"/watch", url.Values{"watch": {"1"}})
	feed, _ := admin.page("/watchlist", http.StatusOK).Find("#watchlist-feed").Attr("href")
	if !strings.HasPrefix(feed, "/watchlist.atom?token=") {
		t.Fatalf("the watchlist's feed is %q", feed)
	}
	return &privateSite{site: s, admin: admin, reader: s.anonymous(t), work: work, feed: feed}
}

// TestSecurityHeaders checks the headers of a sample of responses of every sort: pages for
// readers and for editors, redirects, error pages, static files, the JSON API and its problem
// documents, feeds, and refused posts.
func TestSecurityHeaders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		p := newPrivateSite(t, s)
		tests := []struct {
			who    *client
			method string
			path   string
			status int
		}{
			{p.reader, "GET", "/", http.StatusOK},
			{p.reader, "GET", p.work, http.StatusOK},
			{p.reader, "GET", p.work + "/history", http.StatusOK},
			{p.reader, "GET", "/search?list=1&q=memories", http.StatusOK},
			{p.reader, "GET", "/login", http.StatusOK},
			{p.reader, "GET", "/account", http.StatusSeeOther},
			{p.reader, "GET", "/no-such-page", http.StatusNotFound},
			{p.reader, "GET", "/season/1995/winterish", http.StatusNotFound},
			{p.reader, "GET", "/search?q=%00", http.StatusBadRequest},
			{p.reader, "GET", "/static/kioku.css", http.StatusOK},
			{p.reader, "GET", "/static/kioku.js", http.StatusOK},
			{p.reader, "GET", "/static/missing.js", http.StatusNotFound},
			{p.reader, "GET", "/api/v1/search?q=memories", http.StatusOK},
			{p.reader, "GET", "/api/v1/search?q=x&limit=0", http.StatusBadRequest},
			{p.reader, "GET", "/lookup?kind=work&q=mem", http.StatusOK},
			{p.reader, "GET", "/recent-changes.atom", http.StatusOK},
			{p.reader, "GET", p.feed, http.StatusOK},
			{p.reader, "GET", "/healthz", http.StatusOK},
			{p.reader, "POST", "/login", http.StatusUnauthorized},
			{p.admin, "GET", "/", http.StatusOK},
			{p.admin, "GET", p.work, http.StatusOK},
			{p.admin, "GET", p.work + "/edit/credits", http.StatusOK},
			{p.admin, "GET", "/admin/users", http.StatusOK},
			{p.admin, "GET", "/changes/999999", http.StatusNotFound},
			{p.admin, "POST", p.work + "/watch", http.StatusSeeOther},
		}
		for _, tt := range tests {
			var res *http.Response
			if tt.method == "POST" {
				res, _ = tt.who.post(tt.path, url.Values{"name": {"nobody"}, "password": {"wrong"}, "watch": {"1"}})
			} else {
				res = tt.who.get(tt.path)
				res.Body.Close()
			}
			if res.StatusCode != tt.status {
				t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, res.StatusCode, tt.status)
			}
			checkSecurityHeaders(t, tt.method+" "+tt.path, res.Header)
		}

		// A post from another site is refused, with the same headers.
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/logout", strings.NewReader("csrf="+p.admin.csrf))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		res, err := p.admin.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST /logout: status %d, want 403", res.StatusCode)
		}
		checkSecurityHeaders(t, "cross-origin POST /logout", res.Header)
	})
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Security-Policy": wantCSP,
		"Permissions-Policy":      wantPermissions,
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if got := h.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe") {
		t.Errorf("%s: the policy allows something unsafe: %s", what, csp)
	}
}

// TestPrivatePagesAreNotStored checks Cache-Control: every page that belongs to one reader, or
// carries a token of theirs, is "private, no-store", whoever asks; every page shown to a
// signed-in reader is too; the pages shown to readers who are not signed in keep their caching.
func TestPrivatePagesAreNotStored(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		p := newPrivateSite(t, s)
		const private = "private, no-store"
		tests := []struct {
			who    *client
			path   string
			status int
			want   string // the Cache-Control header
		}{
			// Private whoever asks, even when the answer is a redirect to sign in.
			{p.reader, "/login", http.StatusOK, private},
			{p.reader, "/login?next=/account", http.StatusOK, private},
			{p.reader, "/signup", http.StatusOK, private},
			{p.reader, "/account", http.StatusSeeOther, private},
			{p.reader, "/watchlist", http.StatusSeeOther, private},
			{p.reader, p.feed, http.StatusOK, private},
			{p.reader, "/watchlist.atom?token=wrong", http.StatusNotFound, private},
			{p.reader, p.work + "/edit", http.StatusSeeOther, private},
			{p.reader, p.work + "/edit/credits", http.StatusSeeOther, private},
			{p.reader, "/new/work", http.StatusSeeOther, private},
			{p.reader, "/admin/users", http.StatusSeeOther, private},
			{p.reader, "/queue", http.StatusSeeOther, private},
			{p.admin, "/account", http.StatusOK, private},
			{p.admin, "/account?done=password", http.StatusOK, private},
			{p.admin, "/watchlist", http.StatusOK, private},
			{p.admin, p.feed, http.StatusOK, private},
			{p.admin, p.work + "/edit", http.StatusOK, private},
			{p.admin, p.work + "/edit/basics", http.StatusOK, private},
			{p.admin, p.work + "/edit/credits", http.StatusOK, private},
			{p.admin, p.work + "/edit/no-such-section", http.StatusNotFound, private},
			{p.admin, "/new/work", http.StatusOK, private},
			{p.admin, "/new/person", http.StatusOK, private},
			{p.admin, "/admin/users", http.StatusOK, private},
			{p.admin, "/queue", http.StatusOK, private},
			{p.admin, "/login", http.StatusOK, private},
			// Every page shown to a signed-in reader holds their name and a token of theirs.
			{p.admin, "/", http.StatusOK, private},
			{p.admin, p.work, http.StatusOK, private},
			{p.admin, p.work + "/history", http.StatusOK, private},
			{p.admin, "/search?list=1&q=memories", http.StatusOK, private},
			{p.admin, "/recent-changes", http.StatusOK, private},
			{p.admin, "/users/root", http.StatusOK, private},
			{p.admin, "/no-such-page", http.StatusNotFound, private},
			// What is the same for everyone keeps its caching.
			{p.admin, "/static/kioku.css", http.StatusOK, "public, max-age=3600"},
			{p.reader, "/", http.StatusOK, "no-cache"},
			{p.reader, p.work, http.StatusOK, "no-cache"},
			{p.reader, p.work + "/history", http.StatusOK, ""},
			{p.reader, p.work + "/diff?from=1&to=1", http.StatusOK, ""},
			{p.reader, "/search?list=1&q=memories", http.StatusOK, ""},
			{p.reader, "/recent-changes", http.StatusOK, ""},
			{p.reader, "/recent-changes.atom", http.StatusOK, ""},
			{p.reader, "/leaderboard", http.StatusOK, ""},
			{p.reader, "/users/root", http.StatusOK, ""},
			{p.reader, "/season/1995", http.StatusOK, ""},
			{p.reader, "/changes/1", http.StatusOK, ""},
			{p.reader, "/api/v1/search?q=memories", http.StatusOK, ""},
			{p.reader, "/lookup?kind=work&q=mem", http.StatusOK, ""},
			{p.reader, "/static/kioku.js", http.StatusOK, "public, max-age=3600"},
			{p.reader, "/healthz", http.StatusOK, "no-store"},
			{p.reader, "/no-such-page", http.StatusNotFound, ""},
		}
		for _, tt := range tests {
			who := "reader"
			if tt.who == p.admin {
				who = "root"
			}
			res := tt.who.get(tt.path)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("%s GET %s: status %d, want %d", who, tt.path, res.StatusCode, tt.status)
			}
			if got := res.Header.Values("Cache-Control"); strings.Join(got, ", ") != tt.want {
				t.Errorf("%s GET %s: Cache-Control %q, want %q", who, tt.path, got, tt.want)
			}
		}
	})
}

// TestOriginOfAnotherScheme posts with an Origin of this host under the other scheme, as a
// browser too old to send Sec-Fetch-Site does: refused with 403 like any cross-origin post, on
// a plain HTTP site, behind TLS, and behind a trusted proxy that ends TLS. The browser's own
// Sec-Fetch-Site is believed.
func TestOriginOfAnotherScheme(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	if _, err := st.CreateUser(t.Context(), "aoi", auth.Hash("correct horse battery", cheap), string(auth.RoleEditor)); err != nil {
		t.Fatal(err)
	}
	site := func(proxy, useTLS bool) (*httptest.Server, *http.Client) {
		in, err := server.NewInstance(st, slog.New(slog.DiscardHandler), web.Settings{Password: cheap, TrustProxy: proxy})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewUnstartedServer(in.Handler)
		if useTLS {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		t.Cleanup(srv.Close)
		c := srv.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return srv, c
	}
	plain, plainClient := site(false, false)
	secure, secureClient := site(false, true)
	proxied, proxiedClient := site(true, false)
	host := func(srv *httptest.Server) string { u, _ := url.Parse(srv.URL); return u.Host }

	tests := []struct {
		name    string
		srv     *httptest.Server
		client  *http.Client
		headers map[string]string
		want    int
	}{
		{"plain, no origin", plain, plainClient, nil, http.StatusSeeOther},
		{"plain, same origin", plain, plainClient, map[string]string{"Origin": "http://" + host(plain)}, http.StatusSeeOther},
		{"plain, https origin", plain, plainClient, map[string]string{"Origin": "https://" + host(plain)}, http.StatusForbidden},
		{"plain, upper-case https origin", plain, plainClient, map[string]string{"Origin": "HTTPS://" + host(plain)}, http.StatusForbidden},
		{"plain, other host", plain, plainClient, map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"plain, null origin", plain, plainClient, map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"plain, cross-site fetch", plain, plainClient, map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"plain, same-site fetch from https", plain, plainClient,
			map[string]string{"Origin": "https://" + host(plain), "Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"plain, the browser says same origin", plain, plainClient,
			map[string]string{"Origin": "https://" + host(plain), "Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
		{"TLS, same origin", secure, secureClient, map[string]string{"Origin": "https://" + host(secure)}, http.StatusSeeOther},
		{"TLS, http origin", secure, secureClient, map[string]string{"Origin": "http://" + host(secure)}, http.StatusForbidden},
		{"proxy, https", proxied, proxiedClient,
			map[string]string{"Origin": "https://" + host(proxied), "X-Forwarded-Proto": "https"}, http.StatusSeeOther},
		{"proxy, https, http origin", proxied, proxiedClient,
			map[string]string{"Origin": "http://" + host(proxied), "X-Forwarded-Proto": "https"}, http.StatusForbidden},
		{"proxy, http, https origin", proxied, proxiedClient,
			map[string]string{"Origin": "https://" + host(proxied), "X-Forwarded-Proto": "http"}, http.StatusForbidden},
		{"proxy, no proto, https origin", proxied, proxiedClient,
			map[string]string{"Origin": "https://" + host(proxied)}, http.StatusForbidden},
		{"untrusted proxy header", plain, plainClient,
			map[string]string{"Origin": "https://" + host(plain), "X-Forwarded-Proto": "https"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"name": {"aoi"}, "password": {"correct horse battery"}}
			req, err := http.NewRequest(http.MethodPost, tt.srv.URL+"/login", strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			res, err := tt.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("status %d, want %d", res.StatusCode, tt.want)
			}
			if signedIn := len(res.Cookies()) > 0; signedIn != (tt.want == http.StatusSeeOther) {
				t.Errorf("a session cookie was set: %v, want %v", signedIn, tt.want == http.StatusSeeOther)
			}
		})
	}
	// Safe methods are not refused, whatever their origin.
	req, _ := http.NewRequest(http.MethodGet, plain.URL+"/login", nil)
	req.Header.Set("Origin", "https://"+host(plain))
	res, err := plainClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET with an https origin: status %d, want 200", res.StatusCode)
	}
}
