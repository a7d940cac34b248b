package api

import (
	"crypto/sha256"
	"encoding/base64"
	"sync"
)

// cache keeps the API's answers by address until the site's cache generation moves on, as the
// site's page cache does: every accepted edit, on any instance, retires them all at once.
type cache struct {
	mu      sync.RWMutex
	entries map[string]cached
	bytes   int
}

type cached struct {
	generation uint64
	etag       string
	body       []byte
	next       string
	moved      string
	live       bool
}

// Bounds on the cache's memory: past either, it starts afresh.
const (
	maxCached      = 10_000
	maxCachedBytes = 16 << 20
)

func newCache() *cache { return &cache{entries: make(map[string]cached)} }

// get returns the answer kept at key if it was made at generation gen.
func (c *cache) get(key string, gen uint64) (cached, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	return e, ok && e.generation == gen
}

// put keeps a reply made at generation gen, read before the reply was made.
func (c *cache) put(key string, gen uint64, r reply) cached {
	sum := sha256.Sum256(r.body)
	e := cached{generation: gen, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, body: r.body, next: r.next,
		moved: r.moved, live: r.live}
	if r.live || len(r.body) > maxCachedBytes/16 {
		return e // not to be kept, or too large to keep
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCached || c.bytes+len(r.body) > maxCachedBytes {
		c.entries, c.bytes = make(map[string]cached), 0
	}
	if old, ok := c.entries[key]; ok {
		c.bytes -= len(old.body)
	}
	c.entries[key] = e
	c.bytes += len(r.body)
	return e
}
