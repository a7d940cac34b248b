package server_test

import (
	"bufio"
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// fuzzMethods are the methods a fuzzed request uses: the site's two, and two it has no route for.
var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodDelete}

// Who sends a fuzzed request: nobody signed in, a trusted editor or an administrator with the
// session's CSRF token added to the form, or the editor without it.
const (
	asAnonymous = iota
	asEditor
	asAdmin
	asEditorNoToken
	whoCount
)

// fuzzSite is a running site with pages and two accounts, whose handler fuzzed requests go to
// directly, so that a panic in a handler fails the target instead of being recovered by the
// HTTP server.
type fuzzSite struct {
	*site
	editor, admin int64
	paths         map[wiki.Kind]string // a page of each kind
}

// fuzzEngine is the engine the fuzzed site runs on: PostgreSQL when KIOKU_TEST_POSTGRES is set,
// since it refuses more than SQLite (NUL bytes, invalid UTF-8, numbers past 32 bits), else SQLite.
func fuzzEngine() store.Engine {
	if os.Getenv(storetest.EnvPostgres) != "" {
		return store.Postgres
	}
	return store.SQLite
}

// newFuzzSite starts the site on a fresh store (see fuzzEngine) and makes a page of each kind, the work
// with an item in each of its lists, and a changeset waiting for review.
func newFuzzSite(tb testing.TB) *fuzzSite {
	tb.Helper()
	ctx := context.Background()
	s := &fuzzSite{site: startSite(tb, storetest.Open(tb, fuzzEngine())), paths: map[wiki.Kind]string{}}
	var err error
	if s.editor, err = s.Store.CreateUser(ctx, "ann", auth.Hash("correct horse battery", cheap), string(auth.RoleTrusted)); err != nil {
		tb.Fatal(err)
	}
	if s.admin, err = s.Store.CreateUser(ctx, "root", auth.Hash("correct horse battery", cheap), string(auth.RoleAdmin)); err != nil {
		tb.Fatal(err)
	}
	newbie, err := s.Store.CreateUser(ctx, "bob", auth.Hash("correct horse battery", cheap), string(auth.RoleEditor))
	if err != nil {
		tb.Fatal(err)
	}
	edits := s.Instance.App.Edits()
	ids := map[wiki.Kind]int64{}
	_, err = edits.Apply(ctx, s.editor, "pages for fuzzing", func(c *edit.Changes) error {
		for _, p := range []struct {
			kind wiki.Kind
			doc  wiki.Document
		}{
			{wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon", ExternalIDs: []wiki.ExternalID{{Site: "wikidata", ID: "Q1057342"}}}},
			{wiki.KindCharacter, &wiki.Character{Name: "Heintz"}},
			{wiki.KindCompany, &wiki.Company{Name: "Studio 4°C"}},
			{wiki.KindFranchise, &wiki.Topic{Name: "Memories"}},
			{wiki.KindGenre, &wiki.Topic{Name: "Science fiction"}},
			{wiki.KindTheme, &wiki.Topic{Name: "Space"}},
			{wiki.KindConcept, &wiki.Topic{Name: "Anthology"}},
		} {
			if ids[p.kind], err = c.Create(ctx, p.kind, p.doc); err != nil {
				return err
			}
		}
		ids[wiki.KindWork], err = c.Create(ctx, wiki.KindWork, &wiki.Work{
			Name: "Memories", Medium: wiki.MediumFilm, StartDate: "1995-12-23", OriginalTitle: "メモリーズ",
			Description: "An anthology by [[Satoshi Kon]] and others.",
			Titles:      []wiki.Title{{Key: "t1", Language: "ja", Kind: "official", Text: "メモリーズ"}},
			ExternalIDs: []wiki.ExternalID{{Site: "anidb", ID: "1"}},
			Releases:    []wiki.Release{{Key: "r1", Region: "JP", Language: "ja", Title: "メモリーズ", Date: "1995-12-23"}},
			Credits:     []wiki.Credit{{Key: "c1", Person: wiki.Ref(ids[wiki.KindPerson]), Role: "Writer"}},
			Cast: []wiki.CastMember{{Key: "m1", Character: wiki.Ref(ids[wiki.KindCharacter]), Role: "Main",
				Voices: []wiki.Voice{{Language: "ja", Person: wiki.Ref(ids[wiki.KindPerson])}}}},
			Companies: []wiki.CompanyCredit{{Key: "co1", Company: wiki.Ref(ids[wiki.KindCompany]), Role: "Animation studio"}},
			Genres:    []wiki.Ref{wiki.Ref(ids[wiki.KindGenre])},
			Themes:    []wiki.Ref{wiki.Ref(ids[wiki.KindTheme])},
			Franchise: wiki.Ref(ids[wiki.KindFranchise]),
		})
		if err != nil {
			return err
		}
		ids[wiki.KindEpisode], err = c.Create(ctx, wiki.KindEpisode, &wiki.Episode{Work: wiki.Ref(ids[wiki.KindWork]), Number: 1, Name: "Magnetic Rose"})
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	// A new editor's edit waits for review, so that the queue and a changeset page show it.
	if _, err := edits.Apply(ctx, newbie, "a pending edit", func(c *edit.Changes) error {
		_, err := c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Katsuhiro Otomo"})
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	for kind, id := range ids {
		e, err := s.Store.Entity(ctx, id)
		if err != nil {
			tb.Fatal(err)
		}
		s.paths[kind] = e.Path()
	}
	return s
}

// session starts a session for user, as signing in would, and returns its cookie and CSRF token.
func (s *fuzzSite) session(tb testing.TB, user int64) (*http.Cookie, string) {
	tb.Helper()
	token, csrf := auth.NewToken(), auth.NewToken()
	if err := s.Store.CreateSession(context.Background(), auth.TokenHash(token), user, csrf, time.Now().Add(time.Hour)); err != nil {
		tb.Fatal(err)
	}
	return &http.Cookie{Name: "kioku_session", Value: token}, csrf
}

// serve sends one request to the site's handler and returns the response. A target the HTTP
// server would not parse is reported with ok false, as the server answers it itself.
func (s *fuzzSite) serve(tb testing.TB, method, target, body string, who int) (res *http.Response, ok bool) {
	tb.Helper()
	var cookie *http.Cookie
	var csrf string
	switch who {
	case asEditor, asEditorNoToken:
		cookie, csrf = s.session(tb, s.editor)
	case asAdmin:
		cookie, csrf = s.session(tb, s.admin)
	}
	if method == http.MethodPost && csrf != "" && who != asEditorNoToken {
		if body != "" {
			body += "&"
		}
		body += "csrf=" + url.QueryEscape(csrf)
	}
	// The request is read from its bytes, as the HTTP server reads it, so that the handler
	// sees exactly what a client could send.
	var raw strings.Builder
	raw.WriteString(method + " " + target + " HTTP/1.1\r\nHost: kioku.test\r\n")
	if cookie != nil {
		raw.WriteString("Cookie: " + cookie.String() + "\r\n")
	}
	if body != "" {
		raw.WriteString("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	raw.WriteString("\r\n" + body)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
	if err != nil {
		return nil, false
	}
	req.RemoteAddr = "192.0.2.1:1234"
	req = req.WithContext(context.Background())
	rec := httptest.NewRecorder()
	s.Instance.Handler.ServeHTTP(rec, req)
	if strings.HasPrefix(req.URL.Path, "/admin/") {
		// An administrator may have changed or banned the editor: put the account back, so that
		// the next inputs still reach the editor's pages.
		ctx := context.Background()
		if err := s.Store.SetRole(ctx, s.editor, string(auth.RoleTrusted)); err != nil {
			tb.Fatal(err)
		}
		if err := s.Store.Unban(ctx, s.editor); err != nil {
			tb.Fatal(err)
		}
	}
	return rec.Result(), true
}

// fuzzTargets are the site's routes (routes.go) with plausible and hostile values, each
// written once for a GET and once for a POST.
func fuzzTargets(paths map[wiki.Kind]string) []string {
	work := paths[wiki.KindWork]
	hostile := []string{"%00", "%ff", "2147483648", "9223372036854775807", "-1", "0", "../..", "%2F%2Fevil.example",
		strings.Repeat("a", 3000), "%E3%83%A1%E3%83%A2"}
	targets := []string{
		"/", "/static/kioku.css", "/static/..%2f..%2fgo.mod", "/healthz",
		"/search?q=memories", "/search?q=memorys&kind=work&type=film&from=1990&to=2000&page=2",
		"/search?q=x&genre=9223372036854775807&theme=-1&limit=0", "/search?q=%ff%00&list=1",
		"/lookup?q=sat&kind=person", "/lookup?q=%00&kind=nonsense", "/api/v1/search?q=memories&limit=100",
		"/images/" + strings.Repeat("a", 64) + "/full", "/images/" + strings.Repeat("a", 64) + "/160", "/images/%00/full", "/images/x/-1",
		"/external/anidb/1", "/external/wikidata/Q1057342", "/external/evil/..%2F..", "/external/anidb/1/2/3",
		"/season/1995", "/season/1995/winter", "/season/99999999999999999999/spring", "/season/-1/summer",
		"/login?next=%2F%2Fevil.example", "/login?next=https%3A%2F%2Fevil.example%2F", "/logout", "/signup",
		"/account", "/account?done=%00", "/account/password", "/account/sessions",
		"/admin/users?q=a", "/admin/users/ann/role", "/admin/users/ann/ban", "/admin/users/ann/unban",
		"/admin/users/root/ban", "/admin/users/nobody/role", "/new/work?name=Akira&medium=film",
		"/new/person", "/new/episode", "/new/nonsense", "/queue?kind=person&editor=bob",
		"/changes/1", "/changes/2/approve", "/changes/2/reject", "/changes/1/approve",
		"/recent-changes?kind=work&user=ann&state=pending&before=2", "/recent-changes?before=9223372036854775807",
		"/recent-changes.atom", "/watchlist", "/watchlist.atom?token=%00", "/leaderboard", "/users/ann", "/users/%ff",
		"//evil.example/", "/anime/", "/nonexistent/1",
	}
	for _, kind := range wiki.Kinds {
		p := paths[kind]
		targets = append(targets, p, p+"/history", p+"/diff?from=1&to=2", p+"/diff?from=9223372036854775807",
			p+"/revert", p+"/lock", p+"/watch", p+"/edit", p+"/edit/credits", p+"/edit/nonsense", p+"?page=2147483648",
			p+"/images", p+"/images?uploaded=pending", p+"/images/main", p+"/images/remove")
	}
	for _, h := range hostile {
		targets = append(targets, "/anime/"+h, "/anime/"+h+"-memories", "/person/"+h+"/history",
			"/changes/"+h, "/changes/"+h+"/approve", "/season/"+h, "/search?q="+h, "/users/"+h, "/external/anidb/"+h,
			work+"/diff?from="+h+"&to="+h, work+"/edit/"+h, "/login?next="+h, "/new/"+h)
	}
	return targets
}

// FuzzSite sends fuzzed requests to the whole site, on a real store, as a stranger, an
// editor and an administrator. No request may get a server error (a status of 500 or more:
// the store is up, so not even 503) or make a handler panic.
func FuzzSite(f *testing.F) {
	s := newFuzzSite(f)
	work := s.paths[wiki.KindWork]
	bodies := map[string]string{
		"/login":                 "name=ann&password=wrong&next=%2F%2Fevil.example",
		"/signup":                "name=new%00user&password=correct+horse+battery&password2=correct+horse+battery",
		"/account/password":      "current=x&password=y&password2=y",
		"/account/sessions":      "session=%ff",
		"/admin/users/ann/role":  "role=admin",
		"/admin/users/ann/ban":   "reason=%00",
		"/new/work":              "name=Akira&medium=film&episodes=9223372036854775807&edit_summary=new",
		"/changes/2/reject":      "reason=no&next=%2F%2Fevil.example",
		work + "/edit":           "base=1&edit_summary=x&name=Memories&medium=film&description=%5B%5Bx%5D%5D",
		work + "/edit/credits":   "base=1&edit_summary=x&person=Satoshi+Kon+%28%239223372036854775807%29&role=Director",
		work + "/edit/nonsense":  "base=2147483648&edit_summary=x",
		work + "/revert":         "revision=-1&edit_summary=x",
		work + "/lock":           "locked=1",
		work + "/watch":          "watch=1",
		work + "/edit/episodes":  "base=1&edit_summary=x&name=Stink+Bomb&number=2",
		work + "/edit/relations": "base=1&edit_summary=x&work=Memories&type=Sequel",
		work + "/images/main":    "base=1&key=" + strings.Repeat("a", 64),
		work + "/images/remove":  "base=2147483648&key=%00",
		work + "/images":         "kind=poster",
	}
	for _, target := range fuzzTargets(s.paths) {
		f.Add(uint8(0), target, "", uint8(asAnonymous))
		f.Add(uint8(1), target, bodies[target], uint8(asEditor))
	}
	for _, target := range slices.Sorted(maps.Keys(bodies)) {
		body := bodies[target]
		f.Add(uint8(1), target, body, uint8(asAdmin))
		f.Add(uint8(1), target, body, uint8(asEditorNoToken))
	}
	f.Add(uint8(2), "/", "", uint8(asAnonymous))
	f.Add(uint8(3), work, "", uint8(asEditor))
	f.Add(uint8(1), work+"/edit/basics", "base=1&edit_summary=x&name=%00&description="+strings.Repeat("%5B", 100), uint8(asEditor))
	f.Fuzz(func(t *testing.T, method uint8, target, body string, who uint8) {
		if len(target) > 8<<10 || len(body) > 64<<10 {
			t.Skip("longer than the fuzz bound")
		}
		m := fuzzMethods[int(method)%len(fuzzMethods)]
		res, ok := s.serve(t, m, target, body, int(who)%whoCount)
		if !ok {
			return
		}
		if res.StatusCode >= 500 {
			page, _ := io.ReadAll(res.Body)
			t.Errorf("%s %s as %d with %q: status %d\n%.2000s", m, target, int(who)%whoCount, body, res.StatusCode, page)
		}
	})
}

// routeTemplates are the site's routes with {v} where FuzzRoutes puts its value, escaped for
// a path segment, and {q} where it puts it escaped for a query. A form of an edit section gets
// the work's first revision and a summary, so that the fuzzed fields reach the section.
func routeTemplates(paths map[wiki.Kind]string) []string {
	work, person := paths[wiki.KindWork], paths[wiki.KindPerson]
	return []string{
		"/anime/{v}", "/person/{v}/history", "/character/{v}/diff", "/company/{v}/edit", "/genre/{v}/edit/basics",
		work + "/edit/{v}", work + "/diff?from={q}&to=1", work + "/diff?to={q}", work + "?page={q}",
		person + "/history?page={q}", "/changes/{v}", "/changes/{v}/approve", "/changes/{v}/reject",
		"/season/{v}", "/season/1995/{v}", "/season/{v}/winter?type={q}", "/external/{v}/1", "/external/anidb/{v}",
		"/search?q={q}", "/search?q=memories&kind={q}&type={q}", "/search?q=x&from={q}&to={q}&genre={q}&theme={q}&page={q}&limit={q}",
		"/lookup?q={q}&kind=person", "/api/v1/search?q={q}&limit={q}", "/api/v1/search?q=x&page={q}",
		"/recent-changes?kind={q}&user={q}&state={q}&before={q}", "/recent-changes.atom?before={q}",
		"/queue?kind={q}&editor={q}", "/watchlist.atom?token={q}", "/users/{v}", "/admin/users?q={q}",
		"/admin/users/{v}/role", "/admin/users/{v}/ban", "/admin/users/{v}/unban", "/new/{v}", "/new/work?name={q}&medium={q}",
		"/login?next={q}", "/account?done={q}",
		"/api/v1/works/{v}", "/api/v1/people/{v}/revisions?cursor={q}&limit={q}", "/api/v1/works/1/revisions/{v}",
		"/api/v1/works/1/diff?from={q}&to={q}", "/api/v1/works?filter={q}&sort={q}", "/api/v1/works?cursor={q}&fields={q}",
		"/api/v1/episodes?filter=work:{q}", "/api/v1/changes?since={q}&limit={q}", "/api/v1/{v}", "/api/v1/works/{v}?fields={q}",
		"/lists/{v}", "/lists/{v}/like", "/lists/1/items/{v}/move?position={q}", "/lists/add?list={q}&entity={q}",
		"/users/{v}/lists", "/users/{v}/anime?status={q}", work + "/track?status={q}&score={q}&episodes={q}",
		"/images/{v}/full", "/images/" + strings.Repeat("a", 64) + "/{v}", work + "/images?uploaded={q}", "/person/{v}/images",
		work + "/images/main", work + "/images/remove", work + "/images/describe",
		"/api/v1/changesets/{v}?fields={q}",
	}
}

// FuzzRoutes puts a fuzzed value into each parameter of the site's routes, and sends a fuzzed
// form with the edit forms' fields set, as a stranger, an editor or an administrator: where
// FuzzSite mutates whole requests, most of which the HTTP server refuses before the handlers,
// this one reaches the handlers with any value. No request may get a server error.
func FuzzRoutes(f *testing.F) {
	s := newFuzzSite(f)
	templates := routeTemplates(s.paths)
	values := []string{"1", "1-memories", "2", "memories", "\x00", "\xff", "2147483648", "9223372036854775807",
		"-1", "0", "../..", "//evil.example", strings.Repeat("9", 400), "anidb", "winter", "ann", "root", "work", "credits"}
	// Each template gets four of the values, in turn, so that every value meets several routes
	// and the seeds stay quick to run.
	for i := range templates {
		for j := range 4 {
			f.Add(uint8(i), values[(4*i+j)%len(values)], "", uint8(asEditor))
		}
		f.Add(uint8(i), "1", "", uint8(asAnonymous))
		f.Add(uint8(i), "1", "role=admin&reason=x&revision=1&locked=1&watch=1", uint8(asAdmin))
	}
	f.Add(uint8(0), "1-memories", "name=Memories&medium=film&description=%5B%5Bx%5D%5D", uint8(asEditor))
	f.Fuzz(func(t *testing.T, which uint8, value, body string, who uint8) {
		if len(value) > 8<<10 || len(body) > 64<<10 {
			t.Skip("longer than the fuzz bound")
		}
		tmpl := templates[int(which)%len(templates)]
		target := strings.NewReplacer("{v}", url.PathEscape(value), "{q}", url.QueryEscape(value)).Replace(tmpl)
		method := http.MethodGet
		if body != "" {
			method = http.MethodPost
			body = "base=1&edit_summary=fuzz&" + body
		}
		res, ok := s.serve(t, method, target, body, int(who)%whoCount)
		if !ok {
			t.Fatalf("the request %s %s did not parse", method, target)
		}
		if res.StatusCode >= 500 {
			page, _ := io.ReadAll(res.Body)
			t.Errorf("%s %s as %d with %q: status %d\n%.2000s", method, target, int(who)%whoCount, body, res.StatusCode, page)
		}
	})
}
