package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/auth"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
)

// cheap keeps password hashing fast in tests; the real cost is argon2id's default.
var cheap = auth.Params{Time: 1, Memory: 1024, Threads: 1}

// site is a Kioku instance over real HTTP on loopback, with its background work running.
type site struct {
	URL      string
	Store    *store.Store
	Instance *server.Instance
}

func newSite(t testing.TB, engine store.Engine) *site {
	t.Helper()
	return startSite(t, storetest.Open(t, engine))
}

// openStore opens and migrates the store at dsn, closed when the test ends: several instances
// over one database each open their own.
func openStore(t testing.TB, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// startSite starts an instance over a migrated store; it stops when the test ends.
func startSite(t testing.TB, st *store.Store) *site {
	t.Helper()
	return startSiteLogging(t, st, os.Stderr)
}

// startSiteLogging is startSite with the instance's errors logged to log.
func startSiteLogging(t testing.TB, st *store.Store, log io.Writer) *site {
	t.Helper()
	return startSiteWith(t, st, log, web.Settings{Password: cheap})
}

// startSiteWith is startSite with settings of its own, errors logged to log.
func startSiteWith(t testing.TB, st *store.Store, log io.Writer, set web.Settings) *site {
	t.Helper()
	in, err := server.NewInstance(st, slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelError})), set)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	srv := httptest.NewServer(in.Handler)
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
	})
	select {
	case <-in.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("the instance did not start listening to the database")
	}
	return &site{URL: srv.URL, Store: st, Instance: in}
}

// forEachEngine runs fn against a fresh site on every engine under test.
func forEachEngine(t *testing.T, fn func(t *testing.T, s *site)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, newSite(t, engine))
		})
	}
}

// addUser makes a trusted editor's account, whose edits show at once, with a password.
func (s *site) addUser(t testing.TB, name, password string) {
	t.Helper()
	s.addUserAs(t, name, password, auth.RoleTrusted)
}

// addUserAs makes an account with the given role.
func (s *site) addUserAs(t testing.TB, name, password string, role auth.Role) {
	t.Helper()
	if _, err := s.Store.CreateUser(context.Background(), name, auth.Hash(password, cheap), string(role)); err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like HTTP client: it keeps cookies and does not follow redirects, so tests
// see them.
type client struct {
	t    testing.TB
	base string
	http *http.Client
	csrf string
}

func (s *site) anonymous(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: s.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signedIn makes an account and returns a client signed in to it, holding its CSRF token.
func (s *site) signedIn(t testing.TB, name string) *client {
	t.Helper()
	s.addUser(t, name, "correct horse battery")
	c := s.anonymous(t)
	res := c.postRaw("/login", url.Values{"name": {name}, "password": {"correct horse battery"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", name, res.StatusCode)
	}
	doc := c.page("/new/work", http.StatusOK)
	c.csrf, _ = doc.Find(`input[name=csrf]`).Attr("value")
	if c.csrf == "" {
		t.Fatal("no CSRF token in the new-work form")
	}
	return c
}

func (c *client) get(path string) *http.Response {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	return res
}

// page fetches path, checks the status and parses the HTML.
func (c *client) page(path string, status int) *goquery.Document {
	c.t.Helper()
	res := c.get(path)
	defer res.Body.Close()
	if res.StatusCode != status {
		body, _ := io.ReadAll(res.Body)
		c.t.Fatalf("GET %s: status %d, want %d\n%s", path, res.StatusCode, status, body)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return doc
}

// postRaw sends a form as it is.
func (c *client) postRaw(path string, v url.Values) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return res
}

// post sends a form with the client's CSRF token and returns the response, body read.
func (c *client) post(path string, v url.Values) (*http.Response, string) {
	c.t.Helper()
	if c.csrf != "" && v.Get("csrf") == "" {
		v.Set("csrf", c.csrf)
	}
	res := c.postRaw(path, v)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// save posts a form that must be accepted (a redirect) and returns where it redirected.
func (c *client) save(path string, v url.Values) string {
	c.t.Helper()
	res, body := c.post(path, v)
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("POST %s: status %d, want 303\n%s", path, res.StatusCode, body)
	}
	return res.Header.Get("Location")
}

// section posts a work section form from the work's current revision.
func (c *client) section(s *site, workID int64, name string, v url.Values) {
	c.t.Helper()
	e, err := s.Store.Entity(context.Background(), workID)
	if err != nil {
		c.t.Fatal(err)
	}
	v.Set("base", strconv.Itoa(e.Head))
	c.save(e.Path()+"/edit/"+name, v)
}

func text(sel *goquery.Selection) string { return strings.Join(strings.Fields(sel.Text()), " ") }

func texts(sel *goquery.Selection) []string {
	var out []string
	sel.Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
	return out
}
