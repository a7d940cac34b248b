// Package lists is what readers keep for themselves beside the wiki: named lists of pages
// (ranked or not, public or private, liked by other readers), their tracking of the works they
// watch (a status, the episodes seen, a score from 1 to 10, partial start and finish dates), and
// the import of that tracking from a MyAnimeList export. It says what each of these may hold and
// who may change it; the store keeps them and the web pages only translate.
//
// None of it is an edit of the wiki: any signed-in account may keep lists and scores, whatever
// its edit role, and a banned account may change none of it.
package lists

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Bounds on what one account keeps, so that no request can cause unbounded work.
const (
	MaxLists       = 100   // lists per account
	MaxItems       = 1000  // pages per list
	MaxTracked     = 5000  // works tracked per account
	MaxNameLen     = 100   // characters of a list's name
	MaxDescription = 2000  // characters of a list's description
	MaxNote        = 500   // characters of an item's note
	MaxEpisodes    = 10000 // episodes seen of a work whose count is not known
	// TopLists is how many lists a work page shows under "Top Rated Lists".
	TopLists = 5
)

// Service keeps readers' lists and tracking in a store.
type Service struct {
	Store *store.Store
	// OnChange, when set, is called after each change is committed: the site keeps what readers
	// not signed in see of scores and lists for a few seconds, and retires it then.
	OnChange func()
}

// write runs fn in a transaction for actor, once the account is known not to be banned: read
// again under a lock, so that a ban given since the actor's session was read holds, and so that
// one account's changes (and the bounds checked for them) happen one after another.
func (s *Service) write(ctx context.Context, actor store.User, fn func(tx *store.Tx) error) error {
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockUser(ctx, actor.ID); err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, actor.ID)
		if err != nil {
			return err
		}
		if u.BannedAt != nil {
			return wiki.Refused("This account is banned: it cannot keep lists or scores.")
		}
		return fn(tx)
	})
	if err == nil && s.OnChange != nil {
		s.OnChange()
	}
	return err
}

// ListInput is what a reader gives a list.
type ListInput struct {
	Name        string
	Description string
	Ranked      bool
	Public      bool
}

func (in *ListInput) check() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	var problems []string
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		problems = append(problems, "a list needs a name")
	case n > MaxNameLen:
		problems = append(problems, fmt.Sprintf("a list's name may have at most %d characters, not %d", MaxNameLen, n))
	}
	if n := utf8.RuneCountInString(in.Description); n > MaxDescription {
		problems = append(problems, fmt.Sprintf("a list's description may have at most %d characters, not %d", MaxDescription, n))
	}
	if problems != nil {
		return &wiki.ValidationError{Problems: problems}
	}
	return nil
}

func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if n := utf8.RuneCountInString(note); n > MaxNote {
		return "", wiki.Invalid("a note may have at most %d characters, not %d", MaxNote, n)
	}
	return note, nil
}

// CreateList makes a list for actor and returns its id.
func (s *Service) CreateList(ctx context.Context, actor store.User, in ListInput) (int64, error) {
	if err := in.check(); err != nil {
		return 0, err
	}
	var id int64
	err := s.write(ctx, actor, func(tx *store.Tx) error {
		n, err := tx.CountReaderLists(ctx, actor.ID)
		if err != nil {
			return err
		}
		if n >= MaxLists {
			return wiki.Refused("You have %d lists, the most an account may keep. Delete one to make another.", n)
		}
		id, err = tx.CreateReaderList(ctx, store.ReaderList{UserID: actor.ID, Name: in.Name, Description: in.Description,
			Ranked: in.Ranked, Public: in.Public})
		return err
	})
	return id, err
}

// own reads list id for a change by actor: only its owner may change it, and to anyone else a
// private list does not exist.
func own(ctx context.Context, tx *store.Tx, actor store.User, id int64) (store.ReaderList, error) {
	l, err := tx.ReaderList(ctx, id)
	if err != nil {
		return l, err
	}
	if l.UserID != actor.ID {
		if !l.Public {
			return l, store.ErrNotFound
		}
		return l, wiki.Refused("Only %s can change this list.", l.Owner)
	}
	return l, nil
}

// UpdateList changes a list's name, description and flags.
func (s *Service) UpdateList(ctx context.Context, actor store.User, id int64, in ListInput) error {
	if err := in.check(); err != nil {
		return err
	}
	return s.write(ctx, actor, func(tx *store.Tx) error {
		l, err := own(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		l.Name, l.Description, l.Ranked, l.Public = in.Name, in.Description, in.Ranked, in.Public
		return tx.UpdateReaderList(ctx, l)
	})
}

// DeleteList removes a list, its items and its likes.
func (s *Service) DeleteList(ctx context.Context, actor store.User, id int64) error {
	return s.write(ctx, actor, func(tx *store.Tx) error {
		if _, err := own(ctx, tx, actor, id); err != nil {
			return err
		}
		return tx.DeleteReaderList(ctx, id)
	})
}

// List reads a list and its items for viewer (nil: a reader not signed in). A private list is
// its owner's alone: to anyone else there is no such list.
func (s *Service) List(ctx context.Context, viewer *store.User, id int64) (store.ReaderList, []store.ReaderListItem, error) {
	l, err := s.Store.ReaderList(ctx, id)
	if err != nil {
		return l, nil, err
	}
	if !l.Public && (viewer == nil || viewer.ID != l.UserID) {
		return store.ReaderList{}, nil, store.ErrNotFound
	}
	items, err := s.Store.ReaderListItems(ctx, id)
	return l, items, err
}

// ListsOf lists an account's lists as viewer may see them: all of them for the account itself,
// the public ones for anyone else.
func (s *Service) ListsOf(ctx context.Context, viewer *store.User, owner store.User) ([]store.ReaderList, error) {
	return s.Store.ReaderListsOf(ctx, owner.ID, viewer != nil && viewer.ID == owner.ID, MaxLists)
}

// listable resolves the entity a reader adds to a list: a page with an accepted revision, or
// the page a merged one redirects to.
func listable(ctx context.Context, tx *store.Tx, entityID int64) (store.Entity, error) {
	e, err := tx.Entity(ctx, entityID)
	if err != nil {
		return e, err
	}
	if e.MergedInto != 0 {
		return tx.Entity(ctx, e.MergedInto)
	}
	return e, nil
}

// AddItem puts a page at the end of one of actor's lists, with a note. A page already on the
// list keeps its place and gets the note.
func (s *Service) AddItem(ctx context.Context, actor store.User, listID, entityID int64, note string) error {
	note, err := checkNote(note)
	if err != nil {
		return err
	}
	return s.write(ctx, actor, func(tx *store.Tx) error {
		l, err := own(ctx, tx, actor, listID)
		if err != nil {
			return err
		}
		e, err := listable(ctx, tx, entityID)
		if err != nil {
			return err
		}
		holding, err := tx.ListsHolding(ctx, actor.ID, e.ID)
		if err != nil {
			return err
		}
		if holding[l.ID] {
			return tx.SetReaderListNote(ctx, l.ID, e.ID, note)
		}
		if l.Items >= MaxItems {
			return wiki.Refused("“%s” holds %d pages, the most a list may hold.", l.Name, l.Items)
		}
		return tx.AddReaderListItem(ctx, l.ID, e.ID, note)
	})
}

// SetNote changes the note of a page on one of actor's lists.
func (s *Service) SetNote(ctx context.Context, actor store.User, listID, entityID int64, note string) error {
	note, err := checkNote(note)
	if err != nil {
		return err
	}
	return s.write(ctx, actor, func(tx *store.Tx) error {
		if _, err := own(ctx, tx, actor, listID); err != nil {
			return err
		}
		return tx.SetReaderListNote(ctx, listID, entityID, note)
	})
}

// RemoveItem takes a page off one of actor's lists.
func (s *Service) RemoveItem(ctx context.Context, actor store.User, listID, entityID int64) error {
	return s.write(ctx, actor, func(tx *store.Tx) error {
		if _, err := own(ctx, tx, actor, listID); err != nil {
			return err
		}
		return tx.RemoveReaderListItem(ctx, listID, entityID)
	})
}

// MoveItem moves a page of one of actor's lists to position to (from 1; a position past the
// end is the end), the pages between shifting by one.
func (s *Service) MoveItem(ctx context.Context, actor store.User, listID, entityID int64, to int) error {
	return s.write(ctx, actor, func(tx *store.Tx) error {
		if _, err := own(ctx, tx, actor, listID); err != nil {
			return err
		}
		items, err := tx.ReaderListItems(ctx, listID)
		if err != nil {
			return err
		}
		before := make([]int64, len(items))
		from := -1
		for i, it := range items {
			before[i] = it.Entity.ID
			if it.Entity.ID == entityID {
				from = i
			}
		}
		if from < 0 {
			return store.ErrNotFound
		}
		after := Move(before, from, to-1)
		return tx.SetReaderListOrder(ctx, listID, before, after)
	})
}

// Move returns ids with the one at index from moved to index to (clamped to the list), the
// others keeping their order.
func Move(ids []int64, from, to int) []int64 {
	to = max(0, min(to, len(ids)-1))
	out := make([]int64, 0, len(ids))
	moved := ids[from]
	for i, id := range ids {
		if i != from {
			out = append(out, id)
		}
	}
	out = append(out[:to], append([]int64{moved}, out[to:]...)...)
	return out
}

// Like records actor's like of a list (like true) or takes it back. A reader likes a list once
// however often they ask, may not like their own, and cannot see, so cannot like, a private one.
func (s *Service) Like(ctx context.Context, actor store.User, listID int64, like bool) error {
	return s.write(ctx, actor, func(tx *store.Tx) error {
		l, err := tx.ReaderList(ctx, listID)
		if err != nil {
			return err
		}
		if !l.Public && l.UserID != actor.ID {
			return store.ErrNotFound
		}
		if l.UserID == actor.ID && like {
			return wiki.Refused("You cannot like your own list.")
		}
		return tx.SetReaderListLike(ctx, listID, actor.ID, like)
	})
}
