package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kioku/internal/wiki"
)

// Changeset is one save: accepted at once, or waiting for review and then accepted or rejected.
type Changeset struct {
	ID           int64
	AuthorID     int64
	AuthorName   string
	Summary      string
	Status       string
	CreatedAt    time.Time
	ReviewerID   *int64
	ReviewerName string
	ReviewedAt   *time.Time
	// Reason is the moderator's reason for rejecting it.
	Reason string
	// Points is what the changeset earned its author once accepted.
	Points int
	// Entities are the entities it changes or proposes to change, in the order it made them.
	Entities []Entity
}

const changesetColumns = `c.id, c.author_id, a.name, c.summary, c.status, c.created_at, c.reviewer_id,
	COALESCE(m.name, ''), c.reviewed_at, c.reason, c.points`

const changesetFrom = ` FROM changesets c JOIN users a ON a.id = c.author_id LEFT JOIN users m ON m.id = c.reviewer_id`

func scanChangeset(row interface{ Scan(...any) error }) (Changeset, error) {
	var cs Changeset
	err := row.Scan(&cs.ID, &cs.AuthorID, &cs.AuthorName, &cs.Summary, &cs.Status, &cs.CreatedAt, &cs.ReviewerID,
		&cs.ReviewerName, &cs.ReviewedAt, &cs.Reason, &cs.Points)
	return cs, err
}

// Changeset reads one changeset with the entities it touches.
func (c *conn) Changeset(ctx context.Context, id int64) (Changeset, error) {
	cs, err := scanChangeset(c.queryRow(ctx, `SELECT `+changesetColumns+changesetFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return Changeset{}, fmt.Errorf("store: changeset %d: %w", id, c.mapErr(err))
	}
	list := []Changeset{cs}
	if err := c.attachEntities(ctx, list); err != nil {
		return Changeset{}, err
	}
	return list[0], nil
}

// LockChangeset takes the row lock of a changeset for the rest of the transaction, so that two
// moderators cannot review it at once; on SQLite the transaction already holds the write lock.
func (tx *Tx) LockChangeset(ctx context.Context, id int64) error {
	q := `SELECT id FROM changesets WHERE id = ?`
	if tx.engine == Postgres {
		q += ` FOR UPDATE`
	}
	var got int64
	if err := tx.queryRow(ctx, q, id).Scan(&got); err != nil {
		return fmt.Errorf("store: changeset %d: %w", id, tx.mapErr(err))
	}
	return nil
}

// ChangesetFilter selects changesets for the queue and the list of recent changes.
type ChangesetFilter struct {
	Status  string    // one of the Status values; empty for all
	Kind    wiki.Kind // only changesets touching an entity of this kind; empty for all
	Author  string    // only this account's (by name, any case); empty for all
	Entity  int64     // only changesets touching this entity; zero for all
	Watcher int64     // only changesets touching an entity this account watches; zero for all
	Before  int64     // only changesets older than this id (paging); zero for none
	After   int64     // only changesets newer than this id; zero for none
	Oldest  bool      // oldest first, instead of newest first
	Limit   int
}

// Changesets lists changesets matching f, each with the entities it touches.
func (c *conn) Changesets(ctx context.Context, f ChangesetFilter) ([]Changeset, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, `c.status = ?`), append(args, f.Status)
	}
	if f.Author != "" {
		where, args = append(where, `a.name_key = ?`), append(args, UserKey(f.Author))
	}
	if f.Kind != "" || f.Entity != 0 || f.Watcher != 0 {
		// A changeset's entities are its revisions once accepted and its proposals until then.
		cond, kargs := `e.id = x.entity_id`, []any{}
		if f.Kind != "" {
			cond, kargs = cond+` AND e.kind = ?`, append(kargs, string(f.Kind))
		}
		if f.Entity != 0 {
			cond, kargs = cond+` AND e.id = ?`, append(kargs, f.Entity)
		}
		if f.Watcher != 0 {
			cond += ` AND EXISTS (SELECT 1 FROM watches w WHERE w.entity_id = e.id AND w.user_id = ?)`
			kargs = append(kargs, f.Watcher)
		}
		where = append(where, `EXISTS (SELECT 1 FROM (SELECT entity_id FROM revisions WHERE changeset_id = c.id
			UNION ALL SELECT entity_id FROM proposals WHERE changeset_id = c.id) x JOIN entities e ON `+cond+`)`)
		args = append(args, kargs...)
	}
	if f.Before > 0 {
		where, args = append(where, `c.id < ?`), append(args, f.Before)
	}
	if f.After > 0 {
		where, args = append(where, `c.id > ?`), append(args, f.After)
	}
	q := `SELECT ` + changesetColumns + changesetFrom
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	if f.Oldest {
		q += ` ORDER BY c.id`
	} else {
		q += ` ORDER BY c.id DESC`
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q += ` LIMIT ?`
	args = append(args, limit)
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: changesets: %w", err)
	}
	var out []Changeset
	for rows.Next() {
		cs, err := scanChangeset(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, cs)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, c.attachEntities(ctx, out)
}

// attachEntities fills in the entities each changeset touches, in one query for the whole list.
// Entities a pending changeset creates have no accepted revision yet; they come back with Head 0.
func (c *conn) attachEntities(ctx context.Context, list []Changeset) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]int64, len(list))
	index := make(map[int64]int, len(list))
	for i, cs := range list {
		ids[i] = cs.ID
		index[cs.ID] = i
	}
	in, args := inList(ids)
	rows, err := c.query(ctx, `SELECT x.changeset_id, `+prefixed("e", entityColumns)+`
		FROM (SELECT changeset_id, entity_id, number AS position FROM revisions WHERE changeset_id IN (`+in+`)
			UNION ALL SELECT changeset_id, entity_id, position FROM proposals WHERE changeset_id IN (`+in+`)) x
		JOIN entities e ON e.id = x.entity_id ORDER BY x.changeset_id, x.position, e.id`, append(args, args...)...)
	if err != nil {
		return fmt.Errorf("store: entities of changesets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var csID int64
		var e Entity
		var locked int
		if err := rows.Scan(&csID, &e.ID, &e.Kind, &e.Head, &e.Name, &e.Segment, &e.UpdatedAt, &locked, &e.MergedInto); err != nil {
			return err
		}
		e.Locked = locked != 0
		// An approved changeset has both a proposal and a revision of each entity.
		cs := &list[index[csID]]
		if !slices.ContainsFunc(cs.Entities, func(x Entity) bool { return x.ID == e.ID }) {
			cs.Entities = append(cs.Entities, e)
		}
	}
	return rows.Err()
}

// prefixed qualifies every column of a column list with a table alias.
func prefixed(alias, columns string) string {
	return alias + "." + strings.ReplaceAll(columns, ", ", ", "+alias+".")
}

// ReviewChangeset records a moderator's decision on a pending changeset.
func (tx *Tx) ReviewChangeset(ctx context.Context, id int64, status string, reviewer int64, reason string, points int) error {
	res, err := tx.exec(ctx, `UPDATE changesets SET status = ?, reviewer_id = ?, reviewed_at = ?, reason = ?, points = ?
		WHERE id = ? AND status = ?`, status, reviewer, now(), reason, points, id, StatusPending)
	if err != nil {
		return fmt.Errorf("store: review changeset %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("store: changeset %d is no longer pending: %w", id, ErrConflict)
	}
	return nil
}

// SetChangesetSummary replaces a changeset's summary: one written from its changes when its
// author gave none.
func (tx *Tx) SetChangesetSummary(ctx context.Context, id int64, summary string) error {
	return tx.write(ctx, `UPDATE changesets SET summary = ? WHERE id = ?`, summary, id)
}

// SetChangesetPoints records the points of a changeset accepted at once.
func (tx *Tx) SetChangesetPoints(ctx context.Context, id int64, points int) error {
	return tx.write(ctx, `UPDATE changesets SET points = ? WHERE id = ?`, points, id)
}

// CreditAuthor counts an accepted changeset and its points to its author, and makes an editor a
// trusted editor once they have trustAfter accepted changesets (never, when trustAfter is 0).
// It reports whether the author was promoted.
func (tx *Tx) CreditAuthor(ctx context.Context, userID int64, points, trustAfter int) (promoted bool, err error) {
	if err := tx.write(ctx, `UPDATE users SET accepted_edits = accepted_edits + 1, points = points + ? WHERE id = ?`,
		points, userID); err != nil {
		return false, fmt.Errorf("store: credit user %d: %w", userID, err)
	}
	if trustAfter <= 0 {
		return false, nil
	}
	res, err := tx.exec(ctx, `UPDATE users SET role = 'trusted' WHERE id = ? AND role = 'editor' AND accepted_edits >= ?`,
		userID, trustAfter)
	if err != nil {
		return false, fmt.Errorf("store: trust user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// CountChangesets counts an account's changesets since a time, whatever became of them.
func (c *conn) CountChangesets(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM changesets WHERE author_id = ? AND created_at > ?`,
		userID, since.UTC()).Scan(&n)
	return n, c.mapErr(err)
}

// OldestChangesetSince is the time of the account's oldest changeset after since, for telling
// a person when their hourly allowance frees up.
func (c *conn) OldestChangesetSince(ctx context.Context, userID int64, since time.Time) (time.Time, error) {
	var t time.Time
	err := c.queryRow(ctx, `SELECT created_at FROM changesets WHERE author_id = ? AND created_at > ?
		ORDER BY created_at LIMIT 1`, userID, since.UTC()).Scan(&t)
	return t, c.mapErr(err)
}

// Proposal is a document a pending changeset proposes for one entity, made from revision Base
// (0 when the changeset creates the entity).
type Proposal struct {
	ChangesetID int64
	Entity      Entity
	Position    int
	Base        int
	Document    []byte
}

// PutProposal records or replaces what a pending changeset proposes for an entity.
func (tx *Tx) PutProposal(ctx context.Context, p Proposal) error {
	_, err := tx.exec(ctx, `INSERT INTO proposals (changeset_id, entity_id, position, base, document) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (changeset_id, entity_id) DO UPDATE SET document = excluded.document`,
		p.ChangesetID, p.Entity.ID, p.Position, p.Base, string(p.Document))
	if err != nil {
		return fmt.Errorf("store: proposal for %d: %w", p.Entity.ID, err)
	}
	return nil
}

// PendingProposal returns the latest document that author's changesets waiting for review
// propose for an entity, with the entity whatever its head (a page such a changeset creates has
// none yet); ErrNotFound when there is none.
func (c *conn) PendingProposal(ctx context.Context, author, entity int64) (Proposal, error) {
	var p Proposal
	var doc string
	var locked int
	e := &p.Entity
	err := c.queryRow(ctx, `SELECT p.changeset_id, p.position, p.base, p.document, `+prefixed("e", entityColumns)+`
		FROM proposals p JOIN changesets c ON c.id = p.changeset_id JOIN entities e ON e.id = p.entity_id
		WHERE p.entity_id = ? AND c.author_id = ? AND c.status = ? ORDER BY p.changeset_id DESC LIMIT 1`,
		entity, author, StatusPending).Scan(&p.ChangesetID, &p.Position, &p.Base, &doc, &e.ID, &e.Kind, &e.Head, &e.Name,
		&e.Segment, &e.UpdatedAt, &locked, &e.MergedInto)
	if err != nil {
		return Proposal{}, fmt.Errorf("store: pending proposal for %d: %w", entity, c.mapErr(err))
	}
	e.Locked = locked != 0
	p.Document = []byte(doc)
	return p, nil
}

// DeleteProposal takes back what a changeset proposes for an entity.
func (tx *Tx) DeleteProposal(ctx context.Context, changesetID, entityID int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM proposals WHERE changeset_id = ? AND entity_id = ?`, changesetID, entityID); err != nil {
		return fmt.Errorf("store: proposal for %d: %w", entityID, err)
	}
	return nil
}

// Proposals lists what a changeset proposes, in the order it was made.
func (c *conn) Proposals(ctx context.Context, changesetID int64) ([]Proposal, error) {
	rows, err := c.query(ctx, `SELECT p.changeset_id, p.position, p.base, p.document, `+prefixed("e", entityColumns)+`
		FROM proposals p JOIN entities e ON e.id = p.entity_id WHERE p.changeset_id = ? ORDER BY p.position`, changesetID)
	if err != nil {
		return nil, fmt.Errorf("store: proposals of %d: %w", changesetID, err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		var p Proposal
		var doc string
		var locked int
		e := &p.Entity
		if err := rows.Scan(&p.ChangesetID, &p.Position, &p.Base, &doc, &e.ID, &e.Kind, &e.Head, &e.Name, &e.Segment,
			&e.UpdatedAt, &locked, &e.MergedInto); err != nil {
			return nil, err
		}
		e.Locked = locked != 0
		p.Document = []byte(doc)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetLocked locks or unlocks an entity.
func (c *conn) SetLocked(ctx context.Context, id int64, locked bool) error {
	v := 0
	if locked {
		v = 1
	}
	res, err := c.exec(ctx, `UPDATE entities SET locked = ? WHERE id = ? AND head > 0`, v, id)
	if err != nil {
		return fmt.Errorf("store: lock %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("store: entity %d: %w", id, ErrNotFound)
	}
	return nil
}

// EntityNames gives the names of entities by id, whether or not they have a page yet, for
// describing what a pending changeset proposes.
func (c *conn) EntityNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		in, args := inList(batch)
		rows, err := c.query(ctx, `SELECT id, name FROM entities WHERE id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: entity names: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ChangesetRevisions lists the revisions an accepted changeset made, with their documents.
func (c *conn) ChangesetRevisions(ctx context.Context, changesetID int64) ([]Revision, error) {
	rows, err := c.query(ctx, `SELECT `+revisionColumns+`, r.document
		FROM revisions r JOIN users u ON u.id = r.author_id WHERE r.changeset_id = ? ORDER BY r.created_at, r.entity_id`, changesetID)
	if err != nil {
		return nil, fmt.Errorf("store: revisions of changeset %d: %w", changesetID, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		r, err := scanRevision(rows, true)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ChangesetPart is what a changeset does to one entity: the document it made, or proposes, from
// revision Base (0 when it creates the entity), and once accepted the revision Number it made.
type ChangesetPart struct {
	Entity   Entity
	Base     int
	Number   int
	Document []byte
}

// ChangesetParts lists what a changeset does to each entity: for an accepted one, the revisions it
// made, each from its parent; for any other, what it proposes, from the proposals that stay
// recorded whatever became of them.
func (c *conn) ChangesetParts(ctx context.Context, cs Changeset) ([]ChangesetPart, error) {
	var out []ChangesetPart
	if cs.Status == StatusAccepted {
		revs, err := c.ChangesetRevisions(ctx, cs.ID)
		if err != nil {
			return nil, err
		}
		byID := make(map[int64]Entity, len(cs.Entities))
		for _, e := range cs.Entities {
			byID[e.ID] = e
		}
		for _, r := range revs {
			out = append(out, ChangesetPart{Entity: byID[r.EntityID], Base: r.Parent, Number: r.Number, Document: r.Document})
		}
		return out, nil
	}
	proposals, err := c.Proposals(ctx, cs.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range proposals {
		out = append(out, ChangesetPart{Entity: p.Entity, Base: p.Base, Document: p.Document})
	}
	return out, nil
}

// HasPendingEdits reports whether a changeset waiting for review proposes a document for entity
// id.
func (c *conn) HasPendingEdits(ctx context.Context, id int64) (bool, error) {
	var pending bool
	err := c.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM proposals p JOIN changesets c ON c.id = p.changeset_id
		WHERE p.entity_id = ? AND c.status = ?)`, id, StatusPending).Scan(&pending)
	return pending, c.mapErr(err)
}
