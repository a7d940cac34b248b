package store

import (
	"context"
	"fmt"

	"kioku/internal/search"
)

// A transaction's new search terms are written when it commits, many rows per statement: an
// import gives tens of thousands of pages a few terms each, and a statement per page was a sixth
// of its time. SQLite's trigram index is brought up to date in the same step, from the terms
// written and a journal of the terms removed: FTS5 writes its pending changes to disk at every
// savepoint, and an import makes one per record.
//
// Nothing reads search terms inside a transaction; a transaction that did would not see its own.

// termsPerStatement is how many search terms one INSERT writes.
const termsPerStatement = 256

// flushTermsAt is how many search-term changes a transaction holds before writing them (between
// changesets of a batch), so that a reindex of a large wiki does not hold all of them.
var flushTermsAt = 20000

// termChange is an entry of the journal of search-term changes not yet written: a term added to
// an entity, or every term of an entity cleared (those added before it in the journal included;
// of every entity when entity is 0).
type termChange struct {
	entity int64
	term   search.Term
	clear  bool
}

// gramState is what SQLite's trigram index needs to know about a transaction's changes.
type gramState struct {
	// from is the highest search-term id when the transaction first changed search terms, -1
	// before: terms up to it are in the trigram index, terms after it were written by this
	// transaction and enter the index when it commits.
	from int64
	// removed journals terms deleted that are in the trigram index; a nil entry marks the index
	// emptied, which makes the entries before it moot.
	removed []*trigramRow
}

type trigramRow struct {
	id  int64
	key string
}

// beginTerms notes, on SQLite, which search terms are in the trigram index before the
// transaction's first change to them.
func (tx *Tx) beginTerms(ctx context.Context) error {
	if tx.engine != SQLite || tx.grams.from >= 0 {
		return nil
	}
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM search_terms`).Scan(&tx.grams.from); err != nil {
		return fmt.Errorf("store: search terms: %w", err)
	}
	return nil
}

// clearSearchTerms deletes the search terms of an entity, those written and those waiting in the
// journal; on SQLite, the trigram index's journal takes note of each term leaving it.
func (tx *Tx) clearSearchTerms(ctx context.Context, id int64) error {
	if err := tx.beginTerms(ctx); err != nil {
		return err
	}
	tx.terms = append(tx.terms, termChange{entity: id, clear: true})
	if tx.engine != SQLite {
		if _, err := tx.exec(ctx, `DELETE FROM search_terms WHERE entity_id = ?`, id); err != nil {
			return fmt.Errorf("store: clear search terms of %d: %w", id, err)
		}
		return nil
	}
	rows, err := tx.query(ctx, `DELETE FROM search_terms WHERE entity_id = ? RETURNING id, key`, id)
	if err != nil {
		return fmt.Errorf("store: clear search terms of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		r := &trigramRow{}
		if err := rows.Scan(&r.id, &r.key); err != nil {
			return fmt.Errorf("store: clear search terms of %d: %w", id, err)
		}
		if r.id <= tx.grams.from {
			tx.grams.removed = append(tx.grams.removed, r)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: clear search terms of %d: %w", id, err)
	}
	return nil
}

// flushTerms writes the search terms the journal adds, and empties it.
func (tx *Tx) flushTerms(ctx context.Context) error {
	if len(tx.terms) == 0 {
		return nil
	}
	if err := tx.beginTerms(ctx); err != nil {
		return err
	}
	cleared, all := map[int64]int{}, -1
	for i, c := range tx.terms {
		switch {
		case c.clear && c.entity == 0:
			all = i
		case c.clear:
			cleared[c.entity] = i
		}
	}
	var rows []termChange
	for i, c := range tx.terms {
		if last, ok := cleared[c.entity]; !c.clear && i > all && (!ok || i > last) {
			rows = append(rows, c)
		}
	}
	tx.terms = tx.terms[:0]
	err := tx.insertRows(ctx, `INSERT INTO search_terms (entity_id, kind, field, key, text) VALUES `, "(?, ?, ?, ?, ?)",
		len(rows), termsPerStatement, func(i int, args []any) []any {
			c := rows[i]
			return append(args, c.entity, string(c.term.Kind), int(c.term.Field), c.term.Key, c.term.Text)
		})
	if err != nil {
		return fmt.Errorf("store: search terms: %w", err)
	}
	return nil
}

// flushTermsIfMany writes the search terms waiting when there are many and no savepoint is open
// (a savepoint rolled back takes back its part of the journal, which must still be there).
func (tx *Tx) flushTermsIfMany(ctx context.Context) error {
	if tx.savepoints > 0 || len(tx.terms) < flushTermsAt {
		return nil
	}
	return tx.flushTerms(ctx)
}

// writeSearchTerms writes what the transaction changed in the search terms, and on SQLite in
// the trigram index, when it commits.
func (tx *Tx) writeSearchTerms(ctx context.Context) error {
	if err := tx.flushTerms(ctx); err != nil {
		return err
	}
	if tx.engine != SQLite || tx.grams.from < 0 {
		return nil
	}
	removed := tx.grams.removed
	for i := len(removed) - 1; i >= 0; i-- {
		if removed[i] == nil {
			removed = removed[i+1:]
			break
		}
	}
	err := tx.insertRows(ctx, `INSERT INTO search_trigrams (search_trigrams, rowid, key) VALUES `, "('delete', ?, ?)",
		len(removed), termsPerStatement, func(i int, args []any) []any { return append(args, removed[i].id, removed[i].key) })
	if err != nil {
		return fmt.Errorf("store: search index: %w", err)
	}
	// Terms are never changed, only deleted and added: what is new since the transaction
	// began is what it wrote and kept.
	if _, err := tx.exec(ctx, `INSERT INTO search_trigrams (rowid, key)
		SELECT id, key FROM search_terms WHERE id > ? ORDER BY id`, tx.grams.from); err != nil {
		return fmt.Errorf("store: search index: %w", err)
	}
	return nil
}
