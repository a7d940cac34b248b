package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// loadEntity reads the entity addressed by the request's {ref} under segment. When the address
// is not the canonical one (old name, wrong segment), it redirects there and returns ok false.
func (a *App) loadEntity(w http.ResponseWriter, r *http.Request, segment, suffix string) (store.Entity, bool, error) {
	id, slug, err := wiki.ParseRef(r.PathValue("ref"))
	if err != nil {
		return store.Entity{}, false, store.ErrNotFound
	}
	e, err := a.store.Entity(r.Context(), id)
	if err != nil {
		return store.Entity{}, false, err
	}
	if e.Segment != segment || slug != wiki.Slugify(e.Name) {
		target := e.Path() + suffix
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return e, false, nil
	}
	return e, true, nil
}

// head reads an entity's current document.
func (a *App) head(ctx context.Context, e store.Entity) (wiki.Document, error) {
	rev, err := a.store.Revision(ctx, e.ID, e.Head)
	if err != nil {
		return nil, err
	}
	return wiki.Decode(e.Kind, rev.Document)
}

// Show serves an entity page. Readers who are not signed in get a cached copy while no edit has
// been accepted since it was rendered.
func (a *App) Show(segment string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		page := 1
		if raw := r.URL.Query().Get("page"); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 100_000 {
				return badRequest("page must be a whole number from 1")
			}
			page = n
		}
		key := r.URL.Path
		if page > 1 {
			key += "?page=" + strconv.Itoa(page)
		}
		return a.cached(w, r, key, func() ([]byte, error) {
			e, ok, err := a.loadEntity(w, r, segment, "")
			if err != nil || !ok {
				return nil, err
			}
			doc, err := a.head(r.Context(), e)
			if err != nil {
				return nil, err
			}
			name, data, err := a.view(r.Context(), e, doc, sessionFrom(r.Context()), page)
			if err != nil {
				return nil, err
			}
			return a.renderBytes(r, name, e.Name, data)
		})
	}
}

// cached serves a page at key: to readers who are not signed in, a copy rendered since the last
// accepted edit when there is one; otherwise what render makes, kept for the next such reader.
// render returns no bytes when it answered the request itself (with a redirect).
func (a *App) cached(w http.ResponseWriter, r *http.Request, key string, render func() ([]byte, error)) error {
	anonymous := sessionFrom(r.Context()) == nil
	if anonymous {
		if p, ok := a.cache.get(key); ok {
			return p.serve(w, r)
		}
	}
	gen := a.cache.generation.Load()
	body, err := render()
	if err != nil || body == nil {
		return err
	}
	if anonymous {
		return a.cache.put(key, gen, body).serve(w, r)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page is the reader's own: it carries their sign-out form's token.
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(body)
	return err
}

// entityView is what every entity page has: the entity, its document, its rendered long text
// and its top editors; for a signed-in reader, their own edits of it that wait for review or
// were lately rejected, and for moderators the lock.
type entityView struct {
	Entity      store.Entity
	Description template.HTML
	Summary     template.HTML
	TopEditors  []store.Editor
	Pending     []store.Changeset
	Rejected    []store.Changeset
	CanLock     bool
	Watching    bool
	CSRF        string
	// Page is the page of a long list (a person's credits) the reader asked for; 1 by default.
	Page int
}

func (a *App) view(ctx context.Context, e store.Entity, doc wiki.Document, viewer *store.Session, page int) (string, any, error) {
	base := entityView{Entity: e, Page: page}
	var err error
	if base.TopEditors, err = a.store.TopEditors(ctx, e.ID, 5); err != nil {
		return "", nil, err
	}
	if viewer != nil {
		base.CSRF, base.CanLock = viewer.CSRFToken, auth.Role(viewer.User.Role).Can(auth.Lock)
		if base.Watching, err = a.store.Watching(ctx, viewer.User.ID, e.ID); err != nil {
			return "", nil, err
		}
		mine := store.ChangesetFilter{Status: store.StatusPending, Author: viewer.User.Name, Entity: e.ID, Limit: 10}
		if base.Pending, err = a.store.Changesets(ctx, mine); err != nil {
			return "", nil, err
		}
		mine.Status, mine.Limit = store.StatusRejected, 3
		if base.Rejected, err = a.store.Changesets(ctx, mine); err != nil {
			return "", nil, err
		}
	}
	// The long texts first: a [[link]] whose lookup failed must fail the page, not show as a
	// link to a missing page that the cache would then keep.
	links := a.links(ctx)
	description, summary := longTexts(doc)
	base.Description, base.Summary = a.text.Render(description, links.resolve), a.text.Render(summary, links.resolve)
	if links.err != nil {
		return "", nil, links.err
	}
	switch d := doc.(type) {
	case *wiki.Work:
		v, err := a.workView(ctx, base, d)
		return "work", v, err
	case *wiki.Person:
		v, err := a.personView(ctx, base, d)
		return "person", v, err
	case *wiki.Character:
		v, err := a.characterView(ctx, base, d)
		return "character", v, err
	case *wiki.Episode:
		v, err := a.episodeView(ctx, base, d)
		return "episode", v, err
	case *wiki.Company:
		v, err := a.topicView(ctx, base, d, wiki.RelCompany)
		return "topic", v, err
	case *wiki.Topic:
		rel := map[wiki.Kind]wiki.Rel{wiki.KindGenre: wiki.RelGenre, wiki.KindTheme: wiki.RelTheme,
			wiki.KindFranchise: wiki.RelFranchise, wiki.KindConcept: wiki.RelAssociation}[e.Kind]
		v, err := a.topicView(ctx, base, d, rel)
		return "topic", v, err
	}
	return "", nil, store.ErrNotFound
}

// longTexts returns the wiki text of a document's description and summary.
func longTexts(doc wiki.Document) (description, summary string) {
	switch d := doc.(type) {
	case *wiki.Work:
		return d.Description, ""
	case *wiki.Person:
		return d.Description, d.Summary
	case *wiki.Character:
		return d.Description, d.Summary
	case *wiki.Episode:
		return d.Description, d.Summary
	case *wiki.Company:
		return d.Description, d.Summary
	case *wiki.Topic:
		return d.Description, d.Summary
	}
	return "", ""
}

// linkResolver finds the pages that [[Title]] links point to: the oldest entity of that name.
// A lookup that fails is not a missing page: the resolver keeps the error, asks nothing more,
// and the page that is being rendered must fail with it.
type linkResolver struct {
	ctx   context.Context
	store *store.Store
	err   error
}

func (a *App) links(ctx context.Context) *linkResolver {
	return &linkResolver{ctx: ctx, store: a.store}
}

// resolve is a wikitext.Resolver.
func (l *linkResolver) resolve(title string) (string, bool) {
	if l.err != nil {
		return "", false
	}
	list, err := l.store.EntitiesNamed(l.ctx, title)
	if err != nil {
		l.err = fmt.Errorf("web: look up [[%s]]: %w", title, err)
		return "", false
	}
	if len(list) == 0 {
		return "", false
	}
	return list[0].Path(), true
}

// names looks up the entities a document points to, by id.
func (a *App) names(ctx context.Context, docs ...wiki.Document) (map[int64]store.Entity, error) {
	var ids []int64
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, t := range d.Refs() {
			ids = append(ids, t.ID)
		}
	}
	return a.store.EntitiesByID(ctx, ids)
}
