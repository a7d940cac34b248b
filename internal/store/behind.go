package store

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
)

// writeBehind runs a transaction's writes on a goroutine of their own, in the order they were
// made, while the caller goes on: an import spends as long building its pages in Go as SQLite
// spends writing them, and on two cores the two can overlap. A read, or a write whose result is
// needed, first waits for every write before it (wait), so the transaction still sees its own
// writes. A write that fails fails the transaction: every later call returns its error.
//
// New entities and changesets take their ids from counters kept here instead of from SQLite,
// which would make each a wait: SQLite's writer holds the database's write lock for the whole
// transaction, so no one else takes an id meanwhile, and the counters start from the largest
// ids there, as SQLite's own choice would.
type writeBehind struct {
	ops chan laterWrite
	// err is the first failed write's error, set by the writer goroutine; the caller reads it
	// after a wait. failed says, without waiting, that it is set.
	err    error
	failed atomic.Bool
	// stopped is closed when the writer goroutine has returned.
	stopped chan struct{}
	// next holds the next id of each table the counters give ids for, once read.
	next map[string]int64
}

// laterWrite is a statement to run, or with done set a marker that the writer closes done at.
type laterWrite struct {
	ctx   context.Context
	query string
	args  []any
	done  chan struct{}
}

// writeBehindQueue is how many writes may wait for the writer goroutine: enough for the caller
// to run a few records ahead.
const writeBehindQueue = 4096

// WriteBehind runs fn with the transaction's writes made behind it, on a goroutine of their own
// (writeBehind), and returns when they are all made: fn's error, or else the first failed
// write's, which WriteFailed then reports too. On PostgreSQL, where a statement is a round trip
// that a second goroutine could not share, fn simply runs.
func (tx *Tx) WriteBehind(ctx context.Context, fn func() error) error {
	if tx.engine != SQLite || tx.later != nil {
		return fn()
	}
	w := &writeBehind{ops: make(chan laterWrite, writeBehindQueue), stopped: make(chan struct{}), next: map[string]int64{}}
	tx.later = w
	go func() {
		defer close(w.stopped)
		for op := range w.ops {
			switch {
			case op.done != nil:
				close(op.done)
			case w.err == nil:
				if _, err := tx.execNow(op.ctx, op.query, op.args...); err != nil {
					w.err = fmt.Errorf("an earlier write of the transaction failed: %w", err)
					w.failed.Store(true)
				}
			}
		}
	}()
	defer func() {
		close(w.ops)
		<-w.stopped
		tx.later = nil
		tx.behindErr = w.err
	}()
	if err := fn(); err != nil {
		return err
	}
	return tx.wait()
}

// WriteFailed reports whether a write made behind (WriteBehind) failed: the transaction cannot
// commit, whatever the call that saw it.
func (tx *Tx) WriteFailed() bool { return tx.behindErr != nil || (tx.later != nil && tx.wait() != nil) }

// wait returns when every write made behind so far is made, with the error of the first that
// failed; at once when none is made behind.
func (c *conn) wait() error {
	w := c.later
	if w == nil {
		return nil
	}
	done := make(chan struct{})
	w.ops <- laterWrite{done: done}
	<-done
	return w.err
}

// write runs a statement whose result is not needed: behind the caller when the transaction
// writes behind, else at once. The arguments are copied; the caller may reuse the slice.
func (c *conn) write(ctx context.Context, query string, args ...any) error {
	w := c.later
	if w == nil {
		_, err := c.exec(ctx, query, args...)
		return err
	}
	if w.failed.Load() {
		return c.wait() // the writer has stopped writing: no use queueing more
	}
	w.ops <- laterWrite{ctx: ctx, query: query, args: append([]any(nil), args...)}
	return nil
}

// insertNew inserts a row of the given columns into table (entities or changesets) and returns
// its id: while the transaction writes behind, one its counter gives, without waiting; otherwise
// the one the database picks.
func (c *conn) insertNew(ctx context.Context, table, columns string, args ...any) (int64, error) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	w := c.later
	if w == nil {
		return c.insertID(ctx, `INSERT INTO `+table+` (`+columns+`) VALUES (`+marks+`)`, args...)
	}
	id, ok := w.next[table]
	if !ok {
		if err := c.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&id); err != nil {
			return 0, fmt.Errorf("store: next id of %s: %w", table, c.mapErr(err))
		}
	}
	w.next[table] = id + 1
	return id, c.write(ctx, `INSERT INTO `+table+` (id, `+columns+`) VALUES (?, `+marks+`)`, append([]any{id}, args...)...)
}
