package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kioku/internal/search"
	"kioku/internal/wiki"
)

// ReplaceSearchTerms sets the search terms of one entity. fresh says it has none yet.
func (tx *Tx) ReplaceSearchTerms(ctx context.Context, id int64, terms []search.Term, fresh bool) error {
	if !fresh {
		if _, err := tx.exec(ctx, `DELETE FROM search_terms WHERE entity_id = ?`, id); err != nil {
			return fmt.Errorf("store: clear search terms of %d: %w", id, err)
		}
	}
	if len(terms) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO search_terms (entity_id, kind, field, key, text) VALUES `)
	args := make([]any, 0, 5*len(terms))
	for i, t := range terms {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, id, string(t.Kind), int(t.Field), t.Key, t.Text)
	}
	if _, err := tx.exec(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("store: search terms of %d: %w", id, err)
	}
	return nil
}

// SearchIndexMissing reports whether the wiki has pages but no search terms: a store migrated
// from before the search index, which reindex fills.
func (c *conn) SearchIndexMissing(ctx context.Context) (bool, error) {
	var pages, terms bool
	err := c.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM entities WHERE head > 0), EXISTS (SELECT 1 FROM search_terms)`).Scan(&pages, &terms)
	if err != nil {
		return false, fmt.Errorf("store: search index: %w", c.mapErr(err))
	}
	return pages && !terms, nil
}

const termColumns = `t.entity_id, t.kind, t.field, t.key, t.text`

// SearchTerms lists the terms that match a lookup (search.Source).
func (c *conn) SearchTerms(ctx context.Context, l search.Lookup) ([]search.Term, error) {
	if l.Key == "" || l.Limit <= 0 {
		return nil, nil
	}
	kinds, kindArgs := "", []any{}
	if len(l.Kinds) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(l.Kinds)), ", ")
		kinds = ` AND t.kind IN (` + marks + `)`
		for _, k := range l.Kinds {
			kindArgs = append(kindArgs, string(k))
		}
	}
	var query string
	var args []any
	switch {
	case l.Mode == search.Prefix && c.engine == SQLite:
		// The highest code point after the key bounds every key that starts with it.
		query = `SELECT ` + termColumns + ` FROM search_terms t WHERE t.key >= ? AND t.key < ?` + kinds + ` ORDER BY t.key LIMIT ?`
		args = append([]any{l.Key, l.Key + string(utf8.MaxRune)}, kindArgs...)
	case l.Mode == search.Prefix:
		query = `SELECT ` + termColumns + ` FROM search_terms t WHERE t.key LIKE ?` + kinds + ` ORDER BY t.key LIMIT ?`
		args = append([]any{l.Key + "%"}, kindArgs...)
	case l.Mode == search.Contains && c.engine == SQLite:
		// A key that contains the query holds all its trigrams: the three rarest find few keys
		// besides, and the search checks each key it gets. Intersecting every trigram's list,
		// as a phrase query does, reads the long lists of common trigrams too.
		grams, err := c.rarestTrigrams(ctx, l.Key, 3)
		if err != nil || len(grams) == 0 {
			return nil, err
		}
		query = `SELECT ` + termColumns + ` FROM search_trigrams f JOIN search_terms t ON t.id = f.rowid
			WHERE search_trigrams MATCH ? AND instr(t.key, ?) > 0` + kinds + ` LIMIT ?`
		args = append([]any{`"` + strings.Join(grams, `" AND "`) + `"`, l.Key}, kindArgs...)
	case l.Mode == search.Contains:
		query = `SELECT ` + termColumns + ` FROM search_terms t WHERE t.key LIKE ?` + kinds + ` LIMIT ?`
		args = append([]any{"%" + l.Key + "%"}, kindArgs...)
	case l.Mode == search.Similar && c.engine == SQLite:
		// One edit changes at most four trigrams (a transposition), so a key within Typos
		// edits of the query shares one of any 4·Typos+1 of its trigrams.
		grams, err := c.rarestTrigrams(ctx, l.Key, 4*l.Typos+1)
		if err != nil || len(grams) == 0 {
			return nil, err
		}
		query = `SELECT ` + termColumns + ` FROM search_trigrams f JOIN search_terms t ON t.id = f.rowid
			WHERE search_trigrams MATCH ?` + kinds + ` LIMIT ?`
		args = append([]any{`"` + strings.Join(grams, `" OR "`) + `"`}, kindArgs...)
	case l.Mode == search.Similar:
		query = `SELECT ` + termColumns + ` FROM search_terms t WHERE ? <% t.key` + kinds + ` ORDER BY ? <<-> t.key LIMIT ?`
		args = append([]any{l.Key}, kindArgs...)
		args = append(args, l.Key)
	default:
		return nil, fmt.Errorf("store: unknown search mode %d", l.Mode)
	}
	args = append(args, l.Limit)
	terms, err := c.terms(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", l.Key, err)
	}
	return terms, nil
}

// rarestTrigrams picks the n rarest trigrams of key, fewer when it has fewer.
func (c *conn) rarestTrigrams(ctx context.Context, key string, n int) ([]string, error) {
	r := []rune(key)
	var grams []string
	for i := 0; i+3 <= len(r); i++ {
		if g := string(r[i : i+3]); !slices.Contains(grams, g) {
			grams = append(grams, g)
		}
	}
	if len(grams) <= n {
		return grams, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(grams)), ", ")
	args := make([]any, len(grams))
	for i, g := range grams {
		args[i] = g
	}
	rows, err := c.query(ctx, `SELECT term, doc FROM search_trigram_counts WHERE term IN (`+marks+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: trigram counts: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return nil, err
		}
		counts[g] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Trigrams no key holds are the ones the typos made: they find nothing, cost nothing.
	slices.SortStableFunc(grams, func(a, b string) int { return counts[a] - counts[b] })
	return grams[:n], nil
}

// TermsOf lists every search term of the given entities (search.Source).
func (c *conn) TermsOf(ctx context.Context, ids []int64) ([]search.Term, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	marks, args := inList(ids)
	terms, err := c.terms(ctx, `SELECT `+termColumns+` FROM search_terms t WHERE t.entity_id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search terms: %w", err)
	}
	return terms, nil
}

func (c *conn) terms(ctx context.Context, query string, args ...any) ([]search.Term, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []search.Term
	for rows.Next() {
		var t search.Term
		var kind string
		if err := rows.Scan(&t.EntityID, &kind, &t.Field, &t.Key, &t.Text); err != nil {
			return nil, err
		}
		t.Kind = wiki.Kind(kind)
		out = append(out, t)
	}
	return out, rows.Err()
}

// maxLinksCounted bounds the links counted each way for one result: past it, how much the wiki
// links to an entity no longer tells results apart, and counting costs more than the search.
const maxLinksCounted = 200

// SearchFacts gives what the results of a search show of each entity (search.Source).
func (c *conn) SearchFacts(ctx context.Context, ids []int64, topics bool) (map[int64]search.Facts, error) {
	out := make(map[int64]search.Facts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	marks, args := inList(ids)
	rows, err := c.query(ctx, `SELECT e.id, e.kind, e.name, e.segment,
			COALESCE(w.medium, ''), COALESCE(w.start_date, ''), COALESCE(w.original_title, ''),
			(SELECT COUNT(*) FROM (SELECT 1 FROM links l WHERE l.target_id = e.id LIMIT ?) a) +
			(SELECT COUNT(*) FROM (SELECT 1 FROM links l WHERE l.source_id = e.id LIMIT ?) b)
		FROM entities e LEFT JOIN works w ON w.entity_id = e.id
		WHERE e.id IN (`+marks+`) AND e.head > 0`, append([]any{maxLinksCounted, maxLinksCounted}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: search facts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f search.Facts
		var kind, medium, start string
		if err := rows.Scan(&f.ID, &kind, &f.Name, &f.Segment, &medium, &start, &f.Original, &f.Links); err != nil {
			return nil, fmt.Errorf("store: search facts: %w", err)
		}
		f.Kind, f.Medium = wiki.Kind(kind), wiki.Medium(medium)
		if len(start) >= 4 {
			f.Year, _ = strconv.Atoi(start[:4])
		}
		out[f.ID] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search facts: %w", err)
	}
	if !topics {
		return out, nil
	}
	rows, err = c.query(ctx, `SELECT source_id, target_id FROM links WHERE source_id IN (`+marks+`)
		AND rel IN ('genre', 'theme')`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search facts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, topic int64
		if err := rows.Scan(&id, &topic); err != nil {
			return nil, fmt.Errorf("store: search facts: %w", err)
		}
		if f, ok := out[id]; ok {
			f.Topics = append(f.Topics, topic)
			out[id] = f
		}
	}
	return out, rows.Err()
}

// maxLinkedWorks bounds the works LinkedWorks gives for one search.
const maxLinkedWorks = 5000

// LinkedWorks gives the works that link to each of the given entities (search.Source).
func (c *conn) LinkedWorks(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	marks, args := inList(ids)
	args = append(args, maxLinkedWorks)
	// CROSS JOIN keeps SQLite from starting with every work and looking for its links.
	rows, err := c.query(ctx, `SELECT DISTINCT l.target_id, l.source_id FROM links l CROSS JOIN entities e
		WHERE e.id = l.source_id AND l.target_id IN (`+marks+`) AND e.kind = 'work' AND e.head > 0 LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: linked works: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var target, work int64
		if err := rows.Scan(&target, &work); err != nil {
			return nil, fmt.Errorf("store: linked works: %w", err)
		}
		out[target] = append(out[target], work)
	}
	return out, rows.Err()
}
