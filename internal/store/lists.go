package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"kioku/internal/wiki"
)

// ListOrder is the order of a list of entities. Every order ends with the entity's id, so that
// two entities never tie and a list can be continued after any of its rows.
type ListOrder string

// The orders a list of entities can take.
const (
	OrderID      ListOrder = "id"
	OrderName    ListOrder = "name"
	OrderStart   ListOrder = "start"   // works only: by start date, works with none first
	OrderUpdated ListOrder = "updated" // by the time the current revision was accepted
)

// ListKey is the position of a row in a list: its value in the list's order (Text for names
// and start dates, Time for updates) and its id. A list continued after a key holds the rows
// that come after it in the order as it is now, so that rows added while a reader pages are
// neither shown twice nor make others be skipped.
type ListKey struct {
	Text string
	Time time.Time
	ID   int64
}

// LinkFilter keeps the entities that point to Target in one of Rels (the works that credit a
// person, the episodes of a work).
type LinkFilter struct {
	Target int64
	Rels   []wiki.Rel
}

// ListQuery chooses a page of entities of one kind. Filters are combined with AND; the work
// filters (Medium, StartFrom, StartBefore) and OrderStart apply to works.
type ListQuery struct {
	Kind wiki.Kind
	// Name keeps the entities with this name, ignoring case and spacing (NameKey).
	Name        string
	Medium      wiki.Medium
	StartFrom   string // start date on or after (partial dates compared as text)
	StartBefore string // start date before
	Links       []LinkFilter
	External    []wiki.ExternalID
	Order       ListOrder
	Desc        bool
	// After continues the list after a row; nil starts it.
	After *ListKey
	Limit int
}

// ListRow is an entity in a list, with the facts of a work when it is one.
type ListRow = WorkRow

// Key is the row's position in a list of the given order.
func Key(r ListRow, order ListOrder) ListKey {
	switch order {
	case OrderName:
		return ListKey{Text: NameKey(r.Name), ID: r.ID}
	case OrderStart:
		return ListKey{Text: r.StartDate, ID: r.ID}
	case OrderUpdated:
		return ListKey{Time: r.UpdatedAt, ID: r.ID}
	}
	return ListKey{ID: r.ID}
}

// ListEntities reads a page of the entities q chooses, in q's order, and how many entities it
// chooses in all.
func (c *conn) ListEntities(ctx context.Context, q ListQuery) ([]ListRow, int, error) {
	from := ` FROM entities e LEFT JOIN works w ON w.entity_id = e.id`
	where := []string{`e.kind = ?`, `e.head > 0`}
	args := []any{string(q.Kind)}
	if q.Name != "" {
		where = append(where, `e.name_key = ?`)
		args = append(args, NameKey(q.Name))
	}
	if q.Medium != "" {
		where = append(where, `w.medium = ?`)
		args = append(args, string(q.Medium))
	}
	if q.StartFrom != "" {
		where = append(where, `w.start_date >= ?`)
		args = append(args, q.StartFrom)
	}
	if q.StartBefore != "" {
		where = append(where, `w.start_date < ?`)
		args = append(args, q.StartBefore)
	}
	for _, l := range q.Links {
		if len(l.Rels) == 0 {
			continue
		}
		where = append(where, `e.id IN (SELECT l.source_id FROM links l WHERE l.target_id = ? AND l.rel IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(l.Rels)), ", ")+`))`)
		args = append(args, l.Target)
		for _, r := range l.Rels {
			args = append(args, string(r))
		}
	}
	for _, x := range q.External {
		where = append(where, `e.id IN (SELECT x.entity_id FROM external_ids x WHERE x.site = ? AND x.value = ?)`)
		args = append(args, x.Site, x.ID)
	}
	cond := ` WHERE ` + strings.Join(where, ` AND `)

	var total int
	if err := c.queryRow(ctx, `SELECT COUNT(*)`+from+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count %s: %w", q.Kind, c.mapErr(err))
	}

	// Every work has its facts row, so a list by start date (of works only) needs no COALESCE.
	col := map[ListOrder]string{OrderName: "e.name_key", OrderStart: "w.start_date", OrderUpdated: "e.updated_at"}[q.Order]
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	if a := q.After; a != nil {
		var v any = a.Text
		if q.Order == OrderUpdated {
			v = a.Time.UTC()
		}
		if col == "" {
			cond += ` AND e.id ` + cmp + ` ?`
			args = append(args, a.ID)
		} else {
			// A row value comparison, which both engines can answer from an index on the
			// order's column (with the id that breaks ties).
			cond += ` AND (` + col + `, e.id) ` + cmp + ` (?, ?)`
			args = append(args, v, a.ID)
		}
	}
	order := ` ORDER BY e.id ` + dir
	if col != "" {
		order = ` ORDER BY ` + col + ` ` + dir + `, e.id ` + dir
	}
	args = append(args, q.Limit)
	rows, err := c.workRows(ctx, `SELECT e.id, e.kind, e.head, e.name, e.segment, e.updated_at, e.locked,
		COALESCE(w.medium, ''), COALESCE(w.start_date, ''), COALESCE(w.end_date, ''), COALESCE(w.episodes, 0),
		COALESCE(w.original_title, '')`+from+cond+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list %s: %w", q.Kind, err)
	}
	return rows, total, nil
}

// RevisionsBefore lists up to limit revisions of an entity numbered below before (0: from the
// newest), without documents, newest first, and how many revisions the entity has. Revisions
// are only ever added with higher numbers, so paging down by number never repeats or skips one.
func (c *conn) RevisionsBefore(ctx context.Context, id int64, before, limit int) ([]Revision, int, error) {
	if before <= 0 || before > math.MaxInt32 {
		before = math.MaxInt32
	}
	var total int
	if err := c.queryRow(ctx, `SELECT COUNT(*) FROM revisions WHERE entity_id = ?`, id).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: revisions of %d: %w", id, c.mapErr(err))
	}
	rows, err := c.query(ctx, `SELECT `+revisionColumns+`
		FROM revisions r JOIN users u ON u.id = r.author_id WHERE r.entity_id = ? AND r.number < ?
		ORDER BY r.number DESC LIMIT ?`, id, before, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: revisions of %d: %w", id, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		r, err := scanRevision(rows, false)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}
