package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The change feed lists accepted revisions in the order their transactions committed, so that a
// reader that resumes after the last one it saw never misses one committed later.
//
// Neither changeset ids nor revision times give that order on PostgreSQL: ids and times are
// taken when a transaction starts writing, and a slower transaction that started first commits
// after a later one, whose changes a reader may already have passed. So every transaction that
// wrote accepted revisions numbers them just before it commits (numberRevisions), from one
// counter row that it updates and so holds locked until it commits: the next such transaction
// waits for that commit to take its numbers, and a number is visible only after every smaller one
// is (or was rolled back, which leaves a gap and nothing to miss). The counter is the last lock a
// transaction takes, so it cannot be part of a deadlock; it makes the commits of accepted edits
// take turns, which SQLite does anyway. A reader lists revisions with feed numbers above its
// cursor, and needs no settle time.

// revKey names a revision.
type revKey struct {
	entity int64
	number int
}

// feedChunk is how many revisions one statement numbers.
const feedChunk = 300

// nextFeed is the feed number of the next accepted revision a transaction on SQLite inserts. It
// holds the write lock from its start to its commit, so no other can take the same number.
func (tx *Tx) nextFeed(ctx context.Context) (int64, error) {
	if tx.feedNext == 0 {
		err := tx.queryRow(ctx, `SELECT COALESCE((SELECT n FROM feed_counter WHERE id = 1), 0) + 1`).Scan(&tx.feedNext)
		if err != nil {
			return 0, fmt.Errorf("store: feed counter: %w", tx.mapErr(err))
		}
	}
	n := tx.feedNext
	tx.feedNext++
	return n, nil
}

// FeedCounter is the feed number of the latest accepted revision committed, as the transaction
// sees it before it inserts any: with Accepted, a batch tells whether another transaction
// accepted an edit between it and the next (edit.Service's kinds).
func (tx *Tx) FeedCounter(ctx context.Context) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, `SELECT COALESCE((SELECT n FROM feed_counter WHERE id = 1), 0)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: feed counter: %w", tx.mapErr(err))
	}
	return n, nil
}

// Accepted counts the accepted revisions the transaction inserted.
func (tx *Tx) Accepted() int { return tx.accepted }

// numberRevisions gives the accepted revisions this transaction inserted their feed numbers.
func (tx *Tx) numberRevisions(ctx context.Context) error {
	if tx.feedNext != 0 {
		// SQLite: numbered as they were inserted; the counter keeps the last number taken.
		if _, err := tx.exec(ctx, `INSERT INTO feed_counter (id, n) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET n = excluded.n`, tx.feedNext-1); err != nil {
			return fmt.Errorf("store: feed counter: %w", tx.mapErr(err))
		}
		tx.feedNext = 0
	}
	if len(tx.fed) == 0 {
		return nil
	}
	k := int64(len(tx.fed))
	var last int64
	err := tx.queryRow(ctx, `INSERT INTO feed_counter (id, n) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET n = feed_counter.n + ? RETURNING n`, k, k).Scan(&last)
	if err != nil {
		return fmt.Errorf("store: feed counter: %w", tx.mapErr(err))
	}
	next := last - k + 1
	for start := 0; start < len(tx.fed); start += feedChunk {
		chunk := tx.fed[start:min(len(tx.fed), start+feedChunk)]
		var q strings.Builder
		q.WriteString(`WITH v(e, n, f) AS (VALUES `)
		args := make([]any, 0, 3*len(chunk))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(`(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS BIGINT))`)
			args = append(args, r.entity, r.number, next)
			next++
		}
		q.WriteString(`) UPDATE revisions SET feed = v.f FROM v WHERE revisions.entity_id = v.e AND revisions.number = v.n`)
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("store: number revisions: %w", err)
		}
	}
	tx.fed = nil
	return nil
}

// Change is one accepted revision as the change feed lists it.
type Change struct {
	// Feed is the revision's place in the feed: a reader resumes after the last it saw.
	Feed        int64
	ChangesetID int64
	// Entity is the entity as it is now (its name, its page's address).
	Entity    Entity
	Number    int
	CreatedAt time.Time
	Author    string
	Summary   string
}

// ChangesAfter lists up to limit accepted revisions whose feed numbers follow after, in order.
func (c *conn) ChangesAfter(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := c.query(ctx, `SELECT r.feed, r.changeset_id, e.id, e.kind, e.name, e.segment, r.number, r.created_at, u.name, r.summary
		FROM revisions r JOIN entities e ON e.id = r.entity_id JOIN users u ON u.id = r.author_id
		WHERE r.feed > ? ORDER BY r.feed LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var ch Change
		if err := rows.Scan(&ch.Feed, &ch.ChangesetID, &ch.Entity.ID, &ch.Entity.Kind, &ch.Entity.Name, &ch.Entity.Segment, &ch.Number, &ch.CreatedAt,
			&ch.Author, &ch.Summary); err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}
