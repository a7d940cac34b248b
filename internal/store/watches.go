package store

import (
	"context"
	"fmt"
)

// Watch adds an entity to an account's watchlist; watching twice is watching once.
func (c *conn) Watch(ctx context.Context, userID, entityID int64) error {
	_, err := c.exec(ctx, `INSERT INTO watches (user_id, entity_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, entity_id) DO NOTHING`, userID, entityID, now())
	if err != nil {
		return fmt.Errorf("store: watch %d: %w", entityID, c.mapErr(err))
	}
	return nil
}

// Unwatch removes an entity from an account's watchlist.
func (c *conn) Unwatch(ctx context.Context, userID, entityID int64) error {
	_, err := c.exec(ctx, `DELETE FROM watches WHERE user_id = ? AND entity_id = ?`, userID, entityID)
	return err
}

// Watching tells whether an account watches an entity.
func (c *conn) Watching(ctx context.Context, userID, entityID int64) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM watches WHERE user_id = ? AND entity_id = ?`, userID, entityID).Scan(&n)
	return n > 0, c.mapErr(err)
}

// Watched lists the entities an account watches, by name. A page merged into another is left
// out: its watchers watch the kept page (see MoveWatches).
func (c *conn) Watched(ctx context.Context, userID int64) ([]Entity, error) {
	return c.entities(ctx, `SELECT `+prefixed("e", entityColumns)+` FROM watches w JOIN entities e ON e.id = w.entity_id
		WHERE w.user_id = ? AND e.head > 0 AND e.merged_into = 0 ORDER BY e.name_key, e.id`, userID)
}

// MoveWatches makes every account that watches entity from watch entity into as well, when a
// merge makes from a redirect to into. The watches of from stay, so that they hold again if the
// merge is reverted.
func (tx *Tx) MoveWatches(ctx context.Context, from, into int64) error {
	_, err := tx.exec(ctx, `INSERT INTO watches (user_id, entity_id, created_at)
		SELECT user_id, ?, ? FROM watches WHERE entity_id = ?
		ON CONFLICT (user_id, entity_id) DO NOTHING`, into, now(), from)
	if err != nil {
		return fmt.Errorf("store: move watches of %d: %w", from, err)
	}
	return nil
}

// FeedToken returns the secret that opens an account's watchlist feed to a feed reader, which
// has no session; the first call makes it.
func (c *conn) FeedToken(ctx context.Context, userID int64, fresh string) (string, error) {
	if _, err := c.exec(ctx, `UPDATE users SET feed_token = ? WHERE id = ? AND feed_token = ''`, fresh, userID); err != nil {
		return "", err
	}
	var token string
	err := c.queryRow(ctx, `SELECT feed_token FROM users WHERE id = ?`, userID).Scan(&token)
	return token, c.mapErr(err)
}

// UserByFeedToken finds the account whose watchlist feed a token opens.
func (c *conn) UserByFeedToken(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, ErrNotFound
	}
	u, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE feed_token = ? AND banned_at IS NULL`, token))
	if err != nil {
		return User{}, fmt.Errorf("store: feed token: %w", c.mapErr(err))
	}
	return u, nil
}

// Leaderboard lists the accounts with the most points, most first.
func (c *conn) Leaderboard(ctx context.Context, limit int) ([]User, error) {
	return c.users(ctx, `SELECT `+userColumns+` FROM users WHERE points > 0 AND banned_at IS NULL
		ORDER BY points DESC, accepted_edits DESC, name_key LIMIT ?`, limit)
}

// ReaderMarks tells, in one query, what a signed-in reader's view of an entity's page needs
// beyond the page itself: whether they watch it, and whether they have edits of it that wait for
// review or were rejected. The page asks for those edits only when there are some: most readers
// have none, and a page served to each of them must not pay for the lists.
func (c *conn) ReaderMarks(ctx context.Context, userID, entityID int64) (watching, edits bool, err error) {
	// A changeset touches its entities through proposals until it is accepted (see Changesets),
	// so a pending or rejected one is found among them.
	// EXISTS is a boolean in PostgreSQL and 0 or 1 in SQLite; both scan into a bool.
	err = c.queryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM watches WHERE user_id = ? AND entity_id = ?),
		EXISTS (SELECT 1 FROM proposals p JOIN changesets c ON c.id = p.changeset_id
			WHERE p.entity_id = ? AND c.author_id = ? AND c.status IN (?, ?))`,
		userID, entityID, entityID, userID, StatusPending, StatusRejected).Scan(&watching, &edits)
	return watching, edits, c.mapErr(err)
}
