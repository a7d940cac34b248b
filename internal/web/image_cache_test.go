package web

import (
	"testing"

	"kioku/internal/store"
)

// TestBlobCacheBound keeps renditions up to its bound, the oldest leaving first, and never one
// larger than a page's copy.
func TestBlobCacheBound(t *testing.T) {
	c := newBlobCache(100)
	blob := func(h string, n int) store.ImageBlob {
		return store.ImageBlob{Hash: h, Width: 160, Data: make([]byte, n)}
	}
	c.put(blob("a", 40))
	c.put(blob("b", 40))
	c.put(blob("c", 40)) // a leaves
	if _, ok := c.get("a", 160); ok {
		t.Error("the oldest rendition is still kept past the bound")
	}
	for _, h := range []string{"b", "c"} {
		if _, ok := c.get(h, 160); !ok {
			t.Errorf("%s is not kept", h)
		}
	}
	if _, ok := c.get("b", 320); ok {
		t.Error("a width never put is found")
	}
	c.put(blob("big", 101))
	if _, ok := c.get("big", 160); ok || c.size > 100 {
		t.Errorf("a rendition larger than the bound is kept (size %d)", c.size)
	}
}
