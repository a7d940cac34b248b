package web

import (
	"context"
	"net/http"
	"strconv"

	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// changesetPath is the address of a changeset's page.
func changesetPath(id int64) string { return "/changes/" + strconv.FormatInt(id, 10) }

// entityChanges is what a changeset does to one entity, field by field.
type entityChanges struct {
	Entity store.Entity
	// New is true when the changeset creates the entity.
	New     bool
	Changes []changeRow
	// Images are the pictures the change adds to the page's gallery, for the reviewer to see.
	Images []imageView
}

// changesetView is a changeset with its changes, as the queue and the changeset page show it.
type changesetView struct {
	store.Changeset
	Parts []entityChanges
}

type changesetPage struct {
	changesetView
	CanReview bool
	// CanWithdraw is true for the author of a changeset that waits for review.
	CanWithdraw bool
	CSRF        string
}

// ShowChangeset shows one changeset: who made it, its state and the moderator's reason, and what
// it changes. A pending changeset is compared with the pages as they are now, and moderators get
// the buttons to approve or reject it. Like the list of recent changes, every changeset is public,
// whatever its state; what waits for review is kept off the entity pages only.
func (a *App) ShowChangeset(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	ctx := r.Context()
	cs, err := a.store.Changeset(ctx, id)
	if err != nil {
		return err
	}
	s := sessionFrom(ctx)
	var role auth.Role
	if s != nil {
		role = auth.Role(s.User.Role)
	}
	v, err := a.changesetView(ctx, cs)
	if err != nil {
		return err
	}
	data := changesetPage{changesetView: v, CanReview: cs.Status == store.StatusPending && role.Can(auth.Approve)}
	if s != nil {
		data.CSRF = s.CSRFToken
		data.CanWithdraw = cs.Status == store.StatusPending && cs.AuthorID == s.User.ID
	}
	return a.render(w, r, http.StatusOK, "changeset", "Edit #"+strconv.FormatInt(id, 10), data)
}

// changesetView works out what a changeset changes: for an accepted one, each revision against
// its parent; for a pending one, each proposal against the entity's current revision; for a
// rejected one, each proposal against the revision it was made from.
func (a *App) changesetView(ctx context.Context, cs store.Changeset) (changesetView, error) {
	v := changesetView{Changeset: cs}
	type pair struct {
		entity   store.Entity
		old, new wiki.Document
	}
	parts, err := a.store.ChangesetParts(ctx, cs)
	if err != nil {
		return v, err
	}
	var pairs []pair
	for _, p := range parts {
		newDoc, err := wiki.Decode(p.Entity.Kind, p.Document)
		if err != nil {
			return v, err
		}
		from := p.Base
		if cs.Status == store.StatusPending {
			from = p.Entity.Head
		}
		oldDoc, err := a.revisionDoc(ctx, p.Entity, from)
		if err != nil {
			return v, err
		}
		pairs = append(pairs, pair{p.Entity, oldDoc, newDoc})
	}
	var ids []int64
	for _, p := range pairs {
		ids = append(ids, wiki.RefIDs(p.old, p.new)...)
	}
	names, err := a.store.EntityNames(ctx, ids)
	if err != nil {
		return v, err
	}
	for _, p := range pairs {
		v.Parts = append(v.Parts, entityChanges{Entity: p.entity, New: p.old == nil,
			Changes: changeRows(wiki.Diff(p.old, p.new, func(id int64) string { return names[id] })), Images: addedImages(p.old, p.new)})
	}
	return v, nil
}

// revisionDoc decodes revision number of e, or returns nil for number 0 (nothing yet).
func (a *App) revisionDoc(ctx context.Context, e store.Entity, number int) (wiki.Document, error) {
	if number == 0 {
		return nil, nil
	}
	rev, err := a.store.Revision(ctx, e.ID, number)
	if err != nil {
		return nil, err
	}
	return wiki.Decode(e.Kind, rev.Document)
}
