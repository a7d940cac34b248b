package store

import (
	"context"
	"fmt"
	"time"
)

// AddHits counts n requests under key in the fixed window of the given length that holds at,
// and returns how many the window holds now, these included. Every instance counts in the same
// row (an atomic upsert), so a limit holds across instances. Windows that ended before the
// previous one are deleted now and then (when a key's count starts a window), which bounds the
// table by the keys active in two windows.
func (s *Store) AddHits(ctx context.Context, key string, window time.Duration, at time.Time, n int) (int, error) {
	start := at.Truncate(window).Unix()
	var hits int
	err := s.Tx(ctx, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO api_limits (key, window_start, hits) VALUES (?, ?, ?)
			ON CONFLICT (key, window_start) DO UPDATE SET hits = api_limits.hits + excluded.hits RETURNING hits`, key, start, n).Scan(&hits)
		if err != nil {
			return err
		}
		if hits == n {
			_, err = tx.exec(ctx, `DELETE FROM api_limits WHERE window_start < ?`, start-int64(window/time.Second))
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: count hits: %w", s.mapErr(err))
	}
	return hits, nil
}
