package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ListUsers lists accounts whose names start with prefix (any case), by name.
func (c *conn) ListUsers(ctx context.Context, prefix string, limit int) ([]User, error) {
	pattern := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(UserKey(prefix)) + "%"
	return c.users(ctx, `SELECT `+userColumns+` FROM users WHERE name_key LIKE ? ESCAPE '\' ORDER BY name_key LIMIT ?`,
		pattern, limit)
}

// users runs a query for user rows.
func (c *conn) users(ctx context.Context, query string, args ...any) ([]User, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetRole gives an account a role.
func (c *conn) SetRole(ctx context.Context, userID int64, role string) error {
	_, err := c.exec(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, userID)
	return err
}

// Ban bans an account with a reason and ends all its sessions.
func (tx *Tx) Ban(ctx context.Context, userID int64, reason string) error {
	if _, err := tx.exec(ctx, `UPDATE users SET banned_at = ?, ban_reason = ? WHERE id = ?`, now(), reason, userID); err != nil {
		return fmt.Errorf("store: ban %d: %w", userID, err)
	}
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return err
}

// Unban lifts an account's ban.
func (c *conn) Unban(ctx context.Context, userID int64) error {
	_, err := c.exec(ctx, `UPDATE users SET banned_at = NULL, ban_reason = '' WHERE id = ?`, userID)
	return err
}

// SessionInfo describes one of an account's sessions, for its owner to review and revoke. The
// token hash names it in forms; it is not the token the cookie carries.
type SessionInfo struct {
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	Address   string
	UserAgent string
}

// SessionsOf lists an account's unexpired sessions, newest first.
func (c *conn) SessionsOf(ctx context.Context, userID int64) ([]SessionInfo, error) {
	rows, err := c.query(ctx, `SELECT token_hash, created_at, expires_at, address, user_agent FROM sessions
		WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC`, userID, now())
	if err != nil {
		return nil, fmt.Errorf("store: sessions of %d: %w", userID, err)
	}
	defer rows.Close()
	var out []SessionInfo
	for rows.Next() {
		var s SessionInfo
		if err := rows.Scan(&s.TokenHash, &s.CreatedAt, &s.ExpiresAt, &s.Address, &s.UserAgent); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteSessionOf ends one session of an account; ErrNotFound when the account has no such
// session.
func (c *conn) DeleteSessionOf(ctx context.Context, userID int64, tokenHash string) error {
	res, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash = ?`, userID, tokenHash)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteOtherSessions ends every session of an account but the one named keep.
func (c *conn) DeleteOtherSessions(ctx context.Context, userID int64, keep string) error {
	_, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keep)
	return err
}

// RecordLoginFailure notes a failed sign-in for an account name and an address. Rows older than
// a day are cleared on the way, since no limit looks back that far.
func (c *conn) RecordLoginFailure(ctx context.Context, accountKey, address string) error {
	t := now()
	if _, err := c.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, t.Add(-24*time.Hour)); err != nil {
		return err
	}
	_, err := c.exec(ctx, `INSERT INTO login_failures (account_key, address, at) VALUES (?, ?, ?)`, accountKey, address, t)
	return err
}

// CountLoginFailures counts the failed sign-ins since a time for an account name and for an
// address.
func (c *conn) CountLoginFailures(ctx context.Context, accountKey, address string, since time.Time) (account, byAddress int, err error) {
	err = c.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE account_key = ? AND at > ?`, accountKey, since.UTC()).Scan(&account)
	if err != nil {
		return 0, 0, c.mapErr(err)
	}
	err = c.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE address = ? AND at > ?`, address, since.UTC()).Scan(&byAddress)
	return account, byAddress, c.mapErr(err)
}

// OldestLoginFailure is the time of the oldest failed sign-in since a time, for an account name
// (byAccount) or an address, for telling a person when they may try again.
func (c *conn) OldestLoginFailure(ctx context.Context, byAccount bool, key string, since time.Time) (time.Time, error) {
	column := "address"
	if byAccount {
		column = "account_key"
	}
	var t time.Time
	err := c.queryRow(ctx, `SELECT at FROM login_failures WHERE `+column+` = ? AND at > ? ORDER BY at LIMIT 1`, key, since.UTC()).Scan(&t)
	return t, c.mapErr(err)
}

// ClearLoginFailures forgets an account name's failed sign-ins, after a successful one.
func (c *conn) ClearLoginFailures(ctx context.Context, accountKey string) error {
	_, err := c.exec(ctx, `DELETE FROM login_failures WHERE account_key = ?`, accountKey)
	return err
}
