package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ReaderList is a reader's named list of pages (internal/lists says what it may hold). Likes and
// Items are counts kept with the list's likes and items.
type ReaderList struct {
	ID          int64
	UserID      int64
	Owner       string // the owner's name, filled by reads
	Name        string
	Description string
	Ranked      bool
	Public      bool
	Likes       int
	Items       int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ReaderListItem is a page on a reader's list, at its position (from 1).
type ReaderListItem struct {
	Entity   Entity
	Position int
	Note     string
	AddedAt  time.Time
}

const readerListColumns = `l.id, l.user_id, u.name, l.name, l.description, l.ranked, l.public, l.likes, l.items, l.created_at, l.updated_at`

func scanReaderList(row interface{ Scan(...any) error }) (ReaderList, error) {
	var l ReaderList
	var ranked, public int
	err := row.Scan(&l.ID, &l.UserID, &l.Owner, &l.Name, &l.Description, &ranked, &public, &l.Likes, &l.Items, &l.CreatedAt, &l.UpdatedAt)
	l.Ranked, l.Public = ranked != 0, public != 0
	return l, err
}

func (c *conn) readerLists(ctx context.Context, query string, args ...any) ([]ReaderList, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReaderList
	for rows.Next() {
		l, err := scanReaderList(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateReaderList adds a list and returns its id.
func (c *conn) CreateReaderList(ctx context.Context, l ReaderList) (int64, error) {
	t := now()
	id, err := c.insertID(ctx, `INSERT INTO reader_lists (user_id, name, description, ranked, public, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, l.UserID, l.Name, l.Description, flag(l.Ranked), flag(l.Public), t, t)
	if err != nil {
		return 0, fmt.Errorf("store: create list: %w", err)
	}
	return id, nil
}

// UpdateReaderList changes a list's name, description and flags.
func (c *conn) UpdateReaderList(ctx context.Context, l ReaderList) error {
	_, err := c.exec(ctx, `UPDATE reader_lists SET name = ?, description = ?, ranked = ?, public = ?, updated_at = ? WHERE id = ?`,
		l.Name, l.Description, flag(l.Ranked), flag(l.Public), now(), l.ID)
	return err
}

// DeleteReaderList removes a list with its items and likes.
func (c *conn) DeleteReaderList(ctx context.Context, id int64) error {
	_, err := c.exec(ctx, `DELETE FROM reader_lists WHERE id = ?`, id)
	return err
}

// ReaderList reads one list; ErrNotFound when there is none.
func (c *conn) ReaderList(ctx context.Context, id int64) (ReaderList, error) {
	l, err := scanReaderList(c.queryRow(ctx, `SELECT `+readerListColumns+`
		FROM reader_lists l JOIN users u ON u.id = l.user_id WHERE l.id = ?`, id))
	if err != nil {
		return ReaderList{}, fmt.Errorf("store: list %d: %w", id, c.mapErr(err))
	}
	return l, nil
}

// ReaderListsOf lists an account's lists, newest first: all of them, or only the public ones.
func (c *conn) ReaderListsOf(ctx context.Context, userID int64, private bool, limit int) ([]ReaderList, error) {
	return c.readerLists(ctx, `SELECT `+readerListColumns+`
		FROM reader_lists l JOIN users u ON u.id = l.user_id
		WHERE l.user_id = ? AND (l.public = 1 OR ? = 1) ORDER BY l.id DESC LIMIT ?`, userID, flag(private), limit)
}

// CountReaderLists tells how many lists an account has.
func (c *conn) CountReaderLists(ctx context.Context, userID int64) (int, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM reader_lists WHERE user_id = ?`, userID).Scan(&n)
	return n, c.mapErr(err)
}

// TopListsWith lists the public lists that hold an entity, most liked first, with their owners.
// Lists of banned accounts are left out.
func (c *conn) TopListsWith(ctx context.Context, entityID int64, limit int) ([]ReaderList, error) {
	return c.readerLists(ctx, `SELECT `+readerListColumns+`
		FROM reader_list_items i JOIN reader_lists l ON l.id = i.list_id JOIN users u ON u.id = l.user_id
		WHERE i.entity_id = ? AND l.public = 1 AND u.banned_at IS NULL
		ORDER BY l.likes DESC, l.items DESC, l.id LIMIT ?`, entityID, limit)
}

// ListsHolding tells which of an account's lists hold an entity.
func (c *conn) ListsHolding(ctx context.Context, userID, entityID int64) (map[int64]bool, error) {
	rows, err := c.query(ctx, `SELECT l.id FROM reader_list_items i JOIN reader_lists l ON l.id = i.list_id
		WHERE l.user_id = ? AND i.entity_id = ?`, userID, entityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// ReaderListItems reads a list's pages in order.
func (c *conn) ReaderListItems(ctx context.Context, listID int64) ([]ReaderListItem, error) {
	rows, err := c.query(ctx, `SELECT `+prefixed("e", entityColumns)+`, i.position, i.note, i.added_at
		FROM reader_list_items i JOIN entities e ON e.id = i.entity_id
		WHERE i.list_id = ? ORDER BY i.position, e.id`, listID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReaderListItem
	for rows.Next() {
		var it ReaderListItem
		var locked int
		e := &it.Entity
		if err := rows.Scan(&e.ID, &e.Kind, &e.Head, &e.Name, &e.Segment, &e.UpdatedAt, &locked, &e.MergedInto,
			&it.Position, &it.Note, &it.AddedAt); err != nil {
			return nil, err
		}
		e.Locked = locked != 0
		out = append(out, it)
	}
	return out, rows.Err()
}

// AddReaderListItem puts an entity at the end of a list; ErrExists when it is on it already.
func (tx *Tx) AddReaderListItem(ctx context.Context, listID, entityID int64, note string) error {
	_, err := tx.exec(ctx, `INSERT INTO reader_list_items (list_id, entity_id, position, note, added_at)
		VALUES (?, ?, (SELECT items + 1 FROM reader_lists WHERE id = ?), ?, ?)`, listID, entityID, listID, note, now())
	if err != nil {
		return fmt.Errorf("store: add %d to list %d: %w", entityID, listID, err)
	}
	_, err = tx.exec(ctx, `UPDATE reader_lists SET items = items + 1, updated_at = ? WHERE id = ?`, now(), listID)
	return err
}

// RemoveReaderListItem takes an entity off a list, closing the gap it leaves.
func (tx *Tx) RemoveReaderListItem(ctx context.Context, listID, entityID int64) error {
	var pos int
	err := tx.queryRow(ctx, `DELETE FROM reader_list_items WHERE list_id = ? AND entity_id = ? RETURNING position`, listID, entityID).Scan(&pos)
	if err != nil {
		return fmt.Errorf("store: remove %d from list %d: %w", entityID, listID, tx.mapErr(err))
	}
	if _, err := tx.exec(ctx, `UPDATE reader_list_items SET position = position - 1 WHERE list_id = ? AND position > ?`, listID, pos); err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE reader_lists SET items = items - 1, updated_at = ? WHERE id = ?`, now(), listID)
	return err
}

// SetReaderListOrder gives a list's items the positions of the order given, which names every
// entity on the list once; only the items that move are written.
func (tx *Tx) SetReaderListOrder(ctx context.Context, listID int64, before, after []int64) error {
	for i, id := range after {
		if i < len(before) && before[i] == id {
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE reader_list_items SET position = ? WHERE list_id = ? AND entity_id = ?`, i+1, listID, id); err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, `UPDATE reader_lists SET updated_at = ? WHERE id = ?`, now(), listID)
	return err
}

// SetReaderListNote changes the note of an item; ErrNotFound when the entity is not on the list.
func (tx *Tx) SetReaderListNote(ctx context.Context, listID, entityID int64, note string) error {
	res, err := tx.exec(ctx, `UPDATE reader_list_items SET note = ? WHERE list_id = ? AND entity_id = ?`, note, listID, entityID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("store: item %d of list %d: %w", entityID, listID, ErrNotFound)
	}
	return nil
}

// SetReaderListLike records (like true) or withdraws an account's like of a list, keeping the
// list's count; liking twice is liking once.
func (tx *Tx) SetReaderListLike(ctx context.Context, listID, userID int64, like bool) error {
	var res interface{ RowsAffected() (int64, error) }
	var err error
	delta := -1
	if like {
		delta = 1
		res, err = tx.exec(ctx, `INSERT INTO reader_list_likes (list_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (list_id, user_id) DO NOTHING`, listID, userID, now())
	} else {
		res, err = tx.exec(ctx, `DELETE FROM reader_list_likes WHERE list_id = ? AND user_id = ?`, listID, userID)
	}
	if err != nil {
		return fmt.Errorf("store: like list %d: %w", listID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE reader_lists SET likes = likes + ? WHERE id = ?`, delta, listID)
	return err
}

// LikesList tells whether an account likes a list.
func (c *conn) LikesList(ctx context.Context, listID, userID int64) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM reader_list_likes WHERE list_id = ? AND user_id = ?`, listID, userID).Scan(&n)
	return n > 0, c.mapErr(err)
}

// LockUser holds, until the transaction ends, the account's row against other transactions
// that lock it, so that one account's changes to its lists and tracking (and the bounds checked
// on them) happen one after another. SQLite's transactions are one at a time anyway.
func (tx *Tx) LockUser(ctx context.Context, userID int64) error {
	if tx.engine != Postgres {
		return nil
	}
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM users WHERE id = ? FOR UPDATE`, userID).Scan(&id)
	return tx.mapErr(err)
}

// ListChoice is one of a reader's lists, offered on a page, and whether it holds the page.
type ListChoice struct {
	ID    int64
	Name  string
	Holds bool
}

// ListChoices lists an account's lists, newest first, each saying whether it holds an entity,
// in one query.
func (c *conn) ListChoices(ctx context.Context, userID, entityID int64, limit int) ([]ListChoice, error) {
	rows, err := c.query(ctx, `SELECT l.id, l.name,
		EXISTS (SELECT 1 FROM reader_list_items i WHERE i.list_id = l.id AND i.entity_id = ?)
		FROM reader_lists l WHERE l.user_id = ? ORDER BY l.id DESC LIMIT ?`, entityID, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ListChoice
	for rows.Next() {
		var l ListChoice
		if err := rows.Scan(&l.ID, &l.Name, &l.Holds); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// MoveReaderData makes readers' lists and tracking of entity from hold entity into instead,
// when a merge makes from a redirect to into: a list that holds both keeps into where it is and
// loses from; a reader who tracks both keeps their tracking of into. The two works' score counts
// are counted again from the tracking that is left. Unlike watches, these move rather than stay:
// a list holds a page once, and a reader scores a work once; if the merge is reverted they stay
// with the kept page, which is the same work.
func (tx *Tx) MoveReaderData(ctx context.Context, from, into int64) error {
	rows, err := tx.query(ctx, `SELECT list_id FROM reader_list_items WHERE entity_id = ?
		AND list_id IN (SELECT list_id FROM reader_list_items WHERE entity_id = ?)`, from, into)
	if err != nil {
		return fmt.Errorf("store: lists holding %d and %d: %w", from, into, err)
	}
	var both []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		both = append(both, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, list := range both {
		if err := tx.RemoveReaderListItem(ctx, list, from); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`UPDATE reader_list_items SET entity_id = ? WHERE entity_id = ?`,
		`DELETE FROM tracking WHERE work_id = ? AND user_id IN (SELECT user_id FROM tracking WHERE work_id = ?)`,
		`UPDATE tracking SET work_id = ? WHERE work_id = ?`,
		`DELETE FROM score_counts WHERE work_id IN (?, ?)`,
		`INSERT INTO score_counts (work_id, score, n) SELECT work_id, score, COUNT(*) FROM tracking
			WHERE work_id IN (?, ?) AND score > 0 GROUP BY work_id, score`,
	} {
		args := []any{into, from}
		if strings.HasPrefix(q, "DELETE FROM tracking") {
			args = []any{from, into}
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("store: move readers' data of %d to %d: %w", from, into, err)
		}
	}
	return nil
}
