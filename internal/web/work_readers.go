package web

import (
	"bytes"
	"context"
	"crypto/rand"
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

// slotSpan is where the readers' part of work goes in a page: in place of bytes start to end.
// work is 0 when the page has no mark.
type slotSpan struct {
	start, end int
	work       int64
}

// find returns where the mark is in page; its work is 0 when the page has none.
func (s readerSlot) find(page []byte) slotSpan {
	start := bytes.Index(page, []byte(s.prefix))
	if start < 0 {
		return slotSpan{}
	}
	rest := page[start+len(s.prefix):]
	n := bytes.Index(rest, []byte(slotEnd))
	if n < 0 {
		return slotSpan{}
	}
	id, err := strconv.ParseInt(string(rest[:n]), 10, 64)
	if err != nil || id <= 0 {
		return slotSpan{}
	}
	return slotSpan{start: start, end: start + len(s.prefix) + n + len(slotEnd), work: id}
}

// readersFor is work id's readers' part as it is now, for the request's reader.
func (a *App) readersFor(r *http.Request, id int64) ([]byte, error) {
	viewer := sessionFrom(r.Context())
	shared, part, err := a.sharedPart(r, id, viewer == nil)
	if err != nil {
		return nil, err
	}
	if viewer != nil && shared.Work.ID != 0 {
		return a.readersPart(r.Context(), shared, viewer)
	}
	return part, nil
}

// fillReaders puts into page, in place of its mark, the readers' part as it is now for the
// request's reader. A page without a mark comes back as it is.
func (a *App) fillReaders(r *http.Request, page []byte) ([]byte, error) {
	span := a.readers.find(page)
	if span.work == 0 {
		return page, nil
	}
	part, err := a.readersFor(r, span.work)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(page)+len(part))
	out = append(out, page[:span.start]...)
	out = append(out, part...)
	return append(out, page[span.end:]...), nil
}

// serveCached serves a page of the cache, its readers' part filled for this request; its ETag
// then covers the part too. The page is written around the part as it is, neither searched for
// the mark nor copied nor hashed again: a work page with a long cast is tens of kilobytes.
func (a *App) serveCached(w http.ResponseWriter, r *http.Request, p cachedPage) error {
	span := p.readers
	if span.work == 0 {
		return p.serve(w, r)
	}
	part, err := a.readersFor(r, span.work)
	if err != nil {
		return err
	}
	return servePage(w, r, etag([]byte(p.etag), part), p.body[:span.start], part, p.body[span.end:])
}

// readersFresh is how long what every reader sees of a work's scores and lists is kept.
// Changes made through this instance retire it at once (lists.Service.OnChange); those made
// through other instances over the same database show within this time.
const readersFresh = 10 * time.Second

// readersShared is what every reader sees of a work's readers: its scores and Top Rated Lists,
// and those two rendered.
type readersShared struct {
	Work       store.Entity
	Scores     lists.Summary
	Top        []store.ReaderList
	ScoresHTML template.HTML
	TopHTML    template.HTML
	at         time.Time // when it was read
}

// partCache keeps, by work, what every reader sees of its readers, and that part rendered for
// readers not signed in: asked for with every page, so that a cached page costs no query while
// they are fresh, and a signed-in reader's page only the queries of their own parts.
type partCache struct {
	mu    sync.Mutex
	parts map[int64]cachedPart
	// own keeps a signed-in reader's own part of a work's page (their tracking and list forms),
	// by reader and work, with the shared part it was rendered with.
	own map[ownKey]cachedOwn
	// generation counts the clears, so that a part read before a change is not kept after it.
	generation uint64
}

type ownKey struct{ user, work int64 }

type cachedOwn struct {
	csrf   string // the token its forms carry: another session of the reader renders its own
	shared time.Time
	html   []byte
	at     time.Time
}

// getOwn returns reader user's part of work's page rendered at generation gen, if it is fresh
// and was rendered for the session with this token and the shared part read at shared.
func (c *partCache) getOwn(user, work int64, csrf string, shared time.Time) ([]byte, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.own[ownKey{user, work}]
	if !ok || o.csrf != csrf || !o.shared.Equal(shared) || time.Since(o.at) >= readersFresh {
		return nil, c.generation, false
	}
	return o.html, c.generation, true
}

// putOwn keeps a reader's part read at generation gen, unless a change came since.
func (c *partCache) putOwn(user, work int64, gen uint64, o cachedOwn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.generation {
		return
	}
	if c.own == nil || len(c.own) >= maxCachedPages {
		c.own = make(map[ownKey]cachedOwn)
	}
	c.own[ownKey{user, work}] = o
}

// cachedPart is a work's shared part, read at shared.at, with its rendering.
type cachedPart struct {
	shared readersShared
	html   []byte
}

func (c *partCache) get(id int64) (cachedPart, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.parts[id]
	return p, c.generation, ok
}

// put keeps a part read at generation gen, unless a change came since.
func (c *partCache) put(id int64, gen uint64, p cachedPart) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.generation {
		return
	}
	if c.parts == nil || len(c.parts) >= maxCachedPages {
		c.parts = make(map[int64]cachedPart)
	}
	c.parts[id] = p
}

// clear retires every part: a reader changed a list, a like or a score.
func (c *partCache) clear() {
	c.mu.Lock()
	c.parts, c.own = nil, nil
	c.generation++
	c.mu.Unlock()
}

// sharedPart returns what every reader sees of work id's readers, and its rendering for readers
// not signed in, fresh or read now. When it cannot be read (the database cannot be reached, say),
// a reader not signed in (anonymous) gets the page with the last part known, or none: scores and
// lists are not what a reader came for, and the page, served from the cache, is still there to
// read. A signed-in reader's page needs the database for its own parts anyway.
func (a *App) sharedPart(r *http.Request, id int64, anonymous bool) (readersShared, []byte, error) {
	p, gen, ok := a.parts.get(id)
	if ok && time.Since(p.shared.at) < readersFresh {
		return p.shared, p.html, nil
	}
	ctx := r.Context()
	fresh, err := a.readShared(ctx, id)
	if err == nil && fresh.Work.ID != 0 {
		var html []byte
		if html, err = a.renderReaders(readersView{readersShared: fresh}); err == nil {
			fresh.at = time.Now()
			a.parts.put(id, gen, cachedPart{shared: fresh, html: html})
			return fresh, html, nil
		}
	}
	if anonymous && err != nil && r.Context().Err() == nil {
		if store.Unavailable(err) {
			a.log.Warn("readers' part left out", "path", r.URL.Path, "err", err)
		} else {
			a.log.Error("readers' part left out", "path", r.URL.Path, "err", err)
		}
		return p.shared, p.html, nil
	}
	return fresh, nil, err
}

// readShared reads what every reader sees of work id's readers, and renders it; nothing for a
// new work that its author sees before review.
func (a *App) readShared(ctx context.Context, id int64) (readersShared, error) {
	w, err := a.store.Entity(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return readersShared{}, nil
	}
	if err != nil {
		return readersShared{}, err
	}
	sh := readersShared{Work: w}
	if sh.Scores, err = a.lists.WorkSummary(ctx, id); err != nil {
		return sh, err
	}
	if sh.Top, err = a.store.TopListsWith(ctx, id, lists.TopLists); err != nil {
		return sh, err
	}
	if sh.ScoresHTML, err = a.renderPart("scoresummary", sh.Scores); err != nil {
		return sh, err
	}
	sh.TopHTML, err = a.renderPart("toplistsummary", sh.Top)
	return sh, err
}

// readersView is the data of a work page's readers' part: what every reader sees, and for a
// signed-in reader (Viewer) their own forms.
type readersView struct {
	readersShared
	Viewer *store.User
	Form   *trackingForm
}

// trackingForm is a signed-in reader's own part of a work page: their tracking of it and their
// lists, with the choices of the forms made here rather than by the template, which is asked
// for it on every request.
type trackingForm struct {
	Name     string
	CSRF     string
	Statuses []selectOption
	Scores   []selectOption
	Total    int
	Episodes int
	Started  string
	Finished string
	Lists    []store.ListChoice
}

// selectOption is an option of a select, chosen or not.
type selectOption struct {
	Value, Label string
	Selected     bool
}

// scoreLabels are the score choices' values and labels, 0 being none.
var scoreLabels = func() []string {
	out := []string{"(none)"}
	for s := 1; s <= 10; s++ {
		out = append(out, strconv.Itoa(s))
	}
	return out
}()

// readersPart renders the readers' part of a work page for a signed-in viewer: what every
// reader sees, and their own tracking form and lists, read in two queries.
func (a *App) readersPart(ctx context.Context, shared readersShared, viewer *store.Session) ([]byte, error) {
	id := shared.Work.ID
	// Kept a few seconds, like the shared part: any change of a list, a like or a score made
	// here retires it at once.
	html, gen, ok := a.parts.getOwn(viewer.User.ID, id, viewer.CSRFToken, shared.at)
	if ok {
		return html, nil
	}
	html, err := a.renderOwn(ctx, shared, viewer)
	if err == nil && !shared.at.IsZero() {
		a.parts.putOwn(viewer.User.ID, id, gen, cachedOwn{csrf: viewer.CSRFToken, shared: shared.at, html: html, at: time.Now()})
	}
	return html, err
}

// renderOwn reads and renders a signed-in reader's part of a work's page.
func (a *App) renderOwn(ctx context.Context, shared readersShared, viewer *store.Session) ([]byte, error) {
	id := shared.Work.ID
	t, total, err := a.store.TrackingOf(ctx, viewer.User.ID, id)
	if err != nil {
		return nil, err
	}
	f := &trackingForm{Name: viewer.User.Name, CSRF: viewer.CSRFToken, Total: total, Episodes: t.Episodes,
		Started: t.Started, Finished: t.Finished}
	f.Statuses = append(f.Statuses, selectOption{Value: "", Label: "(not on my list)", Selected: t.Status == ""})
	for _, st := range lists.Statuses {
		f.Statuses = append(f.Statuses, selectOption{Value: string(st), Label: st.Label(), Selected: string(st) == t.Status})
	}
	for s, label := range scoreLabels {
		f.Scores = append(f.Scores, selectOption{Value: strconv.Itoa(s), Label: label, Selected: s == t.Score})
	}
	if f.Lists, err = a.store.ListChoices(ctx, viewer.User.ID, id, lists.MaxLists); err != nil {
		return nil, err
	}
	return a.renderReaders(readersView{readersShared: shared, Viewer: &viewer.User, Form: f})
}

func (a *App) renderReaders(v readersView) ([]byte, error) {
	b, err := a.renderPart("workreaders", v)
	return []byte(b), err
}

// renderPart renders one of the templates of a work page's readers' part.
func (a *App) renderPart(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := a.pages["list"].ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("web: render readers' part: %w", err)
	}
	return template.HTML(buf.String()), nil
}
