package store

import (
	"context"
	"slices"
	"sync"
	"time"
)

// gramCounts estimates, on PostgreSQL, how many search keys hold each common trigram, from a
// sample of the keys: a misspelt query is looked for by the keys holding two of its rarest
// blocks, as on SQLite, whose full-text index counts them (search_trigram_counts). pg_trgm
// keeps no such counts, and blocks picked without them often hit the long lists of common
// trigrams ("the", "ion"), which made the slowest searches.
//
// The sample is taken in the background on the first misspelt search and again when it is
// older than gramCountsAge; until the first is there, blocks are spread over the query. The
// counts only steer the choice: any two blocks that the typos spared find the key.
type gramCounts struct {
	mu      sync.Mutex
	counts  map[string]int32
	taken   time.Time
	loading bool
}

const (
	// gramSample is about how many keys the sample holds. The sample is taken while the first
	// searches run, and on a small server competes with them: 100,000 keys took 230 ms and
	// made the first searches after a start three times as slow; 20,000 take 40 ms, and still
	// tell the common trigrams (in more than about one key in 7,000) from the rare ones.
	gramSample = 20_000
	// gramKept is the fewest sampled keys a trigram is in for its count to be kept: rarer ones
	// all count as rare.
	gramKept      = 3
	gramCountsAge = 30 * time.Minute
)

// get returns the counts, starting a sample in the background when there are none or they are
// old; nil until the first sample is taken.
func (g *gramCounts) get(c *conn) map[string]int32 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.loading && time.Since(g.taken) > gramCountsAge {
		g.loading = true
		go g.load(c)
	}
	return g.counts
}

func (g *gramCounts) load(c *conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	counts, err := sampleGrams(ctx, c)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.loading = false
	g.taken = time.Now()
	if err == nil {
		g.counts = counts
	}
}

// sampleGrams counts the trigrams of a random sample of the keys, keeping the common ones.
func sampleGrams(ctx context.Context, c *conn) (map[string]int32, error) {
	var rows float64
	if err := c.queryRow(ctx, `SELECT GREATEST(reltuples, 0) FROM pg_class WHERE relname = 'search_terms'`).Scan(&rows); err != nil {
		return nil, err
	}
	percent := 100.0
	if rows > gramSample {
		percent = 100 * gramSample / rows
	}
	list, err := c.query(ctx, `SELECT key FROM search_terms TABLESAMPLE BERNOULLI (?)`, percent)
	if err != nil {
		return nil, err
	}
	defer list.Close()
	all := map[string]int32{}
	for list.Next() {
		var key string
		if err := list.Scan(&key); err != nil {
			return nil, err
		}
		for _, g := range trigrams(key) {
			all[g]++
		}
	}
	if err := list.Err(); err != nil {
		return nil, err
	}
	kept := make(map[string]int32, len(all)/8)
	for g, n := range all {
		if n >= gramKept {
			kept[g] = n
		}
	}
	return kept, nil
}

// rarestInOrder picks the n of grams (in the order of the key) that the fewest sampled keys
// hold, keeping their order; all of them when there are no more.
func rarestInOrder(grams []string, n int, counts map[string]int32) []string {
	if len(grams) <= n || counts == nil {
		return spread(grams, n)
	}
	order := make([]int, len(grams))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(counts[grams[a]] - counts[grams[b]]) })
	order = order[:n]
	slices.Sort(order)
	out := make([]string, n)
	for i, j := range order {
		out[i] = grams[j]
	}
	return out
}
