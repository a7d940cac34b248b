package edit

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Batch runs many changesets in one transaction, for importers: committing once for a thousand
// records instead of once each is what makes a whole data set load in a minute. A changeset of
// the batch that fails leaves nothing behind and the others stand; if fn fails, or the commit
// does, none of the batch is saved.
func (s *Service) Batch(ctx context.Context, fn func(b *Batch) error) error {
	return s.batch(ctx, false, fn)
}

// ErrBatchFailed is what FastBatch returns when a changeset of the batch failed.
var ErrBatchFailed = errors.New("a changeset of the batch failed")

// FastBatch is Batch without a savepoint around each changeset. A savepoint costs a copy of
// every database page the changeset changes, and a record of an import seldom fails: when one
// does, FastBatch rolls the whole batch back and returns an error matching ErrBatchFailed, and
// the caller runs the batch again with Batch, undoing first what fn did outside the
// transaction. A changeset that fails before it writes anything (one refused, or one that
// changes nothing) does not fail the batch; fn must write through Changes only.
func (s *Service) FastBatch(ctx context.Context, fn func(b *Batch) error) error {
	return s.batch(ctx, true, fn)
}

func (s *Service) batch(ctx context.Context, fast bool, fn func(b *Batch) error) error {
	accepted := false
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		b := &Batch{s: s, tx: tx, fast: fast, users: map[int64]store.User{}, kinds: map[int64]wiki.Kind{}}
		err := tx.WithLargeCache(ctx, 64, func() error { return fn(b) })
		if b.failed != nil {
			return b.failed // whatever fn made of it
		}
		if err != nil {
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
	// fast is set in a FastBatch, which failed when one of its changesets did.
	fast   bool
	failed error
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
	var changes *Changes
	apply := func() error {
		var err error
		res, err = b.s.apply(ctx, b.tx, b, author, summary, propose, func(c *Changes) error {
			changes = c
			return fn(c)
		})
		return err
	}
	var err error
	switch {
	case b.failed != nil:
		return Result{}, b.failed
	case b.fast:
		err = b.tx.WithoutSavepoint(ctx, apply)
		if err != nil && changes != nil && (changes.changeset != 0 || len(changes.created) > 0) {
			b.failed = fmt.Errorf("%w: %w", ErrBatchFailed, err)
			return Result{}, b.failed
		}
	default:
		err = b.tx.Savepoint(ctx, apply)
	}
	if err != nil {
		return Result{}, err
	}
	created := changes.created
	if res.Status == store.StatusAccepted {
		b.accepted = true
		maps.Copy(b.kinds, created)
	}
	return res, nil
}
