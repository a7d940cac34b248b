package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"sync"
	"time"

	"kioku/internal/lists"
	"kioku/internal/store"
)

// A work page's readers' part (its scores, its Top Rated Lists, and the signed-in reader's own
// tracking and lists) is not a revision of the work: it changes whenever a reader scores the
// work or likes a list. So it is never kept in the cached body or page. The body holds a mark
// where it goes, and every request fills the mark with the part as it is now, for its reader,
// like the page tools. The mark carries a secret made when the site starts, so that no text of
// a page can forge it, and the work's id.
type readerSlot struct{ prefix string }

const slotEnd = "-->"

func newReaderSlot() readerSlot {
	b := make([]byte, 16)
	rand.Read(b)
	return readerSlot{prefix: "<!--kioku:readers:" + hex.EncodeToString(b) + ":"}
}

// mark is the mark of work id's readers' part, for its body.
func (s readerSlot) mark(id int64) template.HTML {
	return template.HTML(s.prefix + strconv.FormatInt(id, 10) + slotEnd)
}

// find returns the span of the mark in page and the work it names; ok is false when the page
// has none.
func (s readerSlot) find(page []byte) (start, end int, id int64, ok bool) {
	start = bytes.Index(page, []byte(s.prefix))
	if start < 0 {
		return 0, 0, 0, false
	}
	rest := page[start+len(s.prefix):]
	n := bytes.Index(rest, []byte(slotEnd))
	if n < 0 {
		return 0, 0, 0, false
	}
	id, err := strconv.ParseInt(string(rest[:n]), 10, 64)
	if err != nil {
		return 0, 0, 0, false
	}
	return start, start + len(s.prefix) + n + len(slotEnd), id, true
}

// fillReaders puts into page, in place of its mark, the readers' part as it is now for the
// request's reader. A page without a mark comes back as it is.
func (a *App) fillReaders(r *http.Request, page []byte) ([]byte, error) {
	start, end, id, ok := a.readers.find(page)
	if !ok {
		return page, nil
	}
	var part []byte
	var err error
	if viewer := sessionFrom(r.Context()); viewer != nil {
		part, err = a.readersPart(r.Context(), id, viewer)
	} else {
		part, err = a.anonymousPart(r, id)
	}
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(page)+len(part))
	out = append(out, page[:start]...)
	out = append(out, part...)
	return append(out, page[end:]...), nil
}

// serveCached serves a page of the cache, its readers' part filled for this request; its ETag
// then covers the part too.
func (a *App) serveCached(w http.ResponseWriter, r *http.Request, p cachedPage) error {
	if _, _, _, ok := a.readers.find(p.body); !ok {
		return p.serve(w, r)
	}
	body, err := a.fillReaders(r, p.body)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(append([]byte(p.etag), body[len(p.body):]...))
	return cachedPage{etag: `"` + hex.EncodeToString(sum[:12]) + `"`, body: body}.serve(w, r)
}

// readersFresh is how long the readers' part that readers not signed in are served is kept.
// Changes made through this instance retire it at once (lists.Service.OnChange); those made
// through other instances over the same database show within this time.
const readersFresh = 10 * time.Second

// partCache keeps the readers' parts of work pages served to readers not signed in, by work:
// the same for all of them, and asked for with every page, so that the page cache's pages cost
// no more queries than before while they are fresh.
type partCache struct {
	mu    sync.Mutex
	parts map[int64]cachedPart
	// generation counts the clears, so that a part read before a change is not kept after it.
	generation uint64
}

type cachedPart struct {
	html []byte
	at   time.Time
}

func (c *partCache) get(id int64) (cachedPart, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.parts[id]
	return p, c.generation, ok
}

// put keeps a part read at generation gen, unless a change came since.
func (c *partCache) put(id int64, gen uint64, html []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.generation {
		return
	}
	if c.parts == nil || len(c.parts) >= maxCachedPages {
		c.parts = make(map[int64]cachedPart)
	}
	c.parts[id] = cachedPart{html: html, at: time.Now()}
}

// clear retires every part: a reader changed a list, a like or a score.
func (c *partCache) clear() {
	c.mu.Lock()
	c.parts = nil
	c.generation++
	c.mu.Unlock()
}

// anonymousPart is the readers' part of work id for readers not signed in. While the database
// cannot be reached, the page is served with the last part known, or none: scores and lists
// are not what a reader came for, and the page itself is still there to read.
func (a *App) anonymousPart(r *http.Request, id int64) ([]byte, error) {
	p, gen, ok := a.parts.get(id)
	if ok && time.Since(p.at) < readersFresh {
		return p.html, nil
	}
	html, err := a.readersPart(r.Context(), id, nil)
	if store.Unavailable(err) {
		a.log.Warn("readers' part left out", "path", r.URL.Path, "err", err)
		return p.html, nil
	}
	if err != nil {
		return nil, err
	}
	a.parts.put(id, gen, html)
	return html, nil
}

// readersView is the data of a work page's readers' part.
type readersView struct {
	Work    store.Entity
	Scores  lists.Summary
	Top     []store.ReaderList
	Viewer  *store.User
	CSRF    string
	Mine    *store.Tracking
	Total   int
	Lists   []ownList
	Statuse []lists.Status
}

type ownList struct {
	store.ReaderList
	Holds bool
}

// readersPart renders the readers' part of the page of work id for viewer (nil: not signed in).
func (a *App) readersPart(ctx context.Context, id int64, viewer *store.Session) ([]byte, error) {
	w, err := a.store.Entity(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // a new work its author sees before review: no reader has it yet
	}
	if err != nil {
		return nil, err
	}
	v := readersView{Work: w, Statuse: lists.Statuses}
	if v.Scores, err = a.lists.WorkSummary(ctx, id); err != nil {
		return nil, err
	}
	if v.Top, err = a.store.TopListsWith(ctx, id, lists.TopLists); err != nil {
		return nil, err
	}
	if viewer != nil {
		v.Viewer, v.CSRF = &viewer.User, viewer.CSRFToken
		t, err := a.store.Tracking(ctx, viewer.User.ID, id)
		switch {
		case err == nil:
			v.Mine = &t
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		if v.Total, err = a.store.WorkEpisodes(ctx, id); err != nil {
			return nil, err
		}
		own, err := a.store.ReaderListsOf(ctx, viewer.User.ID, true, lists.MaxLists)
		if err != nil {
			return nil, err
		}
		holding := map[int64]bool{}
		if len(own) > 0 {
			if holding, err = a.store.ListsHolding(ctx, viewer.User.ID, id); err != nil {
				return nil, err
			}
		}
		for _, l := range own {
			v.Lists = append(v.Lists, ownList{ReaderList: l, Holds: holding[l.ID]})
		}
	}
	var buf bytes.Buffer
	if err := a.pages["list"].ExecuteTemplate(&buf, "workreaders", v); err != nil {
		return nil, fmt.Errorf("web: render readers' part: %w", err)
	}
	return buf.Bytes(), nil
}
