package web

import (
	"sync"

	"kioku/internal/store"
)

// blobCache keeps the renditions of pictures this instance served lately, up to a number of
// bytes. A rendition's address names its content, so a kept copy is never stale, on this
// instance or any other: nothing needs to forget it but the bound. The oldest go first.
type blobCache struct {
	mu    sync.Mutex
	max   int
	size  int
	items map[blobKey]store.ImageBlob
	order []blobKey
}

type blobKey struct {
	hash  string
	width int
}

// maxCachedBlob is the largest rendition kept: copies for pages, not pictures at full size.
const maxCachedBlob = 512 << 10

func newBlobCache(max int) *blobCache {
	return &blobCache{max: max, items: make(map[blobKey]store.ImageBlob)}
}

func (c *blobCache) get(hash string, width int) (store.ImageBlob, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.items[blobKey{hash, width}]
	return b, ok
}

func (c *blobCache) put(b store.ImageBlob) {
	if len(b.Data) > maxCachedBlob || len(b.Data) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := blobKey{b.Hash, b.Width}
	if _, ok := c.items[k]; ok {
		return
	}
	for c.size+len(b.Data) > c.max && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.size -= len(c.items[old].Data)
		delete(c.items, old)
	}
	c.items[k] = b
	c.order = append(c.order, k)
	c.size += len(b.Data)
}
