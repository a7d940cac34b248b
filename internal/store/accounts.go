package store

import (
	"context"
	"errors"
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

// AttemptLimit bounds the attempts of one kind (a sign-in, a sign-up) that may be made in a
// window of time: per account name and per address; 0 is no bound.
type AttemptLimit struct {
	Kind       string
	Window     time.Duration
	PerAccount int
	PerAddress int
}

// ErrLimited is returned by ReserveAttempt when an attempt would pass its limit.
var ErrLimited = errors.New("store: too many attempts")

// LimitedError says which limit an attempt reached, and when the oldest attempt it counted
// leaves the window.
type LimitedError struct {
	ByAccount bool
	Until     time.Time
}

func (e *LimitedError) Error() string { return ErrLimited.Error() }
func (e *LimitedError) Unwrap() error { return ErrLimited }

// ReserveAttempt counts an attempt before it is made, and returns the reservation's id: a failed
// attempt keeps it, a successful one or one not made after all gives it back (ForgetAttempt). An
// attempt that would pass a limit is not counted and gets a *LimitedError. Attempts are counted
// one at a time, on every instance, so that no number of concurrent attempts passes a limit.
func (s *Store) ReserveAttempt(ctx context.Context, lim AttemptLimit, accountKey, address string) (int64, error) {
	var id int64
	err := s.Tx(ctx, func(tx *Tx) error {
		t := now()
		since := t.Add(-lim.Window)
		if tx.engine == Postgres {
			// One transaction at a time per account name and per address, in the same order
			// everywhere.
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(h) FROM
				(SELECT DISTINCT hashtext(k) AS h FROM unnest(ARRAY[?, ?]::text[]) AS k ORDER BY h) AS keys`,
				"attempt account "+lim.Kind+" "+accountKey, "attempt address "+lim.Kind+" "+address); err != nil {
				return err
			}
		}
		for _, by := range []struct {
			account bool
			column  string
			key     string
			limit   int
		}{{true, "account_key", accountKey, lim.PerAccount}, {false, "address", address, lim.PerAddress}} {
			if by.limit <= 0 {
				continue
			}
			var n int
			where := ` FROM login_failures WHERE kind = ? AND ` + by.column + ` = ? AND at > ?`
			if err := tx.queryRow(ctx, `SELECT COUNT(*)`+where, lim.Kind, by.key, since).Scan(&n); err != nil {
				return err
			}
			if n >= by.limit {
				var oldest time.Time
				if err := tx.queryRow(ctx, `SELECT at`+where+` ORDER BY at LIMIT 1`, lim.Kind, by.key, since).Scan(&oldest); err != nil {
					return err
				}
				return &LimitedError{ByAccount: by.account, Until: oldest.Add(lim.Window)}
			}
		}
		// Rows older than a day are cleared on the way, since no limit looks back that far.
		if _, err := tx.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, t.Add(-24*time.Hour)); err != nil {
			return err
		}
		var err error
		id, err = tx.insertID(ctx, `INSERT INTO login_failures (kind, account_key, address, at) VALUES (?, ?, ?, ?)`,
			lim.Kind, accountKey, address, t)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: reserve an attempt: %w", err)
	}
	return id, nil
}

// ForgetAttempt gives back a reservation of ReserveAttempt.
func (c *conn) ForgetAttempt(ctx context.Context, id int64) error {
	_, err := c.exec(ctx, `DELETE FROM login_failures WHERE id = ?`, id)
	return err
}

// ClearLoginFailures forgets an account name's failed sign-ins, after a successful one.
func (c *conn) ClearLoginFailures(ctx context.Context, accountKey string) error {
	_, err := c.exec(ctx, `DELETE FROM login_failures WHERE kind = 'sign-in' AND account_key = ?`, accountKey)
	return err
}
