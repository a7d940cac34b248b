package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// SQLite's trigram index of the search terms is written once per transaction, from a journal the
// transaction keeps: FTS5 writes its pending changes to disk at every savepoint, and an import
// makes one per record.

// clearSearchTerms deletes the search terms of an entity; on SQLite, the journal takes note of
// each term leaving the trigram index.
func (tx *Tx) clearSearchTerms(ctx context.Context, id int64) error {
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
		c := trigramChange{op: trigramRemoved}
		if err := rows.Scan(&c.id, &c.key); err != nil {
			return fmt.Errorf("store: clear search terms of %d: %w", id, err)
		}
		tx.trigrams = append(tx.trigrams, c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: clear search terms of %d: %w", id, err)
	}
	return nil
}

// A trigramChange is a change to SQLite's trigram index that a change to the search terms calls
// for, journalled in the transaction (a savepoint rolled back drops its part of the journal).
type trigramChange struct {
	op  trigramOp
	id  int64
	key string
}

type trigramOp int

const (
	trigramAdded    trigramOp = iota // a term added: it enters the index
	trigramRemoved                   // a term removed: it leaves the index, unless added since the last commit
	trigramsCleared                  // the index was emptied: nothing before counts
)

// writeTrigrams makes the changes the transaction's journal calls for, in a statement or two:
// writing them one by one would have FTS5 write to disk at every savepoint.
func (tx *Tx) writeTrigrams(ctx context.Context) error {
	added, removed := map[int64]string{}, map[int64]string{}
	for _, c := range tx.trigrams {
		switch c.op {
		case trigramAdded:
			added[c.id] = c.key
		case trigramRemoved:
			if _, ok := added[c.id]; ok {
				delete(added, c.id)
			} else {
				removed[c.id] = c.key
			}
		case trigramsCleared:
			clear(added)
			clear(removed)
		}
	}
	tx.trigrams = nil
	for _, change := range []struct {
		rows       map[int64]string
		query, row string
	}{
		{removed, `INSERT INTO search_trigrams (search_trigrams, rowid, key) VALUES `, `('delete', ?, ?)`},
		{added, `INSERT INTO search_trigrams (rowid, key) VALUES `, `(?, ?)`},
	} {
		const perStatement = 300
		ids := keysOf(change.rows)
		for len(ids) > 0 {
			batch := ids[:min(len(ids), perStatement)]
			ids = ids[len(batch):]
			var q strings.Builder
			q.WriteString(change.query)
			args := make([]any, 0, 2*len(batch))
			for i, id := range batch {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString(change.row)
				args = append(args, id, change.rows[id])
			}
			if _, err := tx.exec(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("store: search index: %w", err)
			}
		}
	}
	return nil
}

func keysOf(m map[int64]string) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
