// Package jobs runs background work, such as rebuilding projections, on whichever instance
// claims it first. Jobs live in the store, so a job queued on one instance is run by exactly one
// of them, and a job whose instance died is taken up again when its lease runs out.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"kioku/internal/auth"
	"kioku/internal/store"
)

// Func does one kind of job. Its payload is whatever the job was queued with.
type Func func(ctx context.Context, payload string) error

// Kinds of jobs Kioku queues.
const (
	// Reindex rebuilds every projection from the current documents.
	Reindex = "reindex"
)

// Runner claims and runs jobs. Build it with New; it is safe for concurrent use.
type Runner struct {
	store    *store.Store
	log      *slog.Logger
	name     string
	handlers map[string]Func
	wake     chan struct{}

	// Poll is how often the runner looks for jobs when nothing wakes it.
	Poll time.Duration
	// Lease is how long a job may run before another instance may take it over.
	Lease time.Duration
	// Attempts is how many times a failing job is tried before it is marked failed.
	Attempts int
}

// New builds a runner for the given kinds of job. Its name, unique to this process, is recorded
// with every job it claims.
func New(s *store.Store, log *slog.Logger, handlers map[string]Func) *Runner {
	host, _ := os.Hostname()
	return &Runner{store: s, log: log, handlers: handlers, wake: make(chan struct{}, 1),
		name: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), auth.NewToken()[:8]),
		Poll: 5 * time.Second, Lease: 15 * time.Minute, Attempts: 3}
}

// Handle adds a kind of job. Call it before Run.
func (r *Runner) Handle(kind string, fn Func) { r.handlers[kind] = fn }

// Name is the runner's worker name as recorded in claimed jobs.
func (r *Runner) Name() string { return r.name }

// Enqueue queues a job and wakes the runners of every instance.
func (r *Runner) Enqueue(ctx context.Context, kind, payload string) (int64, error) {
	if _, ok := r.handlers[kind]; !ok {
		return 0, fmt.Errorf("jobs: unknown kind %q", kind)
	}
	id, err := r.store.EnqueueJob(ctx, kind, payload, time.Now())
	if err == nil {
		r.Wake()
	}
	return id, err
}

// Wake makes the runner look for jobs now.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run claims and runs jobs until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	for {
		for ctx.Err() == nil && r.runOne(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-time.After(r.Poll):
		}
	}
}

// runOne claims one job and runs it. It reports whether there may be more to do.
func (r *Runner) runOne(ctx context.Context) bool {
	job, err := r.store.ClaimJob(ctx, r.name, r.Lease)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false
	case err != nil:
		if ctx.Err() == nil {
			r.log.Warn("claiming a job failed", "err", err)
		}
		return false
	}
	log := r.log.With("job", job.ID, "kind", job.Kind, "attempt", job.Attempts)
	failure := ""
	if err := r.run(ctx, job); err != nil {
		failure = err.Error()
		log.Error("job failed", "err", err)
	}
	retry := time.Duration(0)
	if failure != "" && job.Attempts < r.Attempts {
		retry = time.Duration(job.Attempts) * time.Minute
	}
	// The outcome is written even when ctx has just ended, so that a finished job is not run again.
	if err := r.store.FinishJob(context.WithoutCancel(ctx), job.ID, r.name, failure, retry); err != nil {
		log.Error("recording a job's outcome failed", "err", err)
	}
	return true
}

func (r *Runner) run(ctx context.Context, job store.Job) (err error) {
	h, ok := r.handlers[job.Kind]
	if !ok {
		return fmt.Errorf("no handler for jobs of kind %q", job.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, job.Payload)
}
