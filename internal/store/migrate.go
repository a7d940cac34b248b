package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every migration of the store's engine that has not run yet, in order, each in
// its own transaction, and records it in schema_migrations. It is safe to call on every start.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	dir := "migrations/" + string(s.engine)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		head, _, _ := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(head)
		if err != nil {
			return fmt.Errorf("store: migration %s has no number", e.Name())
		}
		body, err := migrations.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return err
		}
		err = s.Tx(ctx, func(tx *Tx) error {
			if s.engine == Postgres {
				// Instances starting together take turns; the loser finds the work done.
				if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(7316001)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.exec(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", e.Name(), err)
			}
			if step := goSteps[version]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("%s: %w", e.Name(), err)
				}
			}
			_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, version)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
	}
	return nil
}

// goSteps are the parts of migrations that SQL cannot do, run after the migration's SQL in its
// transaction.
var goSteps = map[int]func(context.Context, *Tx) error{
	6: rekeyUsers,
}

// rekeyUsers brings every account's name key to the form UserKey gives now. An account whose new
// key another account, older, has too keeps its old one: both can still sign in, and no new
// account can take either.
func rekeyUsers(ctx context.Context, tx *Tx) error {
	rows, err := tx.query(ctx, `SELECT id, name, name_key FROM users ORDER BY id`)
	if err != nil {
		return err
	}
	type user struct {
		id       int64
		name     string
		old, key string
	}
	var change []user
	taken := map[string]bool{}
	var all []user
	for rows.Next() {
		var u user
		if err := rows.Scan(&u.id, &u.name, &u.old); err != nil {
			rows.Close()
			return err
		}
		all = append(all, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range all {
		taken[u.old] = true
	}
	for _, u := range all {
		if u.key = UserKey(u.name); u.key != u.old && !taken[u.key] {
			taken[u.key] = true
			change = append(change, u)
		}
	}
	// Through a key no account has, so that no two accounts hold one key on the way.
	for _, step := range []func(u user) string{
		func(u user) string { return fmt.Sprintf("~rekey %d", u.id) },
		func(u user) string { return u.key },
	} {
		for _, u := range change {
			if _, err := tx.exec(ctx, `UPDATE users SET name_key = ? WHERE id = ?`, step(u), u.id); err != nil {
				return err
			}
		}
	}
	return nil
}
