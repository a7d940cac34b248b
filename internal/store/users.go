package store

import (
	"context"
	"fmt"
	"time"

	"kioku/internal/auth"
)

// User is an account.
type User struct {
	ID           int64
	Name         string
	PasswordHash string
	Role         string
	CreatedAt    time.Time
	// BannedAt is set while the account is banned: it can neither sign in nor edit.
	BannedAt  *time.Time
	BanReason string
	// AcceptedEdits counts the account's changesets that were accepted; Points sums the points
	// they earned.
	AcceptedEdits int
	Points        int
}

// UserKey is the form of a user name that must be unique (auth.NameKey): "Ann", "ann" and "Аnn"
// with a Cyrillic А are one account.
func UserKey(name string) string { return auth.NameKey(name) }

// CreateUser adds an account and returns its id; ErrExists if the name is taken.
func (c *conn) CreateUser(ctx context.Context, name, passwordHash, role string) (int64, error) {
	var id int64
	err := c.queryRow(ctx, `INSERT INTO users (name, name_key, password_hash, role, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, name, UserKey(name), passwordHash, role, now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create user %q: %w", name, c.mapErr(err))
	}
	return id, nil
}

const userColumns = `id, name, password_hash, role, created_at, banned_at, ban_reason, accepted_edits, points`

func userFields(u *User) []any {
	return []any{&u.ID, &u.Name, &u.PasswordHash, &u.Role, &u.CreatedAt, &u.BannedAt, &u.BanReason, &u.AcceptedEdits, &u.Points}
}

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(userFields(&u)...)
	return u, err
}

// UserByID reads an account.
func (c *conn) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return User{}, fmt.Errorf("store: user %d: %w", id, c.mapErr(err))
	}
	return u, nil
}

// UserByName finds an account by name, ignoring case.
func (c *conn) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name_key = ?`, UserKey(name)))
	if err != nil {
		return User{}, fmt.Errorf("store: user %q: %w", name, c.mapErr(err))
	}
	return u, nil
}

// SetPassword replaces an account's password hash.
func (c *conn) SetPassword(ctx context.Context, userID int64, passwordHash string) error {
	_, err := c.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, userID)
	return err
}

// Session is a signed-in browser.
type Session struct {
	User      User
	CSRFToken string
	ExpiresAt time.Time
}

// CreateSession records a session under the hash of its cookie token.
func (c *conn) CreateSession(ctx context.Context, tokenHash string, userID int64, csrfToken string, expires time.Time) error {
	return c.CreateSessionFrom(ctx, tokenHash, userID, csrfToken, expires, "", "")
}

// CreateSessionFrom records a session with the address and browser it was started from, which
// the account page shows so that a person can recognise their sessions.
func (c *conn) CreateSessionFrom(ctx context.Context, tokenHash string, userID int64, csrfToken string, expires time.Time, address, userAgent string) error {
	_, err := c.exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, address, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tokenHash, userID, csrfToken, now(), expires.UTC().Truncate(time.Microsecond), address, userAgent)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByToken finds the unexpired session with this token hash, with its user. A banned
// account has no sessions.
func (c *conn) SessionByToken(ctx context.Context, tokenHash string) (Session, error) {
	var s Session
	err := c.queryRow(ctx, `SELECT `+prefixed("u", userColumns)+`, s.csrf_token, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ? AND u.banned_at IS NULL`, tokenHash, now()).
		Scan(append(userFields(&s.User), &s.CSRFToken, &s.ExpiresAt)...)
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", c.mapErr(err))
	}
	return s, nil
}

// DeleteSession ends a session.
func (c *conn) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := c.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// Setting reads a named value kept by the store; ErrNotFound when it was never set.
func (c *conn) Setting(ctx context.Context, name string) (string, error) {
	var v string
	if err := c.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v); err != nil {
		return "", c.mapErr(err)
	}
	return v, nil
}

// SetSetting stores a named value.
func (c *conn) SetSetting(ctx context.Context, name, value string) error {
	_, err := c.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}
