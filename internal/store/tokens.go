package store

import (
	"context"
	"fmt"
	"time"
)

// APIToken is one of an account's personal API tokens, as the store keeps it: a hash of the
// token, never the token.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  string
	Scopes     string // comma-separated: "read" or "read,edit"
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// CreateAPIToken keeps a new token of an account and returns its id.
func (c *conn) CreateAPIToken(ctx context.Context, t APIToken) (int64, error) {
	var id int64
	err := c.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, t.UserID, t.Name, t.TokenHash, t.Scopes, now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: api token: %w", c.mapErr(err))
	}
	return id, nil
}

const tokenColumns = `id, user_id, name, token_hash, scopes, created_at, last_used_at`

func scanToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	err := row.Scan(tokenFields(&t)...)
	return t, err
}

func tokenFields(t *APIToken) []any {
	return []any{&t.ID, &t.UserID, &t.Name, &t.TokenHash, &t.Scopes, &t.CreatedAt, &t.LastUsedAt}
}

// APITokensOf lists an account's tokens, newest first.
func (c *conn) APITokensOf(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := c.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: api tokens of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CountAPITokens counts an account's tokens.
func (c *conn) CountAPITokens(ctx context.Context, userID int64) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE user_id = ?`, userID).Scan(&n)
	return n, c.mapErr(err)
}

// APITokenByHash finds a token by the hash of its secret, with its account, in one query: every
// API request with a token asks.
func (c *conn) APITokenByHash(ctx context.Context, hash string) (APIToken, User, error) {
	var t APIToken
	var u User
	err := c.queryRow(ctx, `SELECT `+prefixed("t", tokenColumns)+`, `+prefixed("u", userColumns)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hash).
		Scan(append(tokenFields(&t), userFields(&u)...)...)
	if err != nil {
		return APIToken{}, User{}, fmt.Errorf("store: api token: %w", c.mapErr(err))
	}
	return t, u, nil
}

// TouchAPIToken records that a token was used at t.
func (c *conn) TouchAPIToken(ctx context.Context, id int64, t time.Time) error {
	_, err := c.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, t.UTC().Truncate(time.Microsecond), id)
	return err
}

// DeleteAPIToken revokes one of an account's tokens; ErrNotFound when it has no such token.
func (c *conn) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	res, err := c.exec(ctx, `DELETE FROM api_tokens WHERE user_id = ? AND id = ?`, userID, id)
	if err != nil {
		return fmt.Errorf("store: revoke api token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: api token %d: %w", id, ErrNotFound)
	}
	return nil
}
