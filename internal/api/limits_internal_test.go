package api

import (
	"context"
	"slices"
	"testing"
	"time"

	"kioku/internal/storetest"
)

// Two instances count one key in one store: each writes its count at most once a second, and at
// every request once it nears the budget, so the count either sees misses at most the other's
// requests since its own last write, a second at the most.
func TestHitCounterAcrossInstances(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, engine)
			var a, b hitCounter
			const quota = 10
			t0 := time.Now().Truncate(limitWindow).Add(5 * time.Second)
			count := func(h *hitCounter, at time.Duration) int {
				t.Helper()
				n, err := h.count(ctx, st, "read:address:192.0.2.1", t0.Add(at), quota)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			for i := range 5 {
				if got := count(&a, time.Duration(i)*time.Millisecond); got != i+1 {
					t.Fatalf("a's request %d counted %d", i+1, got)
				}
			}
			// A second later a writes what it counted; b's first request writes too and sees it.
			count(&a, 1100*time.Millisecond)
			if got := count(&b, 1200*time.Millisecond); got != 7 {
				t.Errorf("b's first request counted %d, want 7 (a's six and its own)", got)
			}
			// b counts on its own until nine tenths of the budget, then writes every request;
			// a, which wrote a moment ago, misses b's since, until it writes again a second
			// after its last write, and then sees them all.
			got := []int{count(&b, 1300*time.Millisecond), count(&b, 1400*time.Millisecond), count(&a, 1500*time.Millisecond),
				count(&b, 1600*time.Millisecond), count(&a, 2200*time.Millisecond)}
			if want := []int{8, 9, 7, 10, 12}; !slices.Equal(got, want) {
				t.Errorf("counts near the budget %v, want %v", got, want)
			}
			// A new window starts from nothing.
			if got := count(&a, limitWindow+time.Second); got != 1 {
				t.Errorf("the next window's first request counted %d", got)
			}
		})
	}
}
