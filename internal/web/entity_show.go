package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

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
	if e.MergedInto != 0 && suffix != "/history" && suffix != "/diff" && suffix != "/revert" {
		return e, false, a.mergedRedirect(w, r, e, suffix) // its history stays readable
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
// been accepted since it was rendered. Everyone else gets the cached body of the page (the
// entity's content, the same for every reader) with their own parts composed around it: the
// account links and sign-out form of the header, and the page tools (watch, lock, their edits
// waiting for review).
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
		return a.cached(w, r, key, func(gen uint64) ([]byte, error) {
			// The entity at a canonical address is kept like the page of an anonymous reader:
			// until the next accepted edit or lock, which may rename, move or lock it.
			viewer := sessionFrom(r.Context())
			e, ok := a.cache.entity(r.URL.Path)
			if !ok {
				var err error
				e, ok, err = a.loadEntity(w, r, segment, "")
				if errors.Is(err, store.ErrNotFound) && viewer != nil {
					// A page that waits for review is its author's to see.
					return a.ownPendingPage(w, r, segment, viewer, page)
				}
				if err != nil || !ok {
					return nil, err
				}
				a.cache.putEntity(r.URL.Path, gen, e)
			}
			body, err := a.entityBody(r.Context(), e, gen, page)
			if err != nil {
				return nil, err
			}
			tools, err := a.pageTools(r.Context(), body.template, e, viewer)
			if err != nil {
				return nil, err
			}
			if tools.own != nil {
				// The reader's own edit waits for review: they see the page as it would be.
				if body, err = a.proposalBody(r.Context(), e, tools.own, page); err != nil {
					return nil, err
				}
			}
			return a.renderPage(r, body.template, e.Name, nil, body.before+tools.html+body.after)
		})
	}
}

// cached serves a page at key: to readers who are not signed in, a copy rendered since the last
// accepted edit when there is one; otherwise what render makes, kept for the next such reader.
// render is given the cache's generation, read before it begins, and returns no bytes when it
// answered the request itself (with a redirect).
func (a *App) cached(w http.ResponseWriter, r *http.Request, key string, render func(gen uint64) ([]byte, error)) error {
	anonymous := sessionFrom(r.Context()) == nil
	if anonymous {
		if p, ok := a.cache.get(key); ok {
			return a.serveCached(w, r, p)
		}
	}
	gen := a.cache.generation.Load()
	body, err := render(gen)
	if err != nil || body == nil {
		return err
	}
	if anonymous {
		return a.serveCached(w, r, a.cache.put(key, gen, body, a.readers.find(body)))
	}
	if body, err = a.fillReaders(r, body); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page is the reader's own: it carries their sign-out form's token.
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(body)
	return err
}

// toolsSlot marks, in a rendered body, where the reader's page tools go. Everything before it in
// a body is the page's heading, whose text the templates escape, so the mark cannot be forged
// there by a page's content.
const toolsSlot = template.HTML("<!--kioku:pagetools-->")

// entityBody returns the body of page of the entity at its current revision: from the cache when
// it was rendered at generation gen or later, otherwise rendered now with no reader at all, and
// kept. It takes no session, so that nothing of any reader's own can reach what every reader is
// served.
func (a *App) entityBody(ctx context.Context, e store.Entity, gen uint64, page int) (cachedBody, error) {
	key := bodyKey{entity: e.ID, revision: e.Head, page: page}
	if b, ok := a.cache.body(key); ok {
		return b, nil
	}
	doc, err := a.head(ctx, e)
	if err != nil {
		return cachedBody{}, err
	}
	b, err := a.renderBody(ctx, e, doc, page)
	if err != nil {
		return cachedBody{}, err
	}
	b.generation = gen
	a.cache.putBody(key, b)
	return b, nil
}

// renderBody renders the body of the page of entity e with document doc, for no reader.
func (a *App) renderBody(ctx context.Context, e store.Entity, doc wiki.Document, page int) (cachedBody, error) {
	name, data, err := a.view(ctx, e, doc, page)
	if err != nil {
		return cachedBody{}, err
	}
	content, err := a.renderContent(name, data)
	if err != nil {
		return cachedBody{}, err
	}
	before, after, ok := strings.Cut(string(content), string(toolsSlot))
	if !ok {
		return cachedBody{}, fmt.Errorf("web: template %s has no slot for the page tools", name)
	}
	return cachedBody{template: name, before: template.HTML(before), after: template.HTML(after)}, nil
}

// entityView is what every entity page has: the entity, its document, its rendered long text
// and its top editors. It is the same for every reader; their own parts are in toolsView.
type entityView struct {
	Entity      store.Entity
	Description template.HTML
	Summary     template.HTML
	TopEditors  []store.Editor
	// Page is the page of a long list (a person's credits) the reader asked for; 1 by default.
	Page int
	// Tools is where the reader's page tools go: toolsSlot in a body rendered for the cache.
	Tools template.HTML
	// Readers is where a work page's readers' part goes (work_readers.go).
	Readers template.HTML
	// Image is what heads the infobox: the main image, or a link to add one.
	Image imageSlot
}

// toolsView is a reader's own part of an entity page: the links every reader gets, and for a
// signed-in reader the watch button, their edits of the page that wait for review or were lately
// rejected, and for moderators the lock.
type toolsView struct {
	Entity   store.Entity
	CSRF     string
	Watching bool
	CanLock  bool
	Pending  []store.Changeset
	Rejected []store.Changeset
	// Showing is the reader's changeset waiting for review whose version of the page they see.
	Showing int64
}

// readerTools is a reader's page tools, rendered, and the proposal of theirs for the page that
// waits for review, if any.
type readerTools struct {
	html template.HTML
	own  *store.Proposal
}

// pageTools renders the page tools of entity e for viewer (nil for a reader not signed in) with
// the page template name.
func (a *App) pageTools(ctx context.Context, name string, e store.Entity, viewer *store.Session) (readerTools, error) {
	v := toolsView{Entity: e}
	var own *store.Proposal
	if viewer != nil {
		var err error
		v.CSRF, v.CanLock = viewer.CSRFToken, auth.Role(viewer.User.Role).Can(auth.Lock)
		var edits bool
		if v.Watching, edits, err = a.store.ReaderMarks(ctx, viewer.User.ID, e.ID); err != nil {
			return readerTools{}, err
		}
		if edits {
			mine := store.ChangesetFilter{Status: store.StatusPending, Author: viewer.User.Name, Entity: e.ID, Limit: 10}
			if v.Pending, err = a.store.Changesets(ctx, mine); err != nil {
				return readerTools{}, err
			}
			mine.Status, mine.Limit = store.StatusRejected, 3
			if v.Rejected, err = a.store.Changesets(ctx, mine); err != nil {
				return readerTools{}, err
			}
		}
		if len(v.Pending) > 0 {
			p, err := a.store.PendingProposal(ctx, viewer.User.ID, e.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return readerTools{}, err
			}
			if err == nil {
				own, v.Showing = &p, p.ChangesetID
			}
		}
	}
	var buf bytes.Buffer
	if err := a.pages[name].ExecuteTemplate(&buf, "pagetools", v); err != nil {
		return readerTools{}, fmt.Errorf("web: render page tools: %w", err)
	}
	return readerTools{html: template.HTML(buf.String()), own: own}, nil
}

// loadEditable is loadEntity for the edit forms: it also finds, for its author, a page that an
// edit waiting for review creates.
func (a *App) loadEditable(w http.ResponseWriter, r *http.Request, segment, suffix string) (store.Entity, bool, error) {
	e, ok, err := a.loadEntity(w, r, segment, suffix)
	if viewer := sessionFrom(r.Context()); errors.Is(err, store.ErrNotFound) && viewer != nil {
		var p store.Proposal
		p, ok, err = a.ownPending(w, r, segment, suffix, viewer)
		return p.Entity, ok, err
	}
	return e, ok, err
}

// ownPending reads the proposal of viewer's own edit waiting for review for the page that the
// request's {ref} addresses, redirecting (ok false) when the address is not its canonical one.
func (a *App) ownPending(w http.ResponseWriter, r *http.Request, segment, suffix string, viewer *store.Session) (store.Proposal, bool, error) {
	id, slug, err := wiki.ParseRef(r.PathValue("ref"))
	if err != nil {
		return store.Proposal{}, false, store.ErrNotFound
	}
	p, err := a.store.PendingProposal(r.Context(), viewer.User.ID, id)
	if err != nil {
		return store.Proposal{}, false, err
	}
	if e := p.Entity; e.Segment != segment || slug != wiki.Slugify(e.Name) {
		http.Redirect(w, r, e.Path()+suffix, http.StatusSeeOther)
		return p, false, nil
	}
	return p, true, nil
}

// ownPendingPage serves a page that waits for review to the author of the changeset that creates
// it; to anyone else there is no such page.
func (a *App) ownPendingPage(w http.ResponseWriter, r *http.Request, segment string, viewer *store.Session, page int) ([]byte, error) {
	p, ok, err := a.ownPending(w, r, segment, "", viewer)
	if err != nil || !ok {
		return nil, err
	}
	ctx := r.Context()
	e := p.Entity
	body, err := a.proposalBody(ctx, e, &p, page)
	if err != nil {
		return nil, err
	}
	tools, err := a.pageTools(ctx, body.template, e, viewer)
	if err != nil {
		return nil, err
	}
	return a.renderPage(r, body.template, e.Name, nil, body.before+tools.html+body.after)
}

// proposalBody renders the page of entity e as proposal p would make it, for its author only:
// it is never cached.
func (a *App) proposalBody(ctx context.Context, e store.Entity, p *store.Proposal, page int) (cachedBody, error) {
	doc, err := wiki.Decode(e.Kind, p.Document)
	if err != nil {
		return cachedBody{}, err
	}
	// The pages the same edit creates or changes show as it makes them: a new person credited,
	// a new segment of the work.
	others, err := a.store.Proposals(ctx, p.ChangesetID)
	if err != nil {
		return cachedBody{}, err
	}
	return a.renderBody(context.WithValue(ctx, proposedKey{}, others), e, doc, page)
}

// proposedKey holds, in the context of a page rendered for the author of an edit waiting for
// review, what that edit proposes.
type proposedKey struct{}

// proposed returns what the edit whose version of a page is being rendered proposes, if any.
func proposed(ctx context.Context) []store.Proposal {
	list, _ := ctx.Value(proposedKey{}).([]store.Proposal)
	return list
}

func (a *App) view(ctx context.Context, e store.Entity, doc wiki.Document, page int) (string, any, error) {
	base := entityView{Entity: e, Page: page, Tools: toolsSlot, Readers: a.readers.mark(e.ID), Image: slotOf(e, doc)}
	var err error
	if base.TopEditors, err = a.store.TopEditors(ctx, e.ID, 5); err != nil {
		return "", nil, err
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
	ids := wiki.RefIDs(docs...)
	found, err := a.store.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range proposed(ctx) {
		if _, ok := found[p.Entity.ID]; !ok && slices.Contains(ids, p.Entity.ID) {
			found[p.Entity.ID] = p.Entity
		}
	}
	return found, nil
}
