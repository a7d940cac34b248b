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

// termKeys gives the id and key of each search term of an entity.
func (tx *Tx) termKeys(ctx context.Context, id int64) (map[int64]string, error) {
	rows, err := tx.query(ctx, `SELECT id, key FROM search_terms WHERE entity_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("store: search terms of %d: %w", id, err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var termID int64
		var key string
		if err := rows.Scan(&termID, &key); err != nil {
			return nil, fmt.Errorf("store: search terms of %d: %w", id, err)
		}
		out[termID] = key
	}
	return out, rows.Err()
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
