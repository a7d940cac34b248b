package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/jobs"
	"kioku/internal/store"
	"kioku/internal/storetest"
)

// twoInstances starts two instances, each with its own connection pool, over one fresh
// PostgreSQL database, as two servers behind a load balancer would run.
func twoInstances(t *testing.T) (a, b *site) {
	t.Helper()
	storetest.RequirePostgres(t) // several instances need PostgreSQL
	dsn := storetest.DSN(t, store.Postgres)
	return startSite(t, openStore(t, dsn)), startSite(t, openStore(t, dsn))
}

// at returns a client that sends the same cookies to another instance, as a load balancer
// would route the same browser.
func (c *client) at(s *site) *client {
	other := *c
	other.base = s.URL
	return &other
}

func TestInstancesShareSessionsAndPages(t *testing.T) {
	a, b := twoInstances(t)

	// Signed in on a; the same session works on b.
	editor := a.signedIn(t, "aiko")
	onB := editor.at(b)
	id, path := newWork(t, onB, "Memories", url.Values{"medium": {"film"}})

	reader := b.anonymous(t)
	first := reader.get(path)
	first.Body.Close()
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("first read on b: status %d, ETag %q", first.StatusCode, etag)
	}
	if again := reader.get(path); again.Header.Get("ETag") != etag {
		t.Fatalf("b did not serve its cached page again: ETag %q, then %q", etag, again.Header.Get("ETag"))
	} else {
		again.Body.Close()
	}

	// An edit accepted on a retires b's cached page.
	editor.section(a, id, "basics", url.Values{"name": {"Memories"}, "medium": {"film"},
		"deck": {"Three tales of memory"}, "edit_summary": {"deck"}})
	eventually(t, "b shows the edit accepted on a", func() bool {
		return text(reader.page(path, http.StatusOK).Find("p.deck")) == "Three tales of memory"
	})

	// Signing out on b ends the session on a too.
	if res, body := onB.post("/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on b: status %d\n%s", res.StatusCode, body)
	}
	if res, _ := editor.post(path+"/edit/basics", url.Values{"name": {"X"}, "medium": {"film"}, "edit_summary": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("edit on a after signing out on b: status %d, want 403", res.StatusCode)
	}
}

func TestInstancesRunEachJobOnce(t *testing.T) {
	a, b := twoInstances(t)
	var (
		mu   sync.Mutex
		runs = map[string][]string{} // payload -> instances that ran it
	)
	probe := func(name string) jobs.Func {
		return func(ctx context.Context, payload string) error {
			time.Sleep(5 * time.Millisecond) // long enough for the other instance to try the same job
			mu.Lock()
			runs[payload] = append(runs[payload], name)
			mu.Unlock()
			return nil
		}
	}
	// Handlers are added before the runners look for work of this kind; a job of an unknown
	// kind would fail rather than wait, so register first and enqueue after.
	a.Instance.Jobs.Handle("probe", probe("a"))
	b.Instance.Jobs.Handle("probe", probe("b"))

	ctx := context.Background()
	const n = 60
	ids := make([]int64, n)
	for i := range n {
		id, err := a.Store.EnqueueJob(ctx, "probe", "job-"+string(rune('A'+i%26))+string(rune('a'+i/26)), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	waitForJobs(t, a.Store, ids...)

	perInstance := map[string]int{}
	for payload, who := range runs {
		if len(who) != 1 {
			t.Errorf("job %s ran %d times (%v), want once", payload, len(who), who)
		}
		perInstance[who[0]]++
	}
	if len(runs) != n {
		t.Errorf("%d distinct jobs ran, want %d", len(runs), n)
	}
	t.Logf("jobs run per instance: %v", perInstance)
	if perInstance["a"] == 0 || perInstance["b"] == 0 {
		t.Errorf("one instance ran every job (%v): the instances did not compete for them", perInstance)
	}
	for _, id := range ids {
		j, err := a.Store.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Attempts != 1 {
			t.Errorf("job %d was claimed %d times, want 1", id, j.Attempts)
		}
	}

	// Rebuilding the projections is such a job: queued on b, it rebuilds what every instance shows.
	editor := a.signedIn(t, "ren")
	id, _ := newWork(t, editor, "Memories", url.Values{"medium": {"film"}})
	editor.section(a, id, "credits", url.Values{"person": {"Katsuhiro Otomo"}, "role": {"Director"}, "edit_summary": {"director"}})
	doc := a.anonymous(t).page("/search?q=Katsuhiro", http.StatusOK)
	person, ok := doc.Find(`a[href^="/person/"]`).First().Attr("href")
	if !ok {
		t.Fatalf("no person in the search results:\n%s", text(doc.Find("main")))
	}
	credits := func() int { return a.anonymous(t).page(person, http.StatusOK).Find("#credits li.credit").Length() }
	if err := a.Store.Tx(ctx, func(tx *store.Tx) error { return tx.ClearLinks(ctx) }); err != nil {
		t.Fatal(err)
	}
	if n := credits(); n != 0 {
		t.Fatalf("with the projections cleared, the person page lists %d credits", n)
	}
	job, err := b.Instance.Jobs.Enqueue(ctx, jobs.Reindex, "")
	if err != nil {
		t.Fatal(err)
	}
	waitForJobs(t, a.Store, job)
	eventually(t, "a shows the credit the reindex job on another instance rebuilt", func() bool { return credits() == 1 })
}

// eventually waits up to five seconds for cond, for what one instance learns from another
// through the database's notifications.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("after 5 s, still not so: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Logf("%s after %v", what, time.Since(start).Round(time.Microsecond))
}

// waitForJobs waits until every job is done, failing the test if one fails or time runs out.
func waitForJobs(t *testing.T, st *store.Store, ids ...int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, id := range ids {
		for {
			j, err := st.Job(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State == store.JobDone {
				break
			}
			if j.State == store.JobFailed {
				t.Fatalf("job %d failed: %s", id, j.Error)
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %d is still %s", id, j.State)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestLockShowsOnOtherInstance: a page locked on one instance shows its lock on the other at
// once, though the other served it from its cache before; and unlocked, likewise.
func TestLockShowsOnOtherInstance(t *testing.T) {
	a, b := twoInstances(t)
	moderator := a.signedInAs(t, "mika", auth.RoleModerator)
	_, path := newWork(t, moderator, "Memories", url.Values{"medium": {"film"}})
	locked := func(reader *client) bool {
		return strings.Contains(text(reader.page(path, http.StatusOK).Find("#locked")), "locked")
	}
	onA, onB := a.anonymous(t), b.anonymous(t)
	if locked(onA) || locked(onB) {
		t.Fatal("a new page shows a lock")
	}
	moderator.save(path+"/lock", url.Values{"locked": {"1"}})
	eventually(t, "b shows the lock made on a", func() bool { return locked(onB) })
	if !locked(onA) {
		t.Fatal("a does not show its own lock")
	}
	moderator.at(b).save(path+"/lock", url.Values{"locked": {"0"}})
	eventually(t, "a shows the unlock made on b", func() bool { return !locked(onA) })
}
