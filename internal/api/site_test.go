package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"kioku/internal/accounts"
	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/server"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// cheap is a password hashing cost that keeps tests fast.
var cheap = auth.Params{Time: 1, Memory: 1024, Threads: 1}

// site is a running Kioku whose API answers are each checked against its OpenAPI document.
type site struct {
	t      testing.TB
	URL    string
	Store  *store.Store
	Edits  *edit.Service
	spec   *openapi3.T
	router routers.Router
	editor int64
	// Accounts makes API tokens.
	Accounts *accounts.Service
}

// newSite starts a site over a fresh store of the engine.
func newSite(t testing.TB, engine store.Engine) *site {
	return newSiteWith(t, engine, web.Settings{Password: cheap, APIReads: 1 << 30, APIWrites: 1 << 30})
}

// newSiteWith starts a site with the given settings over a fresh store of the engine.
func newSiteWith(t testing.TB, engine store.Engine, set web.Settings) *site {
	t.Helper()
	st := storetest.Open(t, engine)
	app, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), set)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Routes(app))
	t.Cleanup(srv.Close)
	s := &site{t: t, URL: srv.URL, Store: st, Edits: app.Edits(), Accounts: app.Accounts()}
	s.editor, err = st.CreateUser(context.Background(), "editor", auth.Hash("correct horse battery", cheap), string(auth.RoleModerator))
	if err != nil {
		t.Fatal(err)
	}
	s.spec, s.router = loadSpec(t, srv.URL)
	return s
}

// loadSpec reads the site's OpenAPI document and has kin-openapi load and validate it.
func loadSpec(t testing.TB, base string) (*openapi3.T, routers.Router) {
	t.Helper()
	res, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: status %d", res.StatusCode)
	}
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	// The document's server is "/", the site that serves it: here, the test's.
	if len(spec.Servers) != 1 || spec.Servers[0].URL != "/" {
		t.Fatalf("the document's servers are %v", spec.Servers)
	}
	spec.Servers[0].URL = base
	router, err := legacy.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	return spec, router
}

// forEachEngine runs fn on a fresh site over every engine under test.
func forEachEngine(t *testing.T, fn func(t *testing.T, s *site)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, newSite(t, engine))
		})
	}
}

// answer is a response with its body.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// decode reads the answer's JSON body into v.
func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Body, v); err != nil {
		t.Fatalf("decode %s: %v", a.Body, err)
	}
}

// noRedirects answers a redirect itself, so that it is checked as the answer it is.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get requests path with the given headers and checks the status and that the answer is what
// the OpenAPI document says an answer of that operation and status is.
func (s *site) get(path string, status int, header ...string) answer {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		s.t.Fatalf("GET %s: status %d, want %d: %s", path, res.StatusCode, status, body)
	}
	s.validate(req, res, body)
	return answer{Status: res.StatusCode, Header: res.Header, Body: body}
}

// validate checks an answer against the OpenAPI document with kin-openapi: by its operation's
// declared response when the address is one of the document's, else (an unknown address) as a
// problem document.
func (s *site) validate(req *http.Request, res *http.Response, body []byte) {
	s.t.Helper()
	ctx := context.Background()
	if res.StatusCode >= 400 {
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			s.t.Fatalf("GET %s: error answered as %q, not application/problem+json", req.URL, ct)
		}
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			s.t.Fatalf("%s %s: no operation in the OpenAPI document (%v)", req.Method, req.URL, err)
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			s.t.Fatalf("GET %s: %v", req.URL, err)
		}
		if err := s.spec.Components.Schemas["Problem"].Value.VisitJSON(v); err != nil {
			s.t.Fatalf("GET %s: not a problem document: %v", req.URL, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		s.t.Fatalf("GET %s: the answer does not follow the OpenAPI document: %v\n%s", req.URL, err, clip(body))
	}
}

func clip(b []byte) []byte {
	if len(b) > 2000 {
		return append(b[:2000:2000], "…"...)
	}
	return b
}

// create makes an entity with doc and returns its id.
func (s *site) create(kind wiki.Kind, doc wiki.Document) int64 {
	s.t.Helper()
	var id int64
	_, err := s.Edits.Apply(context.Background(), s.editor, "New page", func(c *edit.Changes) error {
		var err error
		id, err = c.Create(context.Background(), kind, doc)
		return err
	})
	if err != nil {
		s.t.Fatalf("create %s: %v", kind, err)
	}
	return id
}

// update replaces entity id's document with doc.
func (s *site) update(id int64, doc wiki.Document, summary string) {
	s.t.Helper()
	e, err := s.Store.Entity(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	_, err = s.Edits.Apply(context.Background(), s.editor, summary, func(c *edit.Changes) error {
		return c.Update(context.Background(), id, e.Head, doc)
	})
	if err != nil {
		s.t.Fatalf("update %d: %v", id, err)
	}
}

// list is a decoded page of entities.
type list struct {
	Total      int              `json:"total"`
	Limit      int              `json:"limit"`
	Count      int              `json:"count"`
	NextCursor string           `json:"next_cursor"`
	Next       string           `json:"next"`
	Results    []map[string]any `json:"results"`
}

// names lists the names of a page's entities.
func (l list) names() []string {
	var out []string
	for _, r := range l.Results {
		out = append(out, r["name"].(string))
	}
	return out
}

// list reads a page.
func (s *site) list(path string) list {
	s.t.Helper()
	var l list
	s.get(path, http.StatusOK).decode(s.t, &l)
	if l.Count != len(l.Results) {
		s.t.Errorf("GET %s: count %d for %d results", path, l.Count, len(l.Results))
	}
	return l
}

// problem reads a problem document and checks its status.
func (s *site) problem(path string, status int) map[string]any {
	s.t.Helper()
	var p map[string]any
	s.get(path, status).decode(s.t, &p)
	if detail, _ := p["detail"].(string); p["status"] != float64(status) || detail == "" {
		s.t.Errorf("GET %s: problem %v", path, p)
	}
	return p
}
