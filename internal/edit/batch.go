package edit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

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
	var b *Batch
	var feed int64
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		b = &Batch{s: s, tx: tx, fast: fast, users: map[int64]store.User{}}
		var err error
		if b.kinds, feed, err = s.kinds.take(ctx, tx); err != nil {
			return err
		}
		err = tx.WithLargeCache(ctx, 64, func() error {
			if !fast {
				return fn(b)
			}
			// A FastBatch's writes are made behind it: it builds the next pages while SQLite
			// writes the last. A write that fails fails the batch, as a changeset would.
			err := tx.WriteBehind(ctx, func() error { return fn(b) })
			if b.failed == nil && tx.WriteFailed() {
				b.failed = fmt.Errorf("%w: %w", ErrBatchFailed, err)
			}
			return err
		})
		if b.failed != nil {
			return b.failed // whatever fn made of it
		}
		if err != nil {
			return err
		}
		feed += int64(tx.Accepted())
		accepted = b.accepted
		if accepted {
			// One announcement for the whole batch: it may touch thousands of pages.
			return tx.Announce(ctx, nil)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.kinds.put(b.kinds, feed)
	if accepted && s.OnAccept != nil {
		s.OnAccept(nil)
	}
	return nil
}

// knownKinds carries the kinds a batch learnt (Batch.kinds) to the next batch, for as long as
// no other transaction accepts an edit: an entity keeps its kind, but another's edit might
// merge it into another page, which the next batch must see. An import that makes its people's
// pages in one batch and credits them in the next then need not read them again.
type knownKinds struct {
	mu    sync.Mutex
	kinds map[int64]wiki.Kind
	feed  int64 // the feed counter the batch that learnt them left behind
}

// maxKnownKinds bounds the kinds carried from batch to batch.
const maxKnownKinds = 1 << 20

// take hands the kinds to a batch of tx when no other transaction accepted an edit since they
// were learnt, else an empty map, with the feed counter as tx sees it.
func (k *knownKinds) take(ctx context.Context, tx *store.Tx) (map[int64]wiki.Kind, int64, error) {
	feed, err := tx.FeedCounter(ctx)
	if err != nil {
		return nil, 0, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	kinds := k.kinds
	k.kinds = nil
	if kinds == nil || k.feed != feed {
		kinds = map[int64]wiki.Kind{}
	}
	return kinds, feed, nil
}

// put keeps the kinds of a batch that committed leaving the feed counter at feed.
func (k *knownKinds) put(kinds map[int64]wiki.Kind, feed int64) {
	if len(kinds) > maxKnownKinds {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.kinds, k.feed = kinds, feed
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
		// A changeset that wrote fails the batch, and so does one that met the error of an
		// earlier changeset's write made behind it.
		if err != nil && (changes != nil && (changes.changeset != 0 || len(changes.created) > 0) || b.tx.WriteFailed()) {
			b.failed = fmt.Errorf("%w: %w", ErrBatchFailed, err)
			return Result{}, b.failed
		}
	default:
		err = b.tx.Savepoint(ctx, apply)
	}
	if err != nil {
		return Result{}, err
	}
	if res.Status == store.StatusAccepted {
		b.accepted = true
		maps.Copy(b.kinds, changes.created)
	}
	return res, nil
}
