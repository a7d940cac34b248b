package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Tracking is a reader's record of a work (internal/lists says what its fields may hold): a
// status, the episodes seen, a score (0: none), and partial start and finish dates.
type Tracking struct {
	UserID    int64
	WorkID    int64
	Status    string
	Episodes  int
	Score     int
	Started   string
	Finished  string
	UpdatedAt time.Time
}

// TrackedWork is a reader's tracking of a work, with the work.
type TrackedWork struct {
	Tracking
	Work Entity
	// Total is the work's number of episodes when known, else 0.
	Total int
}

const trackingColumns = `t.user_id, t.work_id, t.status, t.episodes, t.score, t.started, t.finished, t.updated_at`

func trackingFields(t *Tracking) []any {
	return []any{&t.UserID, &t.WorkID, &t.Status, &t.Episodes, &t.Score, &t.Started, &t.Finished, &t.UpdatedAt}
}

// Tracking reads an account's tracking of a work; ErrNotFound when it has none.
func (c *conn) Tracking(ctx context.Context, userID, workID int64) (Tracking, error) {
	var t Tracking
	err := c.queryRow(ctx, `SELECT `+trackingColumns+` FROM tracking t WHERE t.user_id = ? AND t.work_id = ?`, userID, workID).
		Scan(trackingFields(&t)...)
	if err != nil {
		return Tracking{}, fmt.Errorf("store: tracking of %d: %w", workID, c.mapErr(err))
	}
	return t, nil
}

// PutTracking writes an account's tracking of a work, t, replacing old, and keeps the work's
// score counts with it. old is what the account had, as read in this transaction (its zero
// value when it had none): callers read it anyway, to check a limit or skip an unchanged
// entry, so it is not read again here.
func (tx *Tx) PutTracking(ctx context.Context, old, t Tracking) error {
	_, err := tx.exec(ctx, `INSERT INTO tracking (user_id, work_id, status, episodes, score, started, finished, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, work_id) DO UPDATE SET status = excluded.status, episodes = excluded.episodes,
			score = excluded.score, started = excluded.started, finished = excluded.finished, updated_at = excluded.updated_at`,
		t.UserID, t.WorkID, t.Status, t.Episodes, t.Score, t.Started, t.Finished, now())
	if err != nil {
		return fmt.Errorf("store: track %d: %w", t.WorkID, err)
	}
	return tx.moveScore(ctx, t.WorkID, old.Score, t.Score)
}

// DeleteTracking removes an account's tracking of a work, if any.
func (tx *Tx) DeleteTracking(ctx context.Context, userID, workID int64) error {
	old, err := tx.Tracking(ctx, userID, workID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM tracking WHERE user_id = ? AND work_id = ?`, userID, workID); err != nil {
		return err
	}
	return tx.moveScore(ctx, workID, old.Score, 0)
}

// moveScore changes a work's score counts for one reader's score going from old to score (0
// is none).
func (tx *Tx) moveScore(ctx context.Context, workID int64, old, score int) error {
	if old == score {
		return nil
	}
	if old != 0 {
		if _, err := tx.exec(ctx, `UPDATE score_counts SET n = n - 1 WHERE work_id = ? AND score = ?`, workID, old); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM score_counts WHERE work_id = ? AND score = ? AND n <= 0`, workID, old); err != nil {
			return err
		}
	}
	if score != 0 {
		_, err := tx.exec(ctx, `INSERT INTO score_counts (work_id, score, n) VALUES (?, ?, 1)
			ON CONFLICT (work_id, score) DO UPDATE SET n = score_counts.n + 1`, workID, score)
		return err
	}
	return nil
}

// ScoreCounts returns how many readers gave a work each score: counts[s] for s from 1 to 10.
func (c *conn) ScoreCounts(ctx context.Context, workID int64) ([11]int, error) {
	var counts [11]int
	rows, err := c.query(ctx, `SELECT score, n FROM score_counts WHERE work_id = ?`, workID)
	if err != nil {
		return counts, err
	}
	defer rows.Close()
	for rows.Next() {
		var s, n int
		if err := rows.Scan(&s, &n); err != nil {
			return counts, err
		}
		if s >= 1 && s <= 10 {
			counts[s] = n
		}
	}
	return counts, rows.Err()
}

// CountTracking tells how many works an account tracks.
func (c *conn) CountTracking(ctx context.Context, userID int64) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM tracking WHERE user_id = ?`, userID).Scan(&n)
	return n, c.mapErr(err)
}

// TrackingByStatus counts an account's tracked works by status.
func (c *conn) TrackingByStatus(ctx context.Context, userID int64) (map[string]int, error) {
	rows, err := c.query(ctx, `SELECT status, COUNT(*) FROM tracking WHERE user_id = ? GROUP BY status`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// TrackedWorks lists an account's tracked works with one status (all when status is ""), by
// name, at most limit.
func (c *conn) TrackedWorks(ctx context.Context, userID int64, status string, limit int) ([]TrackedWork, error) {
	rows, err := c.query(ctx, `SELECT `+trackingColumns+`, `+prefixed("e", entityColumns)+`, COALESCE(w.episodes, 0)
		FROM tracking t JOIN entities e ON e.id = t.work_id LEFT JOIN works w ON w.entity_id = t.work_id
		WHERE t.user_id = ? AND (t.status = ? OR ? = '') AND e.head > 0
		ORDER BY e.name_key, e.id LIMIT ?`, userID, status, status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TrackedWork
	for rows.Next() {
		var tw TrackedWork
		var locked int
		e := &tw.Work
		dest := append(trackingFields(&tw.Tracking), &e.ID, &e.Kind, &e.Head, &e.Name, &e.Segment, &e.UpdatedAt, &locked, &e.MergedInto, &tw.Total)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		e.Locked = locked != 0
		out = append(out, tw)
	}
	return out, rows.Err()
}

// TrackingPrivate tells whether an account keeps its tracked works to itself.
func (c *conn) TrackingPrivate(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT tracking_private FROM users WHERE id = ?`, userID).Scan(&n)
	return n != 0, c.mapErr(err)
}

// SetTrackingPrivate shows an account's tracked works to others (false) or keeps them to it.
func (c *conn) SetTrackingPrivate(ctx context.Context, userID int64, private bool) error {
	_, err := c.exec(ctx, `UPDATE users SET tracking_private = ? WHERE id = ?`, flag(private), userID)
	return err
}

// MALWorks maps the MyAnimeList ids the wiki knows to their works (the kept page when the one
// carrying the id was merged), for only the ids asked for.
func (c *conn) MALWorks(ctx context.Context, ids []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(len(ids), start+500)]
		args := make([]any, 0, len(part)+1)
		args = append(args, "mal")
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := c.query(ctx, `SELECT x.value, CASE WHEN e.merged_into <> 0 THEN e.merged_into ELSE x.entity_id END
			FROM external_ids x JOIN entities e ON e.id = x.entity_id
			WHERE x.site = ? AND e.kind = 'work' AND e.head > 0 AND x.value IN (`+placeholders(len(part))+`) ORDER BY x.entity_id DESC`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: mal ids: %w", err)
		}
		for rows.Next() {
			var v string
			var id int64
			if err := rows.Scan(&v, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[v] = id // the oldest wins: rows come newest first
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// TrackingOf reads, in one query, what a work page's tracking form (and the lists package,
// checking a change of it) needs for one reader: their tracking of the work (Status "" when
// they have none) and the work's number of episodes (0 when not known).
func (c *conn) TrackingOf(ctx context.Context, userID, workID int64) (Tracking, int, error) {
	t := Tracking{UserID: userID, WorkID: workID}
	var total int
	err := c.queryRow(ctx, `SELECT COALESCE((SELECT episodes FROM works WHERE entity_id = ?), 0),
		COALESCE(t.status, ''), COALESCE(t.episodes, 0), COALESCE(t.score, 0), COALESCE(t.started, ''), COALESCE(t.finished, '')
		FROM (SELECT 1 AS one) x LEFT JOIN tracking t ON t.user_id = ? AND t.work_id = ?`, workID, userID, workID).
		Scan(&total, &t.Status, &t.Episodes, &t.Score, &t.Started, &t.Finished)
	return t, total, c.mapErr(err)
}
