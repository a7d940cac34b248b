package edit

import (
	"context"
	"maps"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Batch runs many changesets in one transaction, for importers: committing once for a thousand
// records instead of once each is what makes a whole data set load in a minute. A changeset of
// the batch that fails leaves nothing behind and the others stand; if fn fails, or the commit
// does, none of the batch is saved.
func (s *Service) Batch(ctx context.Context, fn func(b *Batch) error) error {
	accepted := false
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		b := &Batch{s: s, tx: tx, users: map[int64]store.User{}, kinds: map[int64]wiki.Kind{}}
		if err := tx.WithLargeCache(ctx, 64, func() error { return fn(b) }); err != nil {
			return err
		}
		accepted = b.accepted
		if accepted {
			// One announcement for the whole batch: it may touch thousands of pages.
			return tx.Announce(ctx, nil)
		}
		return nil
	})
	if err == nil && accepted && s.OnAccept != nil {
		s.OnAccept(nil)
	}
	return err
}

// Batch is a transaction holding several changesets.
type Batch struct {
	s        *Service
	tx       *store.Tx
	accepted bool
	// users holds the authors of the batch's changesets as read before their first one: only
	// the batch changes them, and a promotion makes it read the author again.
	users map[int64]store.User
	// kinds holds the kinds of the entities with pages the batch made or saw (Changes.known).
	kinds map[int64]wiki.Kind
}

// user reads an author, once per batch; b may be nil.
func (b *Batch) user(ctx context.Context, tx *store.Tx, id int64) (store.User, error) {
	if b == nil {
		return tx.UserByID(ctx, id)
	}
	if u, ok := b.users[id]; ok {
		return u, nil
	}
	u, err := tx.UserByID(ctx, id)
	if err == nil {
		b.users[id] = u
	}
	return u, err
}

// forget drops an author the batch changed; b may be nil.
func (b *Batch) forget(id int64) {
	if b != nil {
		delete(b.users, id)
	}
}

// Tx is the batch's transaction, for reads that must see what the batch wrote.
func (b *Batch) Tx() *store.Tx { return b.tx }

// Apply runs fn as one changeset of the batch, like Service.Apply. With propose set, the
// changeset waits for review whatever its author's role: an importer proposes the values that
// would overwrite a person's edit.
func (b *Batch) Apply(ctx context.Context, author int64, summary string, propose bool, fn func(c *Changes) error) (Result, error) {
	var res Result
	var created map[int64]wiki.Kind
	err := b.tx.Savepoint(ctx, func() error {
		var err error
		res, err = b.s.apply(ctx, b.tx, b, author, summary, propose, func(c *Changes) error {
			created = c.created
			return fn(c)
		})
		return err
	})
	if err != nil {
		return Result{}, err
	}
	if res.Status == store.StatusAccepted {
		b.accepted = true
		maps.Copy(b.kinds, created)
	}
	return res, nil
}
