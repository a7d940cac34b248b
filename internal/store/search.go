package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"kioku/internal/search"
	"kioku/internal/wiki"
)

// ReplaceSearchTerms sets the search terms of one entity. fresh says it has none yet. The terms
// are written when the transaction commits.
func (tx *Tx) ReplaceSearchTerms(ctx context.Context, id int64, terms []search.Term, fresh bool) error {
	if !fresh {
		if err := tx.clearSearchTerms(ctx, id); err != nil {
			return err
		}
	}
	for _, t := range terms {
		tx.terms = append(tx.terms, termChange{entity: id, term: t})
	}
	return tx.flushTermsIfMany(ctx)
}

// idList is the condition that a column is one of ids ("IN (?, ?)" on SQLite, "= ANY(?)" with
// one array on PostgreSQL, whose statement is then the same however many ids there are, and
// prepared once) with its arguments.
func (c *conn) idList(ids []int64) (string, []any) {
	if c.engine == Postgres {
		return "= ANY(?)", []any{ids}
	}
	marks, args := inList(ids)
	return "IN (" + marks + ")", args
}

// SearchIndexState reports whether the wiki has pages, and whether it has search terms.
func (c *conn) SearchIndexState(ctx context.Context) (pages, terms bool, err error) {
	err = c.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM entities WHERE head > 0), EXISTS (SELECT 1 FROM search_terms)`).Scan(&pages, &terms)
	if err != nil {
		return false, false, fmt.Errorf("store: search index: %w", c.mapErr(err))
	}
	return pages, terms, nil
}

const termColumns = `t.entity_id, t.kind, t.field, t.key, t.text`

// SearchTerms lists the terms that match each lookup, in one statement (search.Source).
func (c *conn) SearchTerms(ctx context.Context, lookups ...search.Lookup) ([][]search.Term, error) {
	out := make([][]search.Term, len(lookups))
	var parts []string
	var args []any
	exec := false
	// On PostgreSQL, the first search starts the sample of trigram counts (see gramCounts).
	var counts map[string]int32
	if c.grams != nil {
		counts = c.grams.get(c)
	}
	for i, l := range lookups {
		q, a, err := c.lookupQuery(ctx, l, counts)
		if err != nil {
			return nil, err
		}
		if q == "" {
			continue
		}
		parts = append(parts, `SELECT `+strconv.Itoa(i)+` AS lookup, q`+strconv.Itoa(i)+`.* FROM (`+q+`) AS q`+strconv.Itoa(i))
		args = append(args, a...)
		exec = exec || l.Mode != search.Prefix
	}
	if len(parts) == 0 {
		return out, nil
	}
	if c.engine == Postgres && exec {
		// Planned with the keys each time: a plan made once for any pattern (which PostgreSQL
		// switches to after a few runs of a prepared statement) misjudges some (in a trial, a
		// few lookups took 70 ms instead of 5).
		args = append([]any{pgx.QueryExecModeExec}, args...)
	}
	rows, err := c.query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var t search.Term
		var kind string
		if err := rows.Scan(&i, &t.EntityID, &kind, &t.Field, &t.Key, &t.Text); err != nil {
			return nil, fmt.Errorf("store: search: %w", err)
		}
		t.Kind = wiki.Kind(kind)
		out[i] = append(out[i], t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	return out, nil
}

// lookupQuery is the statement of one lookup and its arguments; "" when it can find nothing.
// counts are PostgreSQL's sampled trigram counts, when there are any.
func (c *conn) lookupQuery(ctx context.Context, l search.Lookup, counts map[string]int32) (string, []any, error) {
	if l.Key == "" || l.Limit <= 0 {
		return "", nil, nil
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
	case l.Mode == search.Prefix:
		// The highest code point after the key bounds every key that starts with it, in the
		// order of code points: SQLite's, and PostgreSQL's "C" collation, which the index has.
		query = `SELECT ` + termColumns + ` FROM search_terms t WHERE t.key >= ? AND t.key < ?` + kinds + ` ORDER BY t.key LIMIT ?`
		if c.engine == Postgres {
			query = strings.ReplaceAll(query, "t.key", `t.key COLLATE "C"`)
		}
		args = append([]any{l.Key, l.Key + string(utf8.MaxRune)}, kindArgs...)
	case l.Mode == search.Contains && c.engine == SQLite:
		// A key that contains the query holds all its trigrams: four of them, from its start,
		// middle and end, find few keys besides, and the search checks each key it gets.
		// Intersecting every trigram's list, as a phrase query does, reads the long lists of
		// common trigrams too, and picking the rarest costs a lookup per trigram.
		grams := spread(trigrams(l.Key), 4)
		query = `SELECT ` + termColumns + ` FROM search_trigrams f JOIN search_terms t ON t.id = f.rowid
			WHERE search_trigrams MATCH ? AND instr(t.key, ?) > 0` + kinds + ` LIMIT ?`
		args = append([]any{`"` + strings.Join(grams, `" AND "`) + `"`, l.Key}, kindArgs...)
	case l.Mode == search.Contains:
		// pg_trgm looks up every trigram of a LIKE pattern; a few of the rarest blocks of the
		// key, in order, find few keys besides, and strpos checks those. A key of one block (a
		// short word of the query, mostly) is looked up whole: the block alone finds
		// thousands of keys ("hel" for "hello"), each read from the table to be checked, where
		// its two or three trigrams together find a few hundred (0.34 ms → 0.12 for "hello",
		// 0.56 → 0.15 for "saint"; for longer keys the blocks do as well).
		grams := blocks(l.Key)
		pattern := "%" + strings.Join(rarestInOrder(grams, 4, counts), "%") + "%"
		if len(grams) == 1 {
			pattern = "%" + l.Key + "%"
		}
		query = `SELECT ` + termColumns + ` FROM search_terms t WHERE t.key LIKE ? AND strpos(t.key, ?) > 0` + kinds + ` LIMIT ?`
		args = append([]any{pattern, l.Key}, kindArgs...)
	case l.Mode == search.Similar && c.engine == SQLite:
		// Cut into trigrams end to end, the query loses at most two of them to one edit (a
		// transposition across a cut), so a key within Typos edits of it holds at least two
		// of any 2·Typos+2 of them: the keys holding two of the rarest ones are the
		// candidates, few enough for the search to measure each one's distance to the query.
		grams, n := similarGrams(l.Key, l.Typos)
		grams, err := c.rarest(ctx, grams, n)
		if err != nil || len(grams) == 0 {
			return "", nil, err
		}
		match := `"` + strings.Join(grams, `" OR "`) + `"`
		if len(grams) >= 2 {
			var pairs []string
			for i := range grams {
				for j := i + 1; j < len(grams); j++ {
					pairs = append(pairs, `("`+grams[i]+`" AND "`+grams[j]+`")`)
				}
			}
			match = strings.Join(pairs, " OR ")
		}
		query = `SELECT ` + termColumns + ` FROM search_trigrams f JOIN search_terms t ON t.id = f.rowid
			WHERE search_trigrams MATCH ?` + kinds + ` LIMIT ?`
		args = append([]any{match}, kindArgs...)
	case l.Mode == search.Similar:
		// As on SQLite, keys holding two of the rarest blocks of the query, by the counts of a
		// sample of the keys (gramCounts), spread over it until the first sample is taken.
		grams, n := similarGrams(l.Key, l.Typos)
		if len(grams) > 0 && n > 2*l.Typos+2 {
			// Too short for blocks: pg_trgm's similarity of the whole keys finds a misspelt
			// short title in one scan of the index, where pairs of trigrams take dozens.
			query = `SELECT ` + termColumns + ` FROM search_terms t WHERE t.key % ?` + kinds + `
				ORDER BY similarity(t.key, ?) DESC LIMIT ?`
			return query, append(append([]any{l.Key}, kindArgs...), l.Key, l.Limit), nil
		}
		// Blocks that survive the typos keep their order, so each pair is one pattern, which
		// pg_trgm looks up by both its trigrams at once.
		grams = rarestInOrder(grams, n, counts)
		var or []string
		for i := range grams {
			for j := i + 1; j < len(grams); j++ {
				or = append(or, `t.key LIKE ?`)
				args = append(args, "%"+grams[i]+"%"+grams[j]+"%")
			}
		}
		if len(grams) == 1 {
			or = append(or, `t.key LIKE ?`)
			args = append(args, "%"+grams[0]+"%")
		}
		if len(or) == 0 {
			return "", nil, nil
		}
		query = `SELECT ` + termColumns + ` FROM search_terms t WHERE (` + strings.Join(or, " OR ") + `)` + kinds + ` LIMIT ?`
		args = append(args, kindArgs...)
	default:
		return "", nil, fmt.Errorf("store: unknown search mode %d", l.Mode)
	}
	return query, append(args, l.Limit), nil
}

// similarGrams gives the trigrams a misspelling of key within typos edits is looked for by,
// and how many of them to ask for, holding two: 2·typos+2 blocks. A key too short for that
// many blocks holds two of its overlapping trigrams if the typos spared them, as they mostly
// do (a typo in the middle of a short word spares none): 2·typos+3 of those are asked for, as
// asking for any one of them would find thousands of keys.
//
// It reports none when the lookup with one typo fewer asked for the same trigrams already.
func similarGrams(key string, typos int) ([]string, int) {
	if grams := blocks(key); len(grams) >= 2*typos+2 {
		// The rarest are picked among a dozen spread over the key: any of them will do, and
		// counting the keys of each costs a lookup.
		return spread(grams, 12), 2*typos + 2
	}
	grams := spread(trigrams(key), 12)
	if typos > 1 && len(blocks(key)) < 2*typos && len(grams) <= 2*typos+1 {
		return nil, 0 // all of them, as with one typo fewer
	}
	return grams, 2*typos + 3
}

// trigrams lists the distinct trigrams of key, overlapping.
func trigrams(key string) []string { return cut(key, 1) }

// blocks cuts key into trigrams end to end, leaving out the last one or two runes.
func blocks(key string) []string { return cut(key, 3) }

// cut lists the distinct trigrams of key that start every step runes, as slices of key (the
// sample of trigram counts cuts twenty thousand keys).
func cut(key string, step int) []string {
	starts := make([]int, 0, len(key)+1)
	for i := range key {
		starts = append(starts, i)
	}
	starts = append(starts, len(key))
	var grams []string
	for i := 0; i+3 < len(starts); i += step {
		if g := key[starts[i]:starts[i+3]]; !slices.Contains(grams, g) {
			grams = append(grams, g)
		}
	}
	return grams
}

// spread picks n of grams evenly from first to last, all of them when there are no more.
func spread(grams []string, n int) []string {
	if len(grams) <= n {
		return grams
	}
	out := make([]string, n)
	for i := range out {
		out[i] = grams[i*(len(grams)-1)/(n-1)]
	}
	return out
}

// rarest picks the n of grams that the fewest keys hold, all of them when there are no more.
func (c *conn) rarest(ctx context.Context, grams []string, n int) ([]string, error) {
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

// TermsOf lists the search terms of the given entities that contain one of the keys, every
// term when none is given (search.Source).
func (c *conn) TermsOf(ctx context.Context, ids []int64, containing ...string) ([]search.Term, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := c.idList(ids)
	query := `SELECT ` + termColumns + ` FROM search_terms t WHERE t.entity_id ` + in
	if len(containing) > 0 {
		find := "instr(t.key, ?) > 0"
		if c.engine == Postgres {
			find = "strpos(t.key, ?) > 0"
		}
		query += " AND (" + strings.TrimSuffix(strings.Repeat(find+" OR ", len(containing)), " OR ") + ")"
		for _, k := range containing {
			args = append(args, k)
		}
	}
	terms, err := c.terms(ctx, query, args...)
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
	in, args := c.idList(ids)
	// An episode's work is the one its episode_of link points to.
	rows, err := c.query(ctx, `SELECT e.id, e.kind, e.name, e.segment,
			COALESCE(w.medium, ''), COALESCE(w.start_date, ''), COALESCE(w.original_title, ''),
			COALESCE(pw.name, ''), COALESCE(pw.segment, ''), COALESCE(pw.id, 0),
			(SELECT COUNT(*) FROM (SELECT 1 FROM links l WHERE l.target_id = e.id LIMIT ?) a) +
			(SELECT COUNT(*) FROM (SELECT 1 FROM links l WHERE l.source_id = e.id LIMIT ?) b)
		FROM entities e LEFT JOIN works w ON w.entity_id = e.id
			LEFT JOIN links ep ON ep.source_id = e.id AND ep.rel = 'episode_of'
			LEFT JOIN entities pw ON pw.id = ep.target_id AND pw.head > 0
		WHERE e.id `+in+` AND e.head > 0`, append([]any{maxLinksCounted, maxLinksCounted}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: search facts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f search.Facts
		var kind, medium, start string
		if err := rows.Scan(&f.ID, &kind, &f.Name, &f.Segment, &medium, &start, &f.Original,
			&f.Work.Name, &f.Work.Segment, &f.Work.ID, &f.Links); err != nil {
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
	rows, err = c.query(ctx, `SELECT source_id, target_id FROM links WHERE source_id `+in+`
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
	in, args := c.idList(ids)
	args = append(args, maxLinkedWorks)
	// CROSS JOIN keeps SQLite from starting with every work and looking for its links.
	rows, err := c.query(ctx, `SELECT DISTINCT l.target_id, l.source_id FROM links l CROSS JOIN entities e
		WHERE e.id = l.source_id AND l.target_id `+in+` AND e.kind = 'work' AND e.head > 0 LIMIT ?`, args...)
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
