package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// pageViews are the pages of an entity that the backup tests compare: they show its current
// revision and its history, and depend on nothing an edit of another entity changes.
var pageViews = []string{"", "/history", "/diff"}

// revisionRef names one revision of an entity.
type revisionRef struct {
	id   int64
	head int
}

// pageKey names one page of an entity as it was at one revision.
type pageKey struct {
	id   int64
	head int
	view string
}

// mainHTML fetches a page without cookies and returns the HTML of its main element: what the
// page shows of the wiki, without the site's header.
func mainHTML(base, path string) (string, error) {
	res, err := http.Get(base + path)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		return "", err
	}
	return doc.Find("main").Html()
}

// TestBackupUnderWriteLoad takes backups of an SQLite store while editors keep saving edits
// through the site's own edit service. Each editor looks at the pages of an entity right after
// each of its edits is acknowledged; every entity in a backup must then be served, by a site
// over the backup, exactly as the original served it at the revision the backup holds, and every
// edit acknowledged before a backup started must be in it.
func TestBackupUnderWriteLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSite(t, store.SQLite)
	edits := s.Instance.App.Edits() // retires the site's cached pages before an edit is acknowledged

	var (
		mu    sync.Mutex
		pages = map[pageKey]string{} // the original's pages, right after each acknowledged edit
		acks  []revisionRef          // every acknowledged revision, in order
		count = make(chan struct{}, 1000)
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	// acknowledged records that the revisions were acknowledged, then the original's pages of
	// them: no other editor changes these entities, so the pages show these very revisions.
	acknowledged := func(revs ...revisionRef) error {
		mu.Lock()
		acks = append(acks, revs...)
		mu.Unlock()
		for _, r := range revs {
			e, err := s.Store.Entity(ctx, r.id)
			if err != nil {
				return err
			}
			for _, view := range pageViews {
				html, err := mainHTML(s.URL, e.Path()+view)
				if err != nil {
					return err
				}
				mu.Lock()
				pages[pageKey{r.id, r.head, view}] = html
				mu.Unlock()
			}
		}
		select {
		case count <- struct{}{}:
		default:
		}
		return nil
	}
	// Each editor makes works, each with a new person credited, and edits the decks of its own
	// works. A person's page lists the credit, with nothing of the work that these edits change.
	const editors = 4
	for n := range editors {
		author, err := s.Store.CreateUser(ctx, fmt.Sprintf("editor%d", n), "x", string(auth.RoleTrusted))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(n), 1))
			heads := map[int64]int{}
			var works []int64
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if i%5 == 0 {
					var work, person int64
					_, err := edits.Apply(ctx, author, "new work", func(c *edit.Changes) error {
						var err error
						person, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: fmt.Sprintf("Person %d-%d", n, i)})
						if err != nil {
							return err
						}
						work, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: fmt.Sprintf("Work %d-%d", n, i), Medium: wiki.MediumTV,
							Credits: []wiki.Credit{{Key: "c1", Person: wiki.Ref(person), Role: "Director"}}})
						return err
					})
					if err != nil {
						t.Errorf("editor %d: new work: %v", n, err)
						return
					}
					works, heads[work] = append(works, work), 1
					if err := acknowledged(revisionRef{work, 1}, revisionRef{person, 1}); err != nil {
						t.Errorf("editor %d: %v", n, err)
						return
					}
					continue
				}
				work := works[rng.IntN(len(works))]
				_, err := edits.UpdateWork(ctx, author, fmt.Sprintf("edit %d", i), work, heads[work],
					func(_ context.Context, _ *edit.Changes, w *wiki.Work) error {
						w.Deck = fmt.Sprintf("Deck of edit %d by editor %d.", i, n)
						return nil
					})
				if err != nil {
					t.Errorf("editor %d: edit %d: %v", n, i, err)
					return
				}
				heads[work]++
				if err := acknowledged(revisionRef{work, heads[work]}); err != nil {
					t.Errorf("editor %d: %v", n, err)
					return
				}
			}
		})
	}
	stopped := false
	stopEditors := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer stopEditors()
	// waitEdits waits for n acknowledged changesets that it has not waited for yet.
	waitEdits := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-count:
			case <-time.After(20 * time.Second):
				t.Fatal("the editors stopped making edits")
			}
		}
	}

	type backup struct {
		path   string
		before []revisionRef // acknowledged before the backup started
		during int           // how many edits were acknowledged while it ran
		took   time.Duration
	}
	var backups []backup
	dir := t.TempDir()
	for i := range 3 {
		waitEdits(8)
		mu.Lock()
		b := backup{path: filepath.Join(dir, fmt.Sprintf("kioku-%d.db", i)), before: append([]revisionRef(nil), acks...)}
		mu.Unlock()
		t0 := time.Now()
		if err := s.Store.Backup(ctx, b.path); err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		mu.Lock()
		b.during = len(acks) - len(b.before)
		b.took = time.Since(t0)
		mu.Unlock()
		backups = append(backups, b)
	}
	waitEdits(3)
	stopEditors()
	if t.Failed() {
		return
	}

	for i, b := range backups {
		t.Run(fmt.Sprintf("backup %d", i), func(t *testing.T) {
			checkBackup(t, b.path, b.before, pages)
			t.Logf("%d revisions acknowledged before the backup, %d while it ran (%v)", len(b.before), b.during, b.took.Round(time.Millisecond))
		})
	}
}

// checkBackup serves the backup at path and compares every entity's pages with the original's
// pages at the revision the backup holds, and checks that the revisions acknowledged before the
// backup started are all in it.
func checkBackup(t *testing.T, path string, before []revisionRef, pages map[pageKey]string) {
	ctx := context.Background()
	st := openStore(t, path)
	var check string
	if err := st.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v; want ok", check, err)
	}
	for _, a := range before {
		if _, err := st.Revision(ctx, a.id, a.head); err != nil {
			t.Errorf("revision %d of entity %d was acknowledged before the backup started, but is not in it: %v", a.head, a.id, err)
		}
	}
	copied := startSite(t, st)
	rows, err := st.DB().QueryContext(ctx, `SELECT id, head FROM entities ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var heads []pageKey
	for rows.Next() {
		var k pageKey
		if err := rows.Scan(&k.id, &k.head); err != nil {
			t.Fatal(err)
		}
		heads = append(heads, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(heads) == 0 {
		t.Fatal("the backup holds no entities")
	}
	for _, k := range heads {
		e, err := st.Entity(ctx, k.id)
		if err != nil {
			t.Fatal(err)
		}
		for _, view := range pageViews {
			k.view = view
			want, ok := pages[k]
			if !ok {
				t.Errorf("%s is at revision %d in the backup, which was never acknowledged", e.Path(), k.head)
				break
			}
			got, err := mainHTML(copied.URL, e.Path()+view)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s%s at revision %d differs between the backup and the original:\n%s\nwant:\n%s", e.Path(), view, k.head, got, want)
			}
		}
	}
}
