package store

import (
	"context"
	"fmt"
	"strings"

	"kioku/internal/wiki"
)

// WorkRow is a work with the plain facts lists show.
type WorkRow struct {
	Entity
	WorkFacts
}

// Year is the year the work started, or "".
func (w WorkRow) Year() string {
	if len(w.StartDate) >= 4 {
		return w.StartDate[:4]
	}
	return ""
}

const workRowColumns = `e.id, e.kind, e.head, e.name, e.segment, e.updated_at, e.locked,
	w.medium, w.start_date, w.end_date, w.episodes, w.original_title`

func (c *conn) workRows(ctx context.Context, query string, args ...any) ([]WorkRow, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WorkRow
	for rows.Next() {
		var w WorkRow
		var locked int
		if err := rows.Scan(&w.ID, &w.Kind, &w.Head, &w.Name, &w.Segment, &w.UpdatedAt, &locked,
			&w.Medium, &w.StartDate, &w.EndDate, &w.Episodes, &w.OriginalTitle); err != nil {
			return nil, err
		}
		w.Locked = locked != 0
		out = append(out, w)
	}
	return out, rows.Err()
}

// WorksStarting lists the works that started on or after from and before to (partial dates
// compared as text: "1995-10" to "1996"), of one medium unless medium is empty, by start date.
func (c *conn) WorksStarting(ctx context.Context, from, to string, medium wiki.Medium, limit int) ([]WorkRow, error) {
	q := `SELECT ` + workRowColumns + ` FROM works w JOIN entities e ON e.id = w.entity_id
		WHERE e.head > 0 AND w.start_date >= ? AND w.start_date < ?`
	args := []any{from, to}
	if medium != "" {
		q += ` AND w.medium = ?`
		args = append(args, string(medium))
	}
	q += ` ORDER BY w.start_date, e.name_key, e.id LIMIT ?`
	args = append(args, limit)
	list, err := c.workRows(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: works from %s to %s: %w", from, to, err)
	}
	return list, nil
}

// WorkCredit is one work an entity is credited on (a person's staff role, a voice role, a
// company's part), with the work's facts.
type WorkCredit struct {
	WorkRow
	Rel      wiki.Rel
	Role     string
	Note     string
	Language string
	Via      int64 // the character voiced
}

// CreditsOn lists the works that credit target in one of rels, newest first (works without a
// start date last), a page at a time, with the number of such works.
func (c *conn) CreditsOn(ctx context.Context, target int64, rels []wiki.Rel, limit, offset int) ([]WorkCredit, int, error) {
	if len(rels) == 0 {
		return nil, 0, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(rels)), ", ")
	args := []any{target}
	for _, r := range rels {
		args = append(args, string(r))
	}
	var total int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM links l JOIN entities e ON e.id = l.source_id
		WHERE l.target_id = ? AND l.rel IN (`+marks+`) AND e.head > 0`, args...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("store: credits on %d: %w", target, c.mapErr(err))
	}
	rows, err := c.query(ctx, `SELECT e.id, e.kind, e.head, e.name, e.segment, e.updated_at, e.locked,
		COALESCE(w.medium, ''), COALESCE(w.start_date, ''), COALESCE(w.end_date, ''), COALESCE(w.episodes, 0),
		COALESCE(w.original_title, ''), l.rel, l.role, l.note, l.language, l.via_id
		FROM links l JOIN entities e ON e.id = l.source_id LEFT JOIN works w ON w.entity_id = e.id
		WHERE l.target_id = ? AND l.rel IN (`+marks+`) AND e.head > 0
		ORDER BY CASE WHEN COALESCE(w.start_date, '') = '' THEN 1 ELSE 0 END, w.start_date DESC, e.name_key, e.id, l.position
		LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: credits on %d: %w", target, err)
	}
	defer rows.Close()
	var out []WorkCredit
	for rows.Next() {
		var w WorkCredit
		var locked int
		if err := rows.Scan(&w.ID, &w.Kind, &w.Head, &w.Name, &w.Segment, &w.UpdatedAt, &locked,
			&w.Medium, &w.StartDate, &w.EndDate, &w.Episodes, &w.OriginalTitle, &w.Rel, &w.Role, &w.Note, &w.Language, &w.Via); err != nil {
			return nil, 0, err
		}
		w.Locked = locked != 0
		out = append(out, w)
	}
	return out, total, rows.Err()
}

// KindCounts counts the entities of each kind that have a page.
func (c *conn) KindCounts(ctx context.Context) (map[wiki.Kind]int, error) {
	rows, err := c.query(ctx, `SELECT kind, COUNT(*) FROM entities WHERE head > 0 GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	out := map[wiki.Kind]int{}
	for rows.Next() {
		var k wiki.Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// YearCount is how many works started in a year.
type YearCount struct {
	Year  string
	Works int
}

// WorkYears counts the works by the year they started, earliest first.
func (c *conn) WorkYears(ctx context.Context) ([]YearCount, error) {
	rows, err := c.query(ctx, `SELECT SUBSTR(w.start_date, 1, 4) AS y, COUNT(*) FROM works w JOIN entities e ON e.id = w.entity_id
		WHERE e.head > 0 AND w.start_date <> '' GROUP BY y ORDER BY y`)
	if err != nil {
		return nil, fmt.Errorf("store: work years: %w", err)
	}
	defer rows.Close()
	var out []YearCount
	for rows.Next() {
		var y YearCount
		if err := rows.Scan(&y.Year, &y.Works); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// fewEdits is how many accepted edits people may have made for RecentWorks to find theirs from
// their authors.
var fewEdits int64 = 20_000

// RecentWorks lists the works whose current revision is newest: by import accounts when
// imported is set, else by people.
//
// A wiki filled by imports holds tens of thousands of works that people have not edited yet,
// all more recently updated than those they have: walking the works newest first to find a
// dozen that people edited would read every one. While people have made few edits, they are
// found from their authors instead, which reads only those edits.
func (c *conn) RecentWorks(ctx context.Context, imported bool, limit int) ([]WorkRow, error) {
	from, op := recentFromWorks, "="
	if !imported {
		op = "<>"
		var byPeople int64 // the accepted edits people have made
		err := c.queryRow(ctx, `SELECT COALESCE(SUM(accepted_edits), 0) FROM users WHERE role <> ?`, "importer").Scan(&byPeople)
		if err != nil {
			return nil, fmt.Errorf("store: recent works: %w", c.mapErr(err))
		}
		if byPeople <= fewEdits {
			from = recentFromAuthors
		}
	}
	list, err := c.workRows(ctx, `SELECT `+workRowColumns+from+op+` ? ORDER BY e.updated_at DESC, e.id DESC LIMIT ?`,
		wiki.KindWork, "importer", limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent works: %w", err)
	}
	return list, nil
}

// The two ways RecentWorks reads the works whose current revision is by an import account, or is
// not: from the works, newest first, or from the authors who are not import accounts. Each ends
// with the comparison of the author's role.
const (
	recentFromWorks = ` FROM entities e
		JOIN works w ON w.entity_id = e.id
		JOIN revisions r ON r.entity_id = e.id AND r.number = e.head
		JOIN users u ON u.id = r.author_id
		WHERE e.kind = ? AND e.head > 0 AND u.role `
	// CROSS JOIN keeps SQLite's join order as written; PostgreSQL plans it as it likes.
	recentFromAuthors = ` FROM users u
		CROSS JOIN revisions r
		CROSS JOIN entities e
		CROSS JOIN works w
		WHERE u.accepted_edits > 0 AND r.author_id = u.id AND e.id = r.entity_id AND e.head = r.number
			AND w.entity_id = e.id AND e.kind = ? AND u.role `
)
