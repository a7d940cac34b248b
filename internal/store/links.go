package store

import (
	"context"
	"fmt"

	"kioku/internal/wiki"
)

// ReplaceLinks sets the projection rows of one source entity to links. fresh says it has none
// yet (a new entity), so there is nothing to delete.
func (tx *Tx) ReplaceLinks(ctx context.Context, sourceID int64, links []wiki.Link, fresh bool) error {
	if !fresh {
		if _, err := tx.exec(ctx, `DELETE FROM links WHERE source_id = ?`, sourceID); err != nil {
			return fmt.Errorf("store: clear links of %d: %w", sourceID, err)
		}
	}
	// Many rows per statement: on PostgreSQL each statement is a round trip, and a work with
	// hundreds of credits would otherwise spend most of an edit waiting on the network.
	err := tx.insertRows(ctx, `INSERT INTO links (source_id, target_id, rel, via_id, role, note, language, position) VALUES `,
		"(?, ?, ?, ?, ?, ?, ?, ?)", len(links), 512, func(i int, args []any) []any {
			l := links[i]
			return append(args, l.Source, l.Target, string(l.Rel), l.Via, l.Role, l.Note, l.Language, l.Position)
		})
	if err != nil {
		return fmt.Errorf("store: links of %d: %w", sourceID, err)
	}
	return nil
}

// Backlink is a projection row seen from its target, with the source entity it comes from.
type Backlink struct {
	wiki.Link
	From Entity
}

// LinksTo lists the links to target of the given kinds, each with its source entity, ordered by
// source name and position. Links from entities without an accepted revision are left out.
func (c *conn) LinksTo(ctx context.Context, target int64, rels ...wiki.Rel) ([]Backlink, error) {
	if len(rels) == 0 {
		return nil, nil
	}
	in := make([]any, 0, len(rels)+1)
	in = append(in, target)
	for _, r := range rels {
		in = append(in, string(r))
	}
	marks, _ := inList(make([]int64, len(rels)))
	rows, err := c.query(ctx, `SELECT l.source_id, l.target_id, l.rel, l.via_id, l.role, l.note, l.language, l.position,
		e.id, e.kind, e.head, e.name, e.segment, e.updated_at
		FROM links l JOIN entities e ON e.id = l.source_id
		WHERE l.target_id = ? AND l.rel IN (`+marks+`) AND e.head > 0
		ORDER BY e.name_key, e.id, l.position`, in...)
	if err != nil {
		return nil, fmt.Errorf("store: links to %d: %w", target, err)
	}
	defer rows.Close()
	var out []Backlink
	for rows.Next() {
		var b Backlink
		err := rows.Scan(&b.Source, &b.Target, &b.Rel, &b.Via, &b.Role, &b.Note, &b.Language, &b.Position,
			&b.From.ID, &b.From.Kind, &b.From.Head, &b.From.Name, &b.From.Segment, &b.From.UpdatedAt)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// HeadDocument is an entity with the document of its current revision.
type HeadDocument struct {
	Entity   Entity
	Document []byte
}

// HeadDocuments calls fn for every entity's current document, in id order, for rebuilding
// projections.
func (c *conn) HeadDocuments(ctx context.Context, fn func(HeadDocument) error) error {
	return c.headDocuments(ctx, "", fn)
}

// HeadDocumentsOfKind calls fn for the current document of every entity of a kind, in id
// order.
func (c *conn) HeadDocumentsOfKind(ctx context.Context, kind wiki.Kind, fn func(HeadDocument) error) error {
	return c.headDocuments(ctx, kind, fn)
}

func (c *conn) headDocuments(ctx context.Context, kind wiki.Kind, fn func(HeadDocument) error) error {
	rows, err := c.query(ctx, `SELECT e.id, e.kind, e.head, e.name, e.segment, e.updated_at, r.document
		FROM entities e JOIN revisions r ON r.entity_id = e.id AND r.number = e.head
		WHERE ? = '' OR e.kind = ? ORDER BY e.id`, string(kind), string(kind))
	if err != nil {
		return fmt.Errorf("store: head documents: %w", err)
	}
	defer rows.Close()
	var all []HeadDocument
	for rows.Next() {
		var h HeadDocument
		var doc string
		if err := rows.Scan(&h.Entity.ID, &h.Entity.Kind, &h.Entity.Head, &h.Entity.Name, &h.Entity.Segment, &h.Entity.UpdatedAt, &doc); err != nil {
			return err
		}
		h.Document = []byte(doc)
		all = append(all, h)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	// fn may write through the same transaction, which an open cursor would block.
	for _, h := range all {
		if err := fn(h); err != nil {
			return err
		}
	}
	return nil
}

// ClearLinks empties the link projection.
func (tx *Tx) ClearLinks(ctx context.Context) error {
	_, err := tx.exec(ctx, `DELETE FROM links`)
	return err
}

// HeadDocumentsByID reads the current documents of the given entities, keyed by id.
func (c *conn) HeadDocumentsByID(ctx context.Context, ids []int64) (map[int64]HeadDocument, error) {
	out := make(map[int64]HeadDocument, len(ids))
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		in, args := inList(batch)
		rows, err := c.query(ctx, `SELECT e.id, e.kind, e.head, e.name, e.segment, e.updated_at, r.document
			FROM entities e JOIN revisions r ON r.entity_id = e.id AND r.number = e.head WHERE e.id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: head documents: %w", err)
		}
		for rows.Next() {
			var h HeadDocument
			var doc string
			if err := rows.Scan(&h.Entity.ID, &h.Entity.Kind, &h.Entity.Head, &h.Entity.Name, &h.Entity.Segment, &h.Entity.UpdatedAt, &doc); err != nil {
				rows.Close()
				return nil, err
			}
			h.Document = []byte(doc)
			out[h.Entity.ID] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// VoiceRole is a person voicing a character in a work.
type VoiceRole struct {
	Work      Entity
	Character Entity
	Person    Entity
	Language  string
}

// VoiceRoles lists the voice roles of a person (when person is true) or of a character, with
// the work, character and person of each, ordered by work name.
func (c *conn) VoiceRoles(ctx context.Context, id int64, person bool) ([]VoiceRole, error) {
	col := "l.via_id"
	if person {
		col = "l.target_id"
	}
	rows, err := c.query(ctx, `SELECT w.id, w.kind, w.head, w.name, w.segment, w.updated_at,
			ch.id, ch.kind, ch.head, ch.name, ch.segment, ch.updated_at,
			p.id, p.kind, p.head, p.name, p.segment, p.updated_at, l.language
		FROM links l
		JOIN entities w ON w.id = l.source_id
		JOIN entities ch ON ch.id = l.via_id
		JOIN entities p ON p.id = l.target_id
		WHERE `+col+` = ? AND l.rel = 'voice' AND w.head > 0
		ORDER BY w.name_key, w.id, l.position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: voice roles of %d: %w", id, err)
	}
	defer rows.Close()
	var out []VoiceRole
	for rows.Next() {
		var v VoiceRole
		err := rows.Scan(&v.Work.ID, &v.Work.Kind, &v.Work.Head, &v.Work.Name, &v.Work.Segment, &v.Work.UpdatedAt,
			&v.Character.ID, &v.Character.Kind, &v.Character.Head, &v.Character.Name, &v.Character.Segment, &v.Character.UpdatedAt,
			&v.Person.ID, &v.Person.Kind, &v.Person.Head, &v.Person.Name, &v.Person.Segment, &v.Person.UpdatedAt, &v.Language)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// LinkSources lists the entities with a page whose documents point to target (as the target of
// a link or the character of a voice role), at most limit of them, in id order: the documents a
// merge of target rewrites.
func (c *conn) LinkSources(ctx context.Context, target int64, limit int) ([]int64, error) {
	rows, err := c.query(ctx, `SELECT DISTINCT l.source_id FROM links l JOIN entities e ON e.id = l.source_id
		WHERE (l.target_id = ? OR l.via_id = ?) AND e.head > 0 ORDER BY l.source_id LIMIT ?`, target, target, limit)
	if err != nil {
		return nil, fmt.Errorf("store: sources of links to %d: %w", target, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
