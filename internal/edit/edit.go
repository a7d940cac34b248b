// Package edit turns proposed documents into revisions. It owns the transactions: one changeset
// per save, validated as a whole, compare-and-set on each entity's current revision with a
// field-level three-way merge when the entity moved on, and projections updated in the same
// transaction.
package edit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// ErrConflict is what a ConflictError matches with errors.Is.
var ErrConflict = errors.New("edit: conflicting change")

// ConflictError reports the fields that another edit changed differently since the base the
// edit started from. Nothing of the edit was saved.
type ConflictError struct {
	Entity    store.Entity
	Conflicts []wiki.Conflict
}

func (e *ConflictError) Error() string {
	parts := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		parts[i] = c.String()
	}
	return fmt.Sprintf("edit: %s changed meanwhile: %s", e.Entity.Name, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Service saves edits. OnAccept, when set, is called after every committed changeset with the
// ids of the entities it changed (none when anything may have changed), so that this instance's
// caches forget them before the edit is acknowledged; other instances hear of it through the
// store's ChannelChanges.
type Service struct {
	Store    *store.Store
	OnAccept func(ids []int64)
}

// Changes is one changeset being built inside a transaction.
type Changes struct {
	tx        *store.Tx
	author    int64
	summary   string
	changeset int64
	touched   []int64
}

// Apply runs fn as one changeset by author with the given summary: every Create and Update that
// fn makes is committed together, or, if fn or any of them fails, none is.
func (s *Service) Apply(ctx context.Context, author int64, summary string, fn func(c *Changes) error) error {
	summary = strings.TrimSpace(summary)
	if summary == "" {
		return wiki.Invalid("an edit summary is required: say in a few words what you changed")
	}
	if len([]rune(summary)) > 500 {
		return wiki.Invalid("the edit summary is longer than 500 characters")
	}
	var touched []int64
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		id, err := tx.CreateChangeset(ctx, author, summary, store.StatusAccepted)
		if err != nil {
			return err
		}
		c := &Changes{tx: tx, author: author, summary: summary, changeset: id}
		if err := fn(c); err != nil {
			return err
		}
		if len(c.touched) == 0 {
			return wiki.Invalid("the edit changes nothing")
		}
		touched = c.touched
		return tx.Announce(ctx, touched)
	})
	if err != nil {
		return err
	}
	if s.OnAccept != nil {
		s.OnAccept(touched)
	}
	return nil
}

// Tx is the transaction the changeset is written in, for reads that must see its own writes.
func (c *Changes) Tx() *store.Tx { return c.tx }

// Create adds a new entity with doc as its first revision and returns its id.
func (c *Changes) Create(ctx context.Context, kind wiki.Kind, doc wiki.Document) (int64, error) {
	if err := c.check(ctx, doc); err != nil {
		return 0, err
	}
	id, err := c.tx.CreateEntity(ctx, kind, doc.Title(), segment(kind, doc))
	if err != nil {
		return 0, err
	}
	return id, c.write(ctx, store.Entity{ID: id, Kind: kind}, doc)
}

// Update proposes doc as entity id's next document, made from revision base. When the entity has
// moved past base, the change from base to doc is merged into the current document field by
// field; a field both changed differently fails the whole changeset with a *ConflictError.
func (c *Changes) Update(ctx context.Context, id int64, base int, doc wiki.Document) error {
	e, err := c.tx.EntityForUpdate(ctx, id)
	if err != nil {
		return err
	}
	if e.Head == 0 {
		return fmt.Errorf("edit: entity %d: %w", id, store.ErrNotFound)
	}
	if base != e.Head {
		if base <= 0 || base > e.Head {
			return wiki.Invalid("revision %d of %s does not exist", base, e.Name)
		}
		baseDoc, err := c.document(ctx, e.Kind, id, base)
		if err != nil {
			return err
		}
		headDoc, err := c.document(ctx, e.Kind, id, e.Head)
		if err != nil {
			return err
		}
		names, err := c.names(ctx, baseDoc, headDoc, doc)
		if err != nil {
			return err
		}
		merged, conflicts := wiki.Merge(baseDoc, headDoc, doc, names)
		if len(conflicts) > 0 {
			return &ConflictError{Entity: e, Conflicts: conflicts}
		}
		doc = merged
	}
	if err := c.check(ctx, doc); err != nil {
		return err
	}
	return c.write(ctx, e, doc)
}

// Current reads an entity and its current document inside the changeset's transaction.
func (c *Changes) Current(ctx context.Context, id int64) (store.Entity, wiki.Document, error) {
	e, err := c.tx.EntityForUpdate(ctx, id)
	if err != nil {
		return store.Entity{}, nil, err
	}
	if e.Head == 0 {
		return store.Entity{}, nil, fmt.Errorf("edit: entity %d: %w", id, store.ErrNotFound)
	}
	doc, err := c.document(ctx, e.Kind, id, e.Head)
	return e, doc, err
}

func (c *Changes) document(ctx context.Context, kind wiki.Kind, id int64, number int) (wiki.Document, error) {
	r, err := c.tx.Revision(ctx, id, number)
	if err != nil {
		return nil, err
	}
	return wiki.Decode(kind, r.Document)
}

// write appends the revision, moves the head and rebuilds the entity's projection rows. An edit
// that would leave the document as it is writes nothing.
func (c *Changes) write(ctx context.Context, e store.Entity, doc wiki.Document) error {
	data, err := wiki.Encode(doc)
	if err != nil {
		return err
	}
	if e.Head > 0 {
		cur, err := c.tx.Revision(ctx, e.ID, e.Head)
		if err != nil {
			return err
		}
		if bytes.Equal(cur.Document, data) {
			return nil
		}
	}
	last, err := c.tx.LastRevisionNumber(ctx, e.ID)
	if err != nil {
		return err
	}
	rev := store.Revision{EntityID: e.ID, Number: last + 1, Parent: e.Head, ChangesetID: c.changeset,
		AuthorID: c.author, Summary: c.summary, Status: store.StatusAccepted, Document: data}
	if err := c.tx.InsertRevision(ctx, rev); err != nil {
		return err
	}
	if err := c.tx.SetHead(ctx, e.ID, e.Head, rev.Number, doc.Title(), segment(e.Kind, doc)); err != nil {
		return err
	}
	if err := c.tx.ReplaceLinks(ctx, e.ID, wiki.Links(e.ID, doc)); err != nil {
		return err
	}
	c.touched = append(c.touched, e.ID)
	return nil
}

// check validates doc and makes sure every entity it points to exists with the right kind.
func (c *Changes) check(ctx context.Context, doc wiki.Document) error {
	if err := doc.Validate(); err != nil {
		return err
	}
	targets := doc.Refs()
	if len(targets) == 0 {
		return nil
	}
	ids := make([]int64, len(targets))
	for i, t := range targets {
		ids[i] = t.ID
	}
	found, err := c.tx.EntitiesByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, t := range targets {
		e, ok := found[t.ID]
		if !ok {
			return wiki.Invalid("the %s #%d it points to does not exist", t.Kind, t.ID)
		}
		if e.Kind != t.Kind {
			return wiki.Invalid("%s is a %s, not a %s", e.Name, e.Kind, t.Kind)
		}
	}
	return nil
}

// names resolves the references of the given documents, for describing conflicts.
func (c *Changes) names(ctx context.Context, docs ...wiki.Document) (wiki.Names, error) {
	var ids []int64
	for _, d := range docs {
		for _, t := range d.Refs() {
			ids = append(ids, t.ID)
		}
	}
	found, err := c.tx.EntitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return func(id int64) string { return found[id].Name }, nil
}

// segment is the first segment of the entity's page address.
func segment(kind wiki.Kind, doc wiki.Document) string {
	if w, ok := doc.(*wiki.Work); ok {
		return w.Medium.Segment()
	}
	return string(kind)
}
