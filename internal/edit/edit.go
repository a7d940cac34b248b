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
	"reflect"
	"strings"
	"time"

	"kioku/internal/auth"
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

// LimitError says that an account has saved as many edits as it may in an hour.
type LimitError struct {
	Limit      int
	RetryAfter time.Duration
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("You have saved %d edits in the last hour, the most one account may. You can save again in about %d minutes.",
		e.Limit, max(1, int(e.RetryAfter.Round(time.Minute)/time.Minute)))
}

// Service saves edits. OnAccept, when set, is called after every committed changeset that was
// accepted, with the ids of the entities it changed (none when anything may have changed), so
// that this instance's caches forget them before the edit is acknowledged; other instances hear
// of it through the store's ChannelChanges.
type Service struct {
	Store    *store.Store
	OnAccept func(ids []int64)
	// TrustAfter is how many accepted changesets make an editor trusted; 0 never does.
	TrustAfter int
	// EditsPerHour is how many changesets an account below moderator may save in an hour; 0
	// sets no limit.
	EditsPerHour int
	// kinds carries what a batch learnt of the entities' kinds to the next one.
	kinds knownKinds
}

// Result tells what became of a changeset.
type Result struct {
	Changeset int64
	// Status is store.StatusAccepted when the edit is on the pages now, or store.StatusPending
	// when it waits for a moderator.
	Status string
	// Entities are the entities the changeset changed or proposes to change.
	Entities []int64
	// Promoted is true when accepting it made its author a trusted editor.
	Promoted bool
}

// Changes is one changeset being built inside a transaction. For an author whose edits are
// reviewed, it records proposals instead of revisions.
type Changes struct {
	tx        *store.Tx
	author    int64
	role      auth.Role
	summary   string
	changeset int64
	pending   bool
	touched   []int64
	points    int
	created   map[int64]wiki.Kind
	born      map[int64]bool // entities Create made with their first revision as head
	proposed  map[int64]*proposal
	// known holds, in a batch, the kinds of entities with pages that earlier changesets of the
	// batch made or checked: an entity keeps its kind and, once it has one, its page.
	known map[int64]wiki.Kind
	// auto is set when the author gave no summary: each change is described (described), and
	// the changeset's summary is written from them.
	auto      bool
	described []string
	// put counts the proposals this changeset wrote, new or replaced.
	put int
	// merging is set in a changeset that merges pages or reverts a merge: it changes which
	// page a fact is on, not the fact, so sources keep their attributions. unmerging is set in
	// a revert of a merge, which may change the redirect and keeps references to it as they
	// were (another changeset's references follow redirects, see check).
	merging, unmerging bool
	// optimistic is set in a FastBatch, which is run again if a changeset fails.
	optimistic bool
}

type proposal struct {
	entity store.Entity
	base   int
	doc    wiki.Document
	pos    int
}

// Apply runs fn as one changeset by author with the given summary: every Create and Update that
// fn makes is committed together, or, if fn or any of them fails, none is. An author whose role
// may accept their own edits changes the pages at once; another's changeset waits for review.
func (s *Service) Apply(ctx context.Context, author int64, summary string, fn func(c *Changes) error) (Result, error) {
	var res Result
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = s.apply(ctx, tx, nil, author, summary, false, fn)
		return err
	})
	if err != nil {
		return Result{}, err
	}
	if res.Status == store.StatusAccepted && s.OnAccept != nil {
		s.OnAccept(res.Entities)
	}
	return res, nil
}

// apply makes one changeset inside tx, as part of batch b when it is not nil.
func (s *Service) apply(ctx context.Context, tx *store.Tx, b *Batch, author int64, summary string, propose bool, fn func(c *Changes) error) (Result, error) {
	summary, err := cleanSummary(summary)
	if err != nil {
		return Result{}, err
	}
	u, err := b.user(ctx, tx, author)
	if err != nil {
		return Result{}, err
	}
	role := auth.Role(u.Role)
	if err := s.mayEdit(ctx, tx, u); err != nil {
		return Result{}, err
	}
	status := store.StatusAccepted
	if propose || !role.Can(auth.AcceptOwn) {
		status = store.StatusPending
	}
	// The changeset is written with its first revision or proposal (changesetID): an edit that
	// changes nothing writes nothing.
	c := newChanges(tx, u, role, summary, 0, status == store.StatusPending)
	c.auto = summary == ""
	if b != nil {
		c.known, c.optimistic = b.kinds, b.fast
	}
	if err := fn(c); err != nil {
		return Result{}, err
	}
	if len(c.touched) == 0 {
		return Result{}, wiki.Invalid("the edit changes nothing")
	}
	id := c.changeset
	if c.auto {
		if err := tx.SetChangesetSummary(ctx, id, written(c.described)); err != nil {
			return Result{}, err
		}
	}
	res := Result{Changeset: id, Status: status, Entities: c.touched}
	if c.pending {
		return res, nil
	}
	if err := tx.SetChangesetPoints(ctx, id, c.points); err != nil {
		return Result{}, err
	}
	if err := s.credit(ctx, c, &res, b == nil); err != nil {
		return Result{}, err
	}
	if res.Promoted {
		b.forget(author)
	}
	return res, nil
}

// mayEdit refuses an account that may not edit (a reader's, a banned one's) or has saved as many
// changesets as it may in an hour.
func (s *Service) mayEdit(ctx context.Context, tx *store.Tx, u store.User) error {
	switch {
	case u.BannedAt != nil:
		return wiki.Refused("This account is banned, so it cannot edit.")
	case !auth.Role(u.Role).Can(auth.Edit):
		return wiki.Refused("This account may not edit.")
	}
	return s.checkRate(ctx, tx, u)
}

// cleanSummary checks an edit summary and trims its spaces.
func cleanSummary(summary string) (string, error) {
	summary, problem := wiki.CleanText(summary, false)
	if problem != "" {
		return "", wiki.Invalid("the edit summary %s", problem)
	}
	summary = strings.TrimSpace(summary)
	if len([]rune(summary)) > maxSummary {
		return "", wiki.Invalid("the edit summary is longer than %d characters", maxSummary)
	}
	return summary, nil
}

// newChanges starts a changeset in tx: changeset is its id, or 0 for a new one, written when
// the first revision or proposal needs it.
func newChanges(tx *store.Tx, author store.User, role auth.Role, summary string, changeset int64, pending bool) *Changes {
	return &Changes{tx: tx, author: author.ID, role: role, summary: summary, changeset: changeset, pending: pending,
		created: map[int64]wiki.Kind{}, born: map[int64]bool{}, proposed: map[int64]*proposal{}}
}

// changesetID is the id of the changeset, which it writes the first time it is asked.
func (c *Changes) changesetID(ctx context.Context) (int64, error) {
	if c.changeset != 0 {
		return c.changeset, nil
	}
	status := store.StatusAccepted
	if c.pending {
		status = store.StatusPending
	}
	id, err := c.tx.CreateChangeset(ctx, c.author, c.summary, status)
	if err != nil {
		return 0, err
	}
	c.changeset = id
	return id, nil
}

// credit counts an accepted changeset to its author and, unless a batch announces them all
// at once, announces its changes.
func (s *Service) credit(ctx context.Context, c *Changes, res *Result, announce bool) error {
	promoted, err := c.tx.CreditAuthor(ctx, c.author, c.points, s.TrustAfter)
	if err != nil {
		return err
	}
	res.Promoted = promoted
	if !announce {
		return nil
	}
	return c.tx.Announce(ctx, c.touched)
}

// checkRate refuses an account below moderator that has saved EditsPerHour changesets in the
// last hour. It counts in the database, so the limit holds across instances.
func (s *Service) checkRate(ctx context.Context, tx *store.Tx, u store.User) error {
	if s.EditsPerHour <= 0 || auth.Role(u.Role).Can(auth.Approve) || auth.Role(u.Role).Can(auth.Import) {
		return nil
	}
	since := time.Now().Add(-time.Hour)
	n, err := tx.CountChangesets(ctx, u.ID, since)
	if err != nil || n < s.EditsPerHour {
		return err
	}
	oldest, err := tx.OldestChangesetSince(ctx, u.ID, since)
	if err != nil {
		return err
	}
	return &LimitError{Limit: s.EditsPerHour, RetryAfter: time.Until(oldest.Add(time.Hour))}
}

// Tx is the transaction the changeset is written in, for reads that must see its own writes.
func (c *Changes) Tx() *store.Tx { return c.tx }

// Create adds a new entity with doc as its first revision and returns its id. In a changeset
// that waits for review, the entity has no page until the changeset is accepted.
func (c *Changes) Create(ctx context.Context, kind wiki.Kind, doc wiki.Document) (int64, error) {
	if err := c.check(ctx, 0, doc); err != nil {
		return 0, err
	}
	if c.pending {
		id, err := c.tx.CreateEntity(ctx, kind, doc.Title(), segment(kind, doc), 0)
		if err != nil {
			return 0, err
		}
		c.created[id] = kind
		return id, c.propose(ctx, store.Entity{ID: id, Kind: kind}, 0, doc)
	}
	// The entity points to its first revision from the start, which write adds right away: a
	// data set import creates tens of thousands of pages, and one statement less each counts.
	id, err := c.tx.CreateEntity(ctx, kind, doc.Title(), segment(kind, doc), 1)
	if err != nil {
		return 0, err
	}
	c.created[id] = kind
	c.born[id] = true
	return id, c.write(ctx, store.Entity{ID: id, Kind: kind}, doc)
}

// ofKind refuses a document that is not of the type of entity e's documents: a person's
// document cannot become a work's next revision.
func ofKind(e store.Entity, doc wiki.Document) error {
	want, err := wiki.New(e.Kind)
	if err != nil {
		return err
	}
	if reflect.TypeOf(doc) != reflect.TypeOf(want) {
		return wiki.Invalid("%s is a %s: the document given for it is not one", e.Name, e.Kind)
	}
	return nil
}

// Update proposes doc as entity id's next document, made from revision base. When the entity has
// moved past base, the change from base to doc is merged into the current document field by
// field; a field both changed differently fails the whole changeset with a *ConflictError.
func (c *Changes) Update(ctx context.Context, id int64, base int, doc wiki.Document) error {
	if p, ok := c.proposed[id]; ok {
		// A second change to an entity this changeset already proposes a document for.
		if err := ofKind(p.entity, doc); err != nil {
			return err
		}
		if err := c.check(ctx, id, doc); err != nil {
			return err
		}
		return c.repropose(ctx, p, doc)
	}
	e, err := c.tx.EntityForUpdate(ctx, id)
	if err != nil {
		return err
	}
	if e.Head == 0 {
		return fmt.Errorf("edit: entity %d: %w", id, store.ErrNotFound)
	}
	if err := ofKind(e, doc); err != nil {
		return err
	}
	if e.Locked && !c.role.Can(auth.EditLocked) {
		return wiki.Refused("“%s” is locked: only trusted editors can change it.", e.Name)
	}
	if e.MergedInto != 0 && !c.unmerging {
		return wiki.Invalid("“%s” was merged into another page (#%d): edit that one, or revert the merge", e.Name, e.MergedInto)
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
	if err := c.check(ctx, id, doc); err != nil {
		return err
	}
	if c.pending {
		return c.propose(ctx, e, e.Head, doc)
	}
	return c.write(ctx, e, doc)
}

// Current reads an entity and its current document inside the changeset's transaction; for an
// entity this changeset proposes a document for, that document.
func (c *Changes) Current(ctx context.Context, id int64) (store.Entity, wiki.Document, error) {
	if p, ok := c.proposed[id]; ok {
		return p.entity, wiki.Clone(p.doc), nil
	}
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

// propose records doc as what the changeset proposes for e, made from revision base. A document
// equal to the current one proposes nothing.
func (c *Changes) propose(ctx context.Context, e store.Entity, base int, doc wiki.Document) error {
	var old wiki.Document
	if base > 0 {
		cur, err := c.tx.Revision(ctx, e.ID, base)
		if err != nil {
			return err
		}
		data, err := wiki.Encode(doc)
		if err != nil {
			return err
		}
		if bytes.Equal(cur.Document, data) {
			return nil
		}
		if c.auto { // the base is needed only to describe the change
			if old, err = wiki.Decode(e.Kind, cur.Document); err != nil {
				return err
			}
		}
	}
	if c.auto {
		c.described = append(c.described, describe(e.Kind, doc.Title(), base == 0, wiki.Diff(old, doc, func(int64) string { return "" })))
	}
	// Checked now so that its author hears of it; checked again when it is accepted.
	if err := checkExternalIDs(ctx, c.tx, e.ID, doc); err != nil {
		return err
	}
	p := &proposal{entity: e, base: base, doc: doc, pos: len(c.proposed) + 1}
	c.proposed[e.ID] = p
	c.touched = append(c.touched, e.ID)
	return c.putProposal(ctx, p)
}

func (c *Changes) putProposal(ctx context.Context, p *proposal) error {
	data, err := wiki.Encode(p.doc)
	if err != nil {
		return err
	}
	changeset, err := c.changesetID(ctx)
	if err != nil {
		return err
	}
	c.put++
	return c.tx.PutProposal(ctx, store.Proposal{ChangesetID: changeset, Entity: p.entity, Position: p.pos,
		Base: p.base, Document: data})
}

// write appends the revision, moves the head and rebuilds the entity's projection rows. An edit
// that would leave the document as it is writes nothing. The revision earns a point for every
// field and list item it changes.
func (c *Changes) write(ctx context.Context, e store.Entity, doc wiki.Document) error {
	old, err := wiki.New(e.Kind)
	if err != nil {
		return err
	}
	var curData []byte
	if e.Head > 0 {
		cur, err := c.tx.Revision(ctx, e.ID, e.Head)
		if err != nil {
			return err
		}
		curData = cur.Document
		if old, err = wiki.Decode(e.Kind, cur.Document); err != nil {
			return err
		}
		// A value the edit changed is no longer what a source said it was. (Reattribute
		// changes the document, which the caller still holds: it gets a copy.)
		if len(wiki.SourcesOf(doc)) > 0 && !c.merging {
			doc = wiki.Clone(doc)
			wiki.Reattribute(old, doc)
		}
	}
	data, err := wiki.Encode(doc)
	if err != nil {
		return err
	}
	if bytes.Equal(curData, data) {
		return nil
	}
	var changes []wiki.Change
	points := 0
	if e.Head == 0 && !c.auto {
		points = wiki.Filled(doc) // the changes are not described: only counted
	} else {
		changes = wiki.Diff(old, doc, func(int64) string { return "" })
		points = len(changes)
	}
	if c.merging {
		points = 0 // a merge moves facts between pages and adds none
	}
	// A page Create just made points to this revision already and has no rows to replace. (A
	// page created by a changeset that waited for review is not fresh when it is approved.)
	fresh := c.born[e.ID] && e.Head == 0
	summary := c.summary
	if c.auto {
		summary = describe(e.Kind, doc.Title(), e.Head == 0, changes)
		c.described = append(c.described, summary)
	}
	last := 0
	if !fresh {
		// A page that waited for review may have revisions without a head (rejected ones).
		if last, err = c.tx.LastRevisionNumber(ctx, e.ID); err != nil {
			return err
		}
	}
	changeset, err := c.changesetID(ctx)
	if err != nil {
		return err
	}
	rev := store.Revision{EntityID: e.ID, Number: last + 1, Parent: e.Head, ChangesetID: changeset,
		AuthorID: c.author, Summary: summary, Status: store.StatusAccepted, Document: data, Points: points}
	if err := c.tx.InsertRevision(ctx, rev); err != nil {
		return err
	}
	if !fresh {
		if err := c.tx.SetHead(ctx, e.ID, e.Head, rev.Number, doc.Title(), segment(e.Kind, doc), wiki.MergedInto(doc)); err != nil {
			return err
		}
	}
	var before wiki.Document
	if e.Head > 0 {
		before = old
	}
	// In a FastBatch the database's unique index alone stands guard: a changeset that breaks it
	// fails the batch, which runs again with each changeset checked here, to say which page
	// has the id.
	if !c.optimistic && (before == nil || !reflect.DeepEqual(externalIDs(doc), externalIDs(before))) {
		if err := checkExternalIDs(ctx, c.tx, e.ID, doc); err != nil {
			return err
		}
	}
	if err := project(ctx, c.tx, e.ID, e.Kind, doc, before, fresh); err != nil {
		return err
	}
	c.points += points
	c.touched = append(c.touched, e.ID)
	return nil
}

// check validates doc, the document of entity self (0 for a new one), and makes sure every entity
// it points to exists with the right kind: an entity with a page, or one this changeset creates.
// A reference to a page merged into another becomes a reference to the kept page, so that an
// edit made from a form opened before the merge, or waiting in the queue, follows it too.
func (c *Changes) check(ctx context.Context, self int64, doc wiki.Document) error {
	if err := wiki.Clean(doc); err != nil {
		return err
	}
	if err := doc.Validate(); err != nil {
		return err
	}
	// A merge into a page that was later merged into another makes a chain: a few steps are
	// followed, more are not made (Merge refuses to merge into a redirect).
	for range maxRedirects {
		moved, err := c.refs(ctx, self, doc)
		if err != nil || !moved {
			return err
		}
		if err := doc.Validate(); err != nil {
			return err
		}
	}
	return wiki.Invalid("a page this edit points to redirects more than %d times", maxRedirects)
}

// maxRedirects is how many redirects check follows from one reference.
const maxRedirects = 4

// refs checks the references of doc, as check does, and moves those to redirects to the pages
// they redirect to; it reports whether it moved any, to be checked again.
func (c *Changes) refs(ctx context.Context, self int64, doc wiki.Document) (bool, error) {
	targets := doc.Refs()
	if len(targets) == 0 {
		return false, nil
	}
	// Entities this changeset created, or the batch knows, are known already; only the others
	// are looked up.
	ids := make([]int64, 0, len(targets))
	for _, t := range targets {
		if _, created := c.created[t.ID]; !created && c.known[t.ID] != t.Kind {
			ids = append(ids, t.ID)
		}
	}
	found, err := c.tx.EntitiesByID(ctx, ids)
	if err != nil {
		return false, err
	}
	if c.known != nil {
		for id, e := range found {
			if e.MergedInto == 0 { // a reference to a redirect is moved each time
				c.known[id] = e.Kind
			}
		}
	}
	for _, t := range targets {
		if c.known[t.ID] == t.Kind && found[t.ID].ID == 0 {
			continue
		}
		e, ok := found[t.ID]
		if kind, created := c.created[t.ID]; created && !ok {
			e, ok = store.Entity{ID: t.ID, Kind: kind, Name: fmt.Sprintf("#%d", t.ID)}, true
		}
		if !ok {
			return false, wiki.Invalid("the %s #%d it points to does not exist", t.Kind, t.ID)
		}
		if e.Kind != t.Kind {
			return false, wiki.Invalid("%s is a %s, not a %s", e.Name, e.Kind, t.Kind)
		}
	}
	moved := false
	if !c.unmerging {
		for _, t := range targets {
			if e := found[t.ID]; e.MergedInto != 0 && wiki.Retarget(self, doc, e.ID, e.MergedInto) {
				moved = true
			}
		}
	}
	return moved, nil
}

// names resolves the references of the given documents, for describing conflicts.
func (c *Changes) names(ctx context.Context, docs ...wiki.Document) (wiki.Names, error) {
	found, err := c.tx.EntitiesByID(ctx, wiki.RefIDs(docs...))
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
