// Package api serves the read side of Kioku's public JSON API under /api/v1/: lists and
// details of every kind of entity, their revisions and diffs, and the OpenAPI document that
// describes them, which is built from the same Go types the responses are written from.
//
// The API is an edge like the HTML forms: it decodes requests into the store's and the wiki's
// own types and calls the same code the pages do. Its errors go through the web package's one
// error adapter, which answers requests under /api/ with problem documents (RFC 9457).
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"kioku/internal/accounts"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// Prefix is where the API's version 1 lives.
const Prefix = "/api/v1"

// API holds what the handlers need. Build it with New.
type API struct {
	store *store.Store
	spec  []byte
	cache *cache
	// generation is the site's cache generation, which every accepted edit moves on (on any
	// instance): answers kept under an older one are not served.
	generation func() uint64
	// Writing: the services writes go through, the request budgets, and the address a request
	// without a token is counted under.
	edits    *edit.Service
	accounts *accounts.Service
	limits   Limits
	address  func(*http.Request) string
	hits     hitCounter
}

// New builds the API over a migrated store. generation is the site's cache generation
// (web.App.Generation): the API keeps answers while it stays the same.
func New(s *store.Store, generation func() uint64) *API {
	spec, err := json.MarshalIndent(Document(), "", "  ")
	if err != nil {
		panic(fmt.Sprintf("api: OpenAPI document: %v", err)) // plain data; this cannot fail
	}
	return &API{store: s, spec: append(spec, '\n'), cache: newCache(), generation: generation, limits: DefaultLimits,
		address: func(r *http.Request) string { return r.RemoteAddr }}
}

// Writing lets the API take writes through edits, made with the API tokens of accounts; address
// is the address a request without a token is counted under (web.App.ClientAddress), and limits
// the request budgets (zero values keep DefaultLimits').
func (a *API) Writing(edits *edit.Service, acc *accounts.Service, address func(*http.Request) string, limits Limits) *API {
	a.edits, a.accounts, a.address = edits, acc, address
	if limits.Reads > 0 {
		a.limits.Reads = limits.Reads
	}
	if limits.Writes > 0 {
		a.limits.Writes = limits.Writes
	}
	return a
}

// handler is the shape of every API handler: it returns its answer's body, or its error for
// the web package's adapter to answer.
type handler = func(r *http.Request) (reply, error)

// reply is a handler's answer: a JSON body, and for a list the address of its next page.
type reply struct {
	body []byte
	next string
	// moved is the address of the entity that the one asked for was merged into.
	moved string
	// live marks an answer that may change without an accepted edit (a changeset waiting for
	// review is amended, withdrawn or rejected): it is not kept, and caches must ask again.
	live bool
}

// Install adds the API's routes to mux, each wrapped by wrap (web.App.Wrap).
func (a *API) Install(mux *http.ServeMux, wrap func(web.Handler) http.Handler) {
	h := func(f handler) http.Handler { return wrap(a.limited(policyRead, a.serve(f))) }
	mux.Handle("GET "+Prefix, h(a.Index))
	mux.Handle("GET "+Prefix+"/{$}", h(a.Index)) // as it was first served; the document names the one without the slash
	mux.Handle("GET "+Prefix+"/openapi.json", h(a.OpenAPI))
	mux.Handle("GET "+Prefix+"/changes", h(a.Changes))
	mux.Handle("GET "+Prefix+"/changesets/{id}", h(a.ShowChangeset))
	if a.edits != nil {
		mux.Handle("POST "+Prefix+"/changesets", wrap(a.limited(policyWrite, a.PostChangeset)))
	}
	for _, c := range collections {
		p := Prefix + "/" + c.Path
		if a.edits != nil {
			mux.Handle("PUT "+p+"/{id}", wrap(a.limited(policyWrite, a.Put(c))))
		}
		mux.Handle("GET "+p, h(a.List(c)))
		mux.Handle("GET "+p+"/{id}", h(a.Show(c)))
		mux.Handle("GET "+p+"/{id}/revisions", h(a.Revisions(c)))
		mux.Handle("GET "+p+"/{id}/revisions/{n}", h(a.Revision(c)))
		mux.Handle("GET "+p+"/{id}/diff", h(a.Diff(c)))
	}
	// Every other address under the API, and any method but GET and HEAD, is answered as a
	// problem document rather than the mux's plain text.
	mux.Handle(Prefix+"/", wrap(a.limited(policyRead, notFound)))
}

// collection is one kind of entity as the API lists it.
type collection struct {
	// Path is the collection's segment ("works"), Schema the name of its items' schema.
	Path   string
	Kind   wiki.Kind
	Schema string
	// Noun is one entity of the kind, for messages.
	Noun string
}

// collections lists every kind the API serves, in the wiki's order.
var collections = []collection{
	{"works", wiki.KindWork, "Work", "work"},
	{"episodes", wiki.KindEpisode, "Episode", "episode"},
	{"characters", wiki.KindCharacter, "Character", "character"},
	{"people", wiki.KindPerson, "Person", "person"},
	{"companies", wiki.KindCompany, "Company", "company"},
	{"franchises", wiki.KindFranchise, "Franchise", "franchise"},
	{"genres", wiki.KindGenre, "Genre", "genre"},
	{"themes", wiki.KindTheme, "Theme", "theme"},
	{"concepts", wiki.KindConcept, "Concept", "concept"},
}

// collectionOf finds the collection of a kind.
func collectionOf(k wiki.Kind) (collection, bool) {
	for _, c := range collections {
		if c.Kind == k {
			return c, true
		}
	}
	return collection{}, false
}

// entityURL is the API address of an entity.
func entityURL(e store.Entity) string {
	c, ok := collectionOf(e.Kind)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s/%s/%d", Prefix, c.Path, e.ID)
}

// badRequest builds the error the web adapter answers with 400.
func badRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", web.ErrBadRequest, fmt.Sprintf(format, args...))
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return fmt.Errorf("%w: this address answers only GET and HEAD (writes are PUT to an entity's address, or POST to /api/v1/changesets)", web.ErrMethod)
	}
	return store.ErrNotFound
}

// Cache lifetimes. Reads are the same for every reader, so shared caches may keep them for a
// minute and then ask again with the ETag.
const cacheControl = "public, max-age=60"

// liveCacheControl is for answers that may change at any moment: caches keep them but ask again,
// with the ETag, before each use.
const liveCacheControl = "public, no-cache"

// serve answers a request with f's reply, kept until the next accepted edit: the same address
// gets the same bytes and ETag without reading the store again. The ETag is a hash of the body:
// an entity's answer also shows other entities' names, so no revision number alone could tell
// that it is unchanged.
func (a *API) serve(f handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := r.URL.RequestURI()
		gen := a.generation()
		c, ok := a.cache.get(key, gen)
		if !ok {
			rep, err := f(r)
			if err != nil {
				return err
			}
			// Kept under the generation read before the store was: an edit accepted meanwhile
			// retires it.
			c = a.cache.put(key, gen, rep)
		}
		h := w.Header()
		h.Set("ETag", c.etag)
		h.Set("Access-Control-Allow-Origin", "*")
		// A request with a token is counted under it, and its RateLimit headers say so.
		h.Add("Vary", "Authorization")
		if !web.SignedIn(r) {
			// A signed-in reader's answers stay private, as the site marks them: their session
			// may be refreshed on the way.
			if c.live {
				h.Set("Cache-Control", liveCacheControl)
			} else {
				h.Set("Cache-Control", cacheControl)
			}
		}
		if c.next != "" {
			h.Set("Link", "<"+c.next+`>; rel="next"`)
		}
		if c.moved != "" {
			h.Set("Location", c.moved)
			w.WriteHeader(http.StatusPermanentRedirect)
			return nil
		}
		if matchETag(r.Header.Get("If-None-Match"), c.etag) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		h.Set("Content-Type", "application/json")
		_, err := w.Write(c.body)
		return err
	}
}

// encode writes v as the body of a reply.
func encode(v any) (reply, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return reply{}, err
	}
	return reply{body: buf.Bytes()}, nil
}

// matchETag reports whether an If-None-Match header names etag, compared weakly as RFC 9110
// asks for this header.
func matchETag(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// OpenAPI serves the OpenAPI document.
func (a *API) OpenAPI(r *http.Request) (reply, error) {
	return reply{body: a.spec}, nil
}

// Index lists the API's collections.
func (a *API) Index(r *http.Request) (reply, error) {
	out := Root{OpenAPI: Prefix + "/openapi.json", Search: Prefix + "/search", Documentation: "/api"}
	for _, c := range collections {
		out.Collections = append(out.Collections, CollectionLink{Kind: string(c.Kind), APIURL: Prefix + "/" + c.Path})
	}
	return encode(out)
}

// Root is the answer of /api/v1/.
type Root struct {
	Collections   []CollectionLink `json:"collections"`
	Search        string           `json:"search"`
	OpenAPI       string           `json:"openapi"`
	Documentation string           `json:"documentation"`
}

type CollectionLink struct {
	Kind   string `json:"kind"`
	APIURL string `json:"api_url"`
}
