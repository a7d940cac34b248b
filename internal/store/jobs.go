package store

import (
	"context"
	"fmt"
	"time"
)

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is a piece of background work: rebuilding projections now, thumbnails and imports later.
type Job struct {
	ID         int64
	Kind       string
	Payload    string
	State      string
	Attempts   int
	ClaimedBy  string
	Error      string
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// EnqueueJob queues a job to run at or after runAfter and wakes the instances' workers.
func (c *conn) EnqueueJob(ctx context.Context, kind, payload string, runAfter time.Time) (int64, error) {
	var id int64
	err := c.queryRow(ctx, `INSERT INTO jobs (kind, payload, state, run_after, created_at) VALUES (?, ?, ?, ?, ?)
		RETURNING id`, kind, payload, JobQueued, runAfter.UTC().Truncate(time.Microsecond), now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: enqueue %s job: %w", kind, c.mapErr(err))
	}
	if c.engine == Postgres {
		// Inside a transaction this is delivered at commit, with the job.
		if err := c.notify(ctx, ChannelJobs, kind); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// ClaimJob gives the oldest job that is ready to the worker named worker, or ErrNotFound when
// there is none. A job whose worker has held it longer than lease (the worker died, or lost its
// connection) is ready again. Exactly one worker gets each claim: on PostgreSQL the candidate
// row is locked with FOR UPDATE SKIP LOCKED, so concurrent workers pass over it instead of
// waiting; on SQLite the statement runs under the database's single write lock.
func (c *conn) ClaimJob(ctx context.Context, worker string, lease time.Duration) (Job, error) {
	t := now()
	lock := ""
	if c.engine == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var j Job
	err := c.queryRow(ctx, `UPDATE jobs SET state = ?, attempts = attempts + 1, claimed_by = ?, claimed_at = ?
		WHERE id = (SELECT id FROM jobs WHERE (state = ? AND run_after <= ?) OR (state = ? AND claimed_at < ?)
			ORDER BY id LIMIT 1`+lock+`)
		RETURNING id, kind, payload, state, attempts, claimed_by, created_at`,
		JobRunning, worker, t, JobQueued, t, JobRunning, t.Add(-lease)).
		Scan(&j.ID, &j.Kind, &j.Payload, &j.State, &j.Attempts, &j.ClaimedBy, &j.CreatedAt)
	if err != nil {
		return Job{}, c.mapErr(err)
	}
	return j, nil
}

// FinishJob records the outcome of a claimed job: done when failure is empty; otherwise queued
// again after retryAfter, or failed for good when retryAfter is zero. It returns ErrConflict
// when the worker no longer holds the job (its lease ran out and another worker claimed it).
func (c *conn) FinishJob(ctx context.Context, id int64, worker, failure string, retryAfter time.Duration) error {
	t := now()
	state, runAfter, finished := JobDone, t, &t
	switch {
	case failure != "" && retryAfter > 0:
		state, runAfter, finished = JobQueued, t.Add(retryAfter), nil
	case failure != "":
		state = JobFailed
	}
	res, err := c.exec(ctx, `UPDATE jobs SET state = ?, error = ?, run_after = ?, finished_at = ?
		WHERE id = ? AND state = ? AND claimed_by = ?`, state, failure, runAfter, finished, id, JobRunning, worker)
	if err != nil {
		return fmt.Errorf("store: finish job %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("store: job %d is no longer held by %s: %w", id, worker, ErrConflict)
	}
	return nil
}

// Job reads one job.
func (c *conn) Job(ctx context.Context, id int64) (Job, error) {
	var j Job
	err := c.queryRow(ctx, `SELECT id, kind, payload, state, attempts, claimed_by, error, created_at, finished_at
		FROM jobs WHERE id = ?`, id).
		Scan(&j.ID, &j.Kind, &j.Payload, &j.State, &j.Attempts, &j.ClaimedBy, &j.Error, &j.CreatedAt, &j.FinishedAt)
	if err != nil {
		return Job{}, c.mapErr(err)
	}
	return j, nil
}
