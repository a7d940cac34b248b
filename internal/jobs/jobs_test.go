package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"kioku/internal/jobs"
	"kioku/internal/store"
	"kioku/internal/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func forEachEngine(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, engine))
		})
	}
}

func TestEachJobRunsOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var (
			mu   sync.Mutex
			runs = map[string]int{}
			wg   sync.WaitGroup
		)
		const workers, n = 4, 80
		for range workers {
			r := jobs.New(st, quiet, map[string]jobs.Func{"count": func(_ context.Context, payload string) error {
				mu.Lock()
				runs[payload]++
				mu.Unlock()
				return nil
			}})
			r.Poll = 5 * time.Millisecond
			wg.Go(func() { r.Run(ctx) })
		}
		var ids []int64
		for i := range n {
			id, err := st.EnqueueJob(ctx, "count", fmt.Sprint(i), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		for _, id := range ids {
			waitFor(t, st, id, store.JobDone)
		}
		cancel()
		wg.Wait()
		if len(runs) != n {
			t.Errorf("%d jobs ran, want %d", len(runs), n)
		}
		for payload, count := range runs {
			if count != 1 {
				t.Errorf("job %s ran %d times", payload, count)
			}
		}
	})
}

func TestLeaseAndRetry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		id, err := st.EnqueueJob(ctx, "thumbnail", "poster.jpg", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		first, err := st.ClaimJob(ctx, "one", time.Hour)
		if err != nil || first.ID != id {
			t.Fatalf("claim = %+v, %v; want job %d", first, err, id)
		}
		if _, err := st.ClaimJob(ctx, "two", time.Hour); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second claim within the lease = %v, want ErrNotFound", err)
		}
		// The first worker is presumed dead once its lease is over; another takes the job over,
		// and the first can no longer record an outcome for it.
		time.Sleep(2 * time.Millisecond)
		second, err := st.ClaimJob(ctx, "two", time.Millisecond)
		if err != nil || second.ID != id || second.Attempts != 2 {
			t.Fatalf("claim after the lease = %+v, %v; want job %d at attempt 2", second, err, id)
		}
		if err := st.FinishJob(ctx, id, "one", "", 0); !errors.Is(err, store.ErrConflict) {
			t.Errorf("finish by the worker that lost the job = %v, want ErrConflict", err)
		}
		if err := st.FinishJob(ctx, id, "two", "", 0); err != nil {
			t.Fatal(err)
		}
		if j, _ := st.Job(ctx, id); j.State != store.JobDone || j.ClaimedBy != "two" || j.FinishedAt == nil {
			t.Errorf("job after finishing = %+v", j)
		}
	})
}

func TestFailingJobIsRetriedThenFailed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var mu sync.Mutex
		tries := 0
		r := jobs.New(st, quiet, map[string]jobs.Func{"broken": func(context.Context, string) error {
			mu.Lock()
			tries++
			mu.Unlock()
			panic("the file is damaged")
		}})
		r.Poll, r.Attempts = 5*time.Millisecond, 2
		id, err := r.Enqueue(ctx, "broken", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Enqueue(ctx, "unheard-of", ""); err == nil {
			t.Error("a job of an unknown kind was queued")
		}
		// The retry waits a minute; bring it forward instead of waiting.
		go r.Run(ctx)
		waitFor(t, st, id, store.JobQueued, func(j store.Job) bool { return j.Attempts == 1 })
		if _, err := st.DB().ExecContext(ctx, fmt.Sprintf(`UPDATE jobs SET run_after = created_at WHERE id = %d`, id)); err != nil {
			t.Fatal(err)
		}
		r.Wake()
		j := waitFor(t, st, id, store.JobFailed)
		if j.Attempts != 2 || j.Error != "panic: the file is damaged" {
			t.Errorf("failed job = attempts %d, error %q", j.Attempts, j.Error)
		}
		mu.Lock()
		defer mu.Unlock()
		if tries != 2 {
			t.Errorf("the job was tried %d times, want 2", tries)
		}
	})
}

// waitFor waits until the job reaches state (and satisfies more, if given) and returns it.
func waitFor(t *testing.T, st *store.Store, id int64, state string, more ...func(store.Job) bool) store.Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := st.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == state && (len(more) == 0 || more[0](j)) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s after %d attempts, want %s", id, j.State, j.Attempts, state)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
