package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kioku/internal/store"
)

// BenchmarkConcurrentEditors has 50 trusted editors save edits to one work on SQLite at once,
// each from the revision it just read, as people with the form open would: four in five add a
// credit (different list items, which merge), one in five rewrites the deck (the same field,
// which conflicts when another deck edit landed in between). It reports accepted edits per
// second, the share of edits refused with a conflict, and the share lost: accepted but missing
// from the page or its history afterwards, which must be zero.
func BenchmarkConcurrentEditors(b *testing.B) {
	const editors = 50
	s := newSite(b, store.SQLite)
	owner := s.signedIn(b, "owner")
	id, path := newWork(b, owner, "Memories", url.Values{"medium": {"film"}})
	clients := make([]*client, editors)
	for i := range clients {
		clients[i] = s.signedIn(b, fmt.Sprintf("editor%02d", i))
	}
	perEditor := max(b.N/editors, 4)
	var accepted, conflicts, other atomic.Int64
	var mu sync.Mutex
	acceptedCredits := map[string]bool{}

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			for j := range perEditor {
				e, err := s.Store.Entity(context.Background(), id)
				if err != nil {
					b.Error(err)
					return
				}
				v := url.Values{"base": {strconv.Itoa(e.Head)}, "csrf": {c.csrf}}
				section, credit := "credits", ""
				if j%5 == 4 {
					section = "basics"
					v.Set("name", "Memories")
					v.Set("medium", "film")
					v.Set("deck", fmt.Sprintf("deck by %d-%d", i, j))
					v.Set("edit_summary", "deck")
				} else {
					credit = fmt.Sprintf("Animator %02d-%02d", i, j)
					v.Set("person", credit)
					v.Set("role", "Key Animator")
					v.Set("edit_summary", "credit")
				}
				res := c.postRaw(path+"/edit/"+section, v)
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusSeeOther:
					accepted.Add(1)
					if credit != "" {
						mu.Lock()
						acceptedCredits[credit] = true
						mu.Unlock()
					}
				case http.StatusConflict:
					conflicts.Add(1)
				default:
					if other.Add(1) == 1 {
						b.Logf("first failure: status %d\n%s", res.StatusCode, body)
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	// Lost: an accepted credit missing from the page, or an accepted edit without its revision.
	page := s.anonymous(b).page(path, http.StatusOK)
	onPage := map[string]bool{}
	for _, name := range texts(page.Find("tr.credit td.person")) {
		onPage[name] = true
	}
	lost := 0
	for credit := range acceptedCredits {
		if !onPage[credit] {
			lost++
		}
	}
	revs, err := s.Store.Revisions(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	if missing := int(accepted.Load()) - (len(revs) - 1); missing > 0 {
		lost += missing
	}
	total := float64(editors * perEditor)
	b.ReportMetric(float64(accepted.Load())/elapsed.Seconds(), "accepted-edits/s")
	b.ReportMetric(float64(conflicts.Load())/total, "conflict-share")
	b.ReportMetric(float64(lost)/total, "lost-share")
	b.ReportMetric(float64(other.Load()), "other-failures")
	if lost > 0 || other.Load() > 0 {
		b.Errorf("%d edits lost and %d failed otherwise, of %d", lost, other.Load(), int(total))
	}
}
