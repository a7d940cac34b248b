package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"kioku/internal/wiki"
)

// Entity is the row that names an entity and points to its current revision (Head, zero until a
// first revision is accepted).
type Entity struct {
	ID        int64
	Kind      wiki.Kind
	Head      int
	Name      string
	Segment   string // first segment of the page address: "anime", "person", ...
	UpdatedAt time.Time
	// Locked entities may be changed only by trusted editors and above.
	Locked bool
	// MergedInto is the entity this one was merged into, whose page its page redirects to;
	// 0 for a page of its own.
	MergedInto int64
}

// Path is the canonical address of the entity's page.
func (e Entity) Path() string { return wiki.Path(e.Segment, e.ID, e.Name) }

// Revision states.
const (
	StatusAccepted = "accepted"
	StatusPending  = "pending"
	StatusRejected = "rejected"
	// StatusWithdrawn is a changeset its author took back before it was reviewed.
	StatusWithdrawn = "withdrawn"
)

// Revision is one version of an entity's document.
type Revision struct {
	EntityID    int64
	Number      int
	Parent      int
	ChangesetID int64
	AuthorID    int64
	AuthorName  string // filled by reads
	Summary     string
	Status      string
	Document    []byte
	CreatedAt   time.Time
	// Points is what the revision earned its author: one per field or list item it changed.
	Points int
}

// NameKey is the form of a name used to find entities by name: in NFC, trimmed and case-folded.
func NameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(name)), " "))
}

const entityColumns = `id, kind, head, name, segment, updated_at, locked, merged_into`

func scanEntity(row interface{ Scan(...any) error }) (Entity, error) {
	var e Entity
	var locked int
	err := row.Scan(&e.ID, &e.Kind, &e.Head, &e.Name, &e.Segment, &e.UpdatedAt, &locked, &e.MergedInto)
	e.Locked = locked != 0
	return e, err
}

func (c *conn) entities(ctx context.Context, query string, args ...any) ([]Entity, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entity
	for rows.Next() {
		e, err := scanEntity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateEntity adds an entity and returns its id. head is 0 for an entity that has no accepted
// revision yet (one a changeset waiting for review proposes), or 1 when its first revision is
// written next in the same transaction.
func (c *conn) CreateEntity(ctx context.Context, kind wiki.Kind, name, segment string, head int) (int64, error) {
	t := now()
	id, err := c.insertNew(ctx, "entities", "kind, head, name, name_key, segment, created_at, updated_at",
		kind, head, name, NameKey(name), segment, t, t)
	if err != nil {
		return 0, fmt.Errorf("store: create %s: %w", kind, c.mapErr(err))
	}
	return id, nil
}

// Entity reads one entity; ErrNotFound if there is none with this id or it has no accepted
// revision.
func (c *conn) Entity(ctx context.Context, id int64) (Entity, error) {
	e, err := scanEntity(c.queryRow(ctx, `SELECT `+entityColumns+` FROM entities WHERE id = ? AND head > 0`, id))
	if err != nil {
		return Entity{}, fmt.Errorf("store: entity %d: %w", id, c.mapErr(err))
	}
	return e, nil
}

// EntityForUpdate reads one entity whatever its head, inside a transaction that will change it.
func (tx *Tx) EntityForUpdate(ctx context.Context, id int64) (Entity, error) {
	q := `SELECT ` + entityColumns + ` FROM entities WHERE id = ?`
	if tx.engine == Postgres {
		q += ` FOR UPDATE`
	}
	e, err := scanEntity(tx.queryRow(ctx, q, id))
	if err != nil {
		return Entity{}, fmt.Errorf("store: entity %d: %w", id, tx.mapErr(err))
	}
	return e, nil
}

// EntitiesByID reads the entities with these ids that have an accepted revision, keyed by id.
func (c *conn) EntitiesByID(ctx context.Context, ids []int64) (map[int64]Entity, error) {
	out := make(map[int64]Entity, len(ids))
	for len(ids) > 0 {
		// Batches keep the statement under every engine's parameter limit.
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		in, args := inList(padded(batch))
		list, err := c.entities(ctx, `SELECT `+entityColumns+` FROM entities WHERE head > 0 AND id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: entities by id: %w", err)
		}
		for _, e := range list {
			out[e.ID] = e
		}
	}
	return out, nil
}

// EntitiesByName finds the entities of a kind with this name, ignoring case and spacing, oldest
// first. Redirects are left out: a name picks the page that was kept.
func (c *conn) EntitiesByName(ctx context.Context, kind wiki.Kind, name string) ([]Entity, error) {
	list, err := c.entities(ctx, `SELECT `+entityColumns+` FROM entities
		WHERE kind = ? AND name_key = ? AND head > 0 AND merged_into = 0 ORDER BY id`, kind, NameKey(name))
	if err != nil {
		return nil, fmt.Errorf("store: %s named %q: %w", kind, name, err)
	}
	return list, nil
}

// EntitiesNamedSince finds the pages of a kind with this name that got their page (their first
// accepted revision) after a moment, oldest first; redirects are left out.
func (c *conn) EntitiesNamedSince(ctx context.Context, kind wiki.Kind, name string, since time.Time) ([]Entity, error) {
	list, err := c.entities(ctx, `SELECT `+prefixed("e", entityColumns)+` FROM entities e
		WHERE e.kind = ? AND e.name_key = ? AND e.head > 0 AND e.merged_into = 0
		AND (SELECT MIN(r.created_at) FROM revisions r WHERE r.entity_id = e.id AND r.status = ?) > ? ORDER BY e.id`,
		kind, NameKey(name), StatusAccepted, since)
	if err != nil {
		return nil, fmt.Errorf("store: %s named %q: %w", kind, name, err)
	}
	return list, nil
}

// EntitiesNamed finds entities of any kind with this name, oldest first: the targets of a
// [[Title]] link. Redirects are left out.
func (c *conn) EntitiesNamed(ctx context.Context, name string) ([]Entity, error) {
	return c.entities(ctx, `SELECT `+entityColumns+` FROM entities WHERE name_key = ? AND head > 0 AND merged_into = 0 ORDER BY id`, NameKey(name))
}

// RecentEntities lists the most recently changed entities of a kind, redirects left out.
func (c *conn) RecentEntities(ctx context.Context, kind wiki.Kind, limit int) ([]Entity, error) {
	return c.entities(ctx, `SELECT `+entityColumns+` FROM entities WHERE kind = ? AND head > 0 AND merged_into = 0
		ORDER BY updated_at DESC, id DESC LIMIT ?`, kind, limit)
}

// SetHead makes revision head the entity's current one, provided the current one is still
// expected (compare-and-set); otherwise it returns ErrConflict. Name, segment and mergedInto
// are the projection of the new document.
func (tx *Tx) SetHead(ctx context.Context, id int64, expected, head int, name, segment string, mergedInto int64) error {
	res, err := tx.exec(ctx, `UPDATE entities SET head = ?, name = ?, name_key = ?, segment = ?, merged_into = ?, updated_at = ?
		WHERE id = ? AND head = ?`, head, name, NameKey(name), segment, mergedInto, now(), id, expected)
	if err != nil {
		return fmt.Errorf("store: set head of %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("store: entity %d is no longer at revision %d: %w", id, expected, ErrConflict)
	}
	return nil
}

// CreateChangeset records a changeset and returns its id.
func (tx *Tx) CreateChangeset(ctx context.Context, authorID int64, summary, status string) (int64, error) {
	id, err := tx.insertNew(ctx, "changesets", "author_id, summary, status, created_at", authorID, summary, status, now())
	if err != nil {
		return 0, fmt.Errorf("store: create changeset: %w", tx.mapErr(err))
	}
	return id, nil
}

// InsertRevision appends a revision. Revisions are never changed afterwards, except for their
// status when reviewed.
func (tx *Tx) InsertRevision(ctx context.Context, r Revision) error {
	var feed *int64
	if r.Status == StatusAccepted && tx.engine == SQLite {
		n, err := tx.nextFeed(ctx)
		if err != nil {
			return err
		}
		feed = &n
	}
	err := tx.write(ctx, `INSERT INTO revisions
		(entity_id, number, parent, changeset_id, author_id, summary, status, document, created_at, points, feed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.EntityID, r.Number, r.Parent, r.ChangesetID, r.AuthorID, r.Summary, r.Status, string(r.Document), now(), r.Points, feed)
	if err != nil {
		return fmt.Errorf("store: revision %d of %d: %w", r.Number, r.EntityID, err)
	}
	if r.Status == StatusAccepted {
		tx.accepted++
		if feed == nil {
			tx.fed = append(tx.fed, revKey{r.EntityID, r.Number})
		}
	}
	return nil
}

// LastRevisionNumber is the highest revision number of an entity, whatever its status.
func (tx *Tx) LastRevisionNumber(ctx context.Context, id int64) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM revisions WHERE entity_id = ?`, id).Scan(&n)
	return n, tx.mapErr(err)
}

const revisionColumns = `r.entity_id, r.number, r.parent, r.changeset_id, r.author_id, u.name, r.summary, r.status, r.created_at, r.points`

func scanRevision(row interface{ Scan(...any) error }, withDoc bool) (Revision, error) {
	var r Revision
	dest := []any{&r.EntityID, &r.Number, &r.Parent, &r.ChangesetID, &r.AuthorID, &r.AuthorName, &r.Summary, &r.Status, &r.CreatedAt, &r.Points}
	var doc string
	if withDoc {
		dest = append(dest, &doc)
	}
	err := row.Scan(dest...)
	r.Document = []byte(doc)
	return r, err
}

// Revision reads one revision with its document.
func (c *conn) Revision(ctx context.Context, id int64, number int) (Revision, error) {
	if number < 1 || number > math.MaxInt32 {
		// Revision numbers are 32-bit on PostgreSQL: a larger one names no revision.
		return Revision{}, fmt.Errorf("store: revision %d of %d: %w", number, id, ErrNotFound)
	}
	r, err := scanRevision(c.queryRow(ctx, `SELECT `+revisionColumns+`, r.document
		FROM revisions r JOIN users u ON u.id = r.author_id WHERE r.entity_id = ? AND r.number = ?`, id, number), true)
	if err != nil {
		return Revision{}, fmt.Errorf("store: revision %d of %d: %w", number, id, c.mapErr(err))
	}
	return r, nil
}

// Revisions lists an entity's revisions without documents, newest first.
func (c *conn) Revisions(ctx context.Context, id int64) ([]Revision, error) {
	rows, err := c.query(ctx, `SELECT `+revisionColumns+`
		FROM revisions r JOIN users u ON u.id = r.author_id WHERE r.entity_id = ? ORDER BY r.number DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("store: revisions of %d: %w", id, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		r, err := scanRevision(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Editor is an author of accepted revisions of an entity, with the points they earned there.
type Editor struct {
	UserID int64
	Name   string
	Edits  int
	Points int
}

// TopEditors lists the authors of an entity's accepted revisions, most points first.
func (c *conn) TopEditors(ctx context.Context, id int64, limit int) ([]Editor, error) {
	rows, err := c.query(ctx, `SELECT u.id, u.name, COUNT(*), SUM(r.points) AS p FROM revisions r JOIN users u ON u.id = r.author_id
		WHERE r.entity_id = ? AND r.status = ? GROUP BY u.id, u.name ORDER BY p DESC, COUNT(*) DESC, u.name LIMIT ?`, id, StatusAccepted, limit)
	if err != nil {
		return nil, fmt.Errorf("store: top editors of %d: %w", id, err)
	}
	defer rows.Close()
	var out []Editor
	for rows.Next() {
		var e Editor
		if err := rows.Scan(&e.UserID, &e.Name, &e.Edits, &e.Points); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
