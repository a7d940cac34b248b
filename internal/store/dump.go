package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"kioku/internal/wiki"
)

// A dump is the wiki's content as JSON lines, one record a line, in an order a restore can
// insert them in: the authors (names only: no passwords, sessions or tokens), the changesets,
// the entities, and their revisions in the change feed's order. Without history it holds each
// entity's current revision only. Pending edits, accounts' secrets and settings are not part of
// it; projections are rebuilt from the documents after a restore.

// DumpLine is one line of a dump: exactly one of its records.
type DumpLine struct {
	User      *DumpUser      `json:"user,omitempty"`
	Changeset *DumpChangeset `json:"changeset,omitempty"`
	Entity    *DumpEntity    `json:"entity,omitempty"`
	Revision  *DumpRevision  `json:"revision,omitempty"`
}

// DumpUser is the author of a dumped revision.
type DumpUser struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// DumpChangeset is an accepted changeset with a dumped revision.
type DumpChangeset struct {
	ID        int64     `json:"id"`
	Author    int64     `json:"author"`
	Summary   string    `json:"summary"`
	Points    int       `json:"points"`
	CreatedAt time.Time `json:"created_at"`
}

// DumpEntity is an entity with a page.
type DumpEntity struct {
	ID         int64     `json:"id"`
	Kind       wiki.Kind `json:"kind"`
	Head       int       `json:"head"`
	Name       string    `json:"name"`
	Segment    string    `json:"segment"`
	Locked     bool      `json:"locked"`
	MergedInto int64     `json:"merged_into"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// DumpRevision is an accepted revision with its document in its stored form.
type DumpRevision struct {
	Entity    int64           `json:"entity"`
	Number    int             `json:"number"`
	Parent    int             `json:"parent"`
	Changeset int64           `json:"changeset"`
	Author    int64           `json:"author"`
	Summary   string          `json:"summary"`
	Points    int             `json:"points"`
	CreatedAt time.Time       `json:"created_at"`
	Document  json.RawMessage `json:"document"`
}

// Dump calls fn with every line of the wiki's dump, read from one snapshot; with history, every
// accepted revision, else each entity's current one.
func (s *Store) Dump(ctx context.Context, history bool, fn func(DumpLine) error) error {
	revs := `revisions r`
	if !history {
		revs = `revisions r JOIN entities e ON e.id = r.entity_id AND r.number = e.head`
	}
	return s.read(ctx, func(c *conn) error {
		err := each(ctx, c, `SELECT id, name FROM users WHERE id IN (SELECT r.author_id FROM `+revs+`) ORDER BY id`,
			func(rows *sql.Rows) error {
				var u DumpUser
				if err := rows.Scan(&u.ID, &u.Name); err != nil {
					return err
				}
				return fn(DumpLine{User: &u})
			})
		if err != nil {
			return err
		}
		err = each(ctx, c, `SELECT id, author_id, summary, points, created_at FROM changesets
			WHERE id IN (SELECT r.changeset_id FROM `+revs+`) ORDER BY id`,
			func(rows *sql.Rows) error {
				var cs DumpChangeset
				if err := rows.Scan(&cs.ID, &cs.Author, &cs.Summary, &cs.Points, &cs.CreatedAt); err != nil {
					return err
				}
				cs.CreatedAt = cs.CreatedAt.UTC()
				return fn(DumpLine{Changeset: &cs})
			})
		if err != nil {
			return err
		}
		err = each(ctx, c, `SELECT id, kind, head, name, segment, locked, merged_into, created_at, updated_at FROM entities
			WHERE head > 0 ORDER BY id`,
			func(rows *sql.Rows) error {
				var e DumpEntity
				if err := rows.Scan(&e.ID, &e.Kind, &e.Head, &e.Name, &e.Segment, &e.Locked, &e.MergedInto, &e.CreatedAt, &e.UpdatedAt); err != nil {
					return err
				}
				e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
				return fn(DumpLine{Entity: &e})
			})
		if err != nil {
			return err
		}
		return each(ctx, c, `SELECT r.entity_id, r.number, r.parent, r.changeset_id, r.author_id, r.summary, r.points, r.created_at, r.document
			FROM `+revs+` ORDER BY r.feed`,
			func(rows *sql.Rows) error {
				var r DumpRevision
				var doc string
				if err := rows.Scan(&r.Entity, &r.Number, &r.Parent, &r.Changeset, &r.Author, &r.Summary, &r.Points, &r.CreatedAt, &doc); err != nil {
					return err
				}
				r.CreatedAt, r.Document = r.CreatedAt.UTC(), json.RawMessage(doc)
				return fn(DumpLine{Revision: &r})
			})
	})
}

// each runs a query and calls fn for each row.
func each(ctx context.Context, c *conn, q string, fn func(*sql.Rows) error) error {
	rows, err := c.query(ctx, q)
	if err != nil {
		return fmt.Errorf("store: dump: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ErrNotEmptyWiki refuses to restore a dump into a store that holds accounts or pages.
var ErrNotEmptyWiki = errors.New("store: restore: the store already holds accounts or pages")

// Restore loads the lines next gives (io.EOF after the last) into an empty store, in one
// transaction, keeping every id. check, when not nil, is called with how many of each kind of
// line were restored after the last line and before the commit: its error (a checksum or a
// count that does not match) undoes the whole restore. Authors come
// back as editors without a password, who cannot sign in until an administrator gives them one.
// The projections are not rebuilt here: run edit.Service.Reindex afterwards.
func (s *Store) Restore(ctx context.Context, next func() (DumpLine, error), check func(counts map[string]int) error) (map[string]int, error) {
	counts := map[string]int{}
	kinds := map[int64]wiki.Kind{}
	err := s.Tx(ctx, func(tx *Tx) error {
		for _, t := range []string{"users", "entities", "changesets", "revisions"} {
			var one int
			err := tx.queryRow(ctx, `SELECT 1 FROM `+t+` LIMIT 1`).Scan(&one)
			if err == nil {
				return fmt.Errorf("%w (%s)", ErrNotEmptyWiki, t)
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		for {
			l, err := next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return err
			}
			if err := tx.restoreLine(ctx, l, counts, kinds); err != nil {
				return err
			}
		}
		if check != nil {
			if err := check(counts); err != nil {
				return err
			}
		}
		if tx.engine == Postgres {
			return tx.moveSequences(ctx)
		}
		return nil
	})
	return counts, err
}

// restoreLine restores one line, counting it; kinds holds the kinds of the entities restored,
// which come before their revisions.
func (tx *Tx) restoreLine(ctx context.Context, l DumpLine, counts map[string]int, kinds map[int64]wiki.Kind) error {
	var err error
	switch {
	case l.User != nil && l.Changeset == nil && l.Entity == nil && l.Revision == nil:
		u := l.User
		counts["users"]++
		_, err = tx.exec(ctx, `INSERT INTO users (id, name, name_key, password_hash, role, created_at) VALUES (?, ?, ?, '', 'editor', ?)`,
			u.ID, u.Name, UserKey(u.Name), now())
	case l.Changeset != nil && l.Entity == nil && l.Revision == nil:
		cs := l.Changeset
		counts["changesets"]++
		_, err = tx.exec(ctx, `INSERT INTO changesets (id, author_id, summary, status, created_at, points) VALUES (?, ?, ?, ?, ?, ?)`,
			cs.ID, cs.Author, cs.Summary, StatusAccepted, cs.CreatedAt, cs.Points)
	case l.Entity != nil && l.Revision == nil:
		e := l.Entity
		if !e.Kind.Valid() || e.Head < 1 {
			return fmt.Errorf("store: restore: entity %d: kind %q, head %d", e.ID, e.Kind, e.Head)
		}
		counts["entities"]++
		kinds[e.ID] = e.Kind
		locked := 0
		if e.Locked {
			locked = 1
		}
		_, err = tx.exec(ctx, `INSERT INTO entities (id, kind, head, name, name_key, segment, locked, merged_into, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.Kind, e.Head, e.Name, NameKey(e.Name), e.Segment, locked, e.MergedInto, e.CreatedAt, e.UpdatedAt)
	case l.Revision != nil:
		r := l.Revision
		kind, ok := kinds[r.Entity]
		if !ok {
			return fmt.Errorf("store: restore: revision %d of %d: no entity before it: %w", r.Number, r.Entity, ErrNotFound)
		}
		if _, err := wiki.Decode(kind, r.Document); err != nil {
			return fmt.Errorf("store: restore: revision %d of %d: %w", r.Number, r.Entity, err)
		}
		counts["revisions"]++
		_, err = tx.exec(ctx, `INSERT INTO revisions
			(entity_id, number, parent, changeset_id, author_id, summary, status, document, created_at, points)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Entity, r.Number, r.Parent, r.Changeset, r.Author, r.Summary, StatusAccepted, string(r.Document), r.CreatedAt, r.Points)
		// Numbered for the change feed at the commit, in the dump's order, which is the feed's.
		tx.fed = append(tx.fed, revKey{r.Entity, r.Number})
	default:
		return errors.New("store: restore: a line holds no record, or more than one")
	}
	if err != nil {
		return fmt.Errorf("store: restore: %w", tx.mapErr(err))
	}
	return nil
}
