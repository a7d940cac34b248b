package web

import (
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"kioku/internal/store"
)

// pageCache keeps rendered pages for readers who are not signed in, and the bodies of entity
// pages (what every reader sees of them) for everyone. Any accepted edit moves the generation on,
// which retires every cached page and body at once: a page shows names of other entities, lists
// of works that point to it and [[links]] found by title, so an edit to one entity can change many
// pages that the announced ids do not name, and a whole-cache retirement is both simple and never
// stale.
type pageCache struct {
	generation atomic.Uint64
	mu         sync.RWMutex
	pages      map[string]cachedPage
	bytes      int
	bodies     map[bodyKey]cachedBody
	bodyBytes  int
	// entities are the entities at canonical page addresses, so that a signed-in reader's
	// page need not read the entity again while no edit or lock has been accepted.
	entities map[string]cachedEntity
}

type cachedEntity struct {
	generation uint64
	entity     store.Entity
}

// bodyKey names the body of one page of an entity at one of its revisions.
type bodyKey struct {
	entity   int64
	revision int
	page     int
}

// cachedBody is the shared part of an entity page, rendered with no reader: the content before
// and after the slot where each reader's page tools go. It holds nothing of any reader's own.
type cachedBody struct {
	generation uint64
	template   string
	before     template.HTML
	after      template.HTML
}

func (b cachedBody) size() int { return len(b.before) + len(b.after) }

type cachedPage struct {
	generation uint64
	etag       string
	body       []byte
	// readers is where a work's readers' part goes in body, found when the page was kept:
	// a page served from the cache is not searched for it again.
	readers slotSpan
}

// maxCachedPages and maxCachedBytes bound the cache's memory; past either, the cache starts
// afresh. With a whole data set imported, a crawler would otherwise keep every page of the
// wiki in memory.
const (
	maxCachedPages = 20_000
	maxCachedBytes = 24 << 20
)

// SignedIn reports whether the request comes from a signed-in reader, whose pages are their
// own and must not be cached for others. It is meaningful inside WithSession.
func SignedIn(r *http.Request) bool { return sessionFrom(r.Context()) != nil }

func newPageCache() *pageCache {
	return &pageCache{pages: make(map[string]cachedPage), bodies: make(map[bodyKey]cachedBody),
		entities: make(map[string]cachedEntity)}
}

func (c *pageCache) invalidate() { c.generation.Add(1) }

// Generation is the page cache's generation, which every accepted edit (on any instance) moves
// on: the API keeps its answers under it, so that they are retired with the pages.
func (a *App) Generation() uint64 { return a.cache.generation.Load() }

func (c *pageCache) get(key string) (cachedPage, bool) {
	c.mu.RLock()
	p, ok := c.pages[key]
	c.mu.RUnlock()
	return p, ok && p.generation == c.generation.Load()
}

// put stores a page rendered at generation gen, read before rendering began, so that a page
// rendered from data an edit has since replaced is never served as current. readers is where
// the page's readers' part goes, if it has one.
func (c *pageCache) put(key string, gen uint64, body []byte, readers slotSpan) cachedPage {
	p := cachedPage{generation: gen, etag: etag(body), body: body, readers: readers}
	c.mu.Lock()
	if len(c.pages) >= maxCachedPages || c.bytes+len(body) > maxCachedBytes {
		c.pages, c.bytes = make(map[string]cachedPage), 0
	}
	if old, ok := c.pages[key]; ok {
		c.bytes -= len(old.body)
	}
	c.pages[key] = p
	c.bytes += len(body)
	c.mu.Unlock()
	return p
}

// body returns the cached body at key, if it was rendered since the last accepted edit.
func (c *pageCache) body(key bodyKey) (cachedBody, bool) {
	c.mu.RLock()
	b, ok := c.bodies[key]
	c.mu.RUnlock()
	return b, ok && b.generation == c.generation.Load()
}

// putBody stores a body rendered at the generation it carries, read before rendering began.
func (c *pageCache) putBody(key bodyKey, b cachedBody) {
	c.mu.Lock()
	if len(c.bodies) >= maxCachedPages || c.bodyBytes+b.size() > maxCachedBytes {
		c.bodies, c.bodyBytes = make(map[bodyKey]cachedBody), 0
	}
	if old, ok := c.bodies[key]; ok {
		c.bodyBytes -= old.size()
	}
	c.bodies[key] = b
	c.bodyBytes += b.size()
	c.mu.Unlock()
}

// entity returns the entity whose canonical page address is path, if it was read since the last
// accepted edit.
func (c *pageCache) entity(path string) (store.Entity, bool) {
	c.mu.RLock()
	e, ok := c.entities[path]
	c.mu.RUnlock()
	return e.entity, ok && e.generation == c.generation.Load()
}

// putEntity stores the entity at its canonical page address path, read at generation gen.
func (c *pageCache) putEntity(path string, gen uint64, e store.Entity) {
	c.mu.Lock()
	if len(c.entities) >= maxCachedPages {
		c.entities = make(map[string]cachedEntity)
	}
	c.entities[path] = cachedEntity{generation: gen, entity: e}
	c.mu.Unlock()
}

// etag is the entity tag of a page made of parts: a hash of them.
func etag(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// serve writes a cached page, answering 304 when the reader already has it.
func (p cachedPage) serve(w http.ResponseWriter, r *http.Request) error {
	return servePage(w, r, p.etag, p.body)
}

// servePage writes a page made of parts, with its entity tag, answering 304 when the reader
// already has it.
func servePage(w http.ResponseWriter, r *http.Request, tag string, parts ...[]byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("ETag", tag)
	h.Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h.Set("Content-Length", strconv.Itoa(n))
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}
