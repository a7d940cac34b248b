package zzprof

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

type timed struct {
	search.Source
	spent map[string]time.Duration
}

func (t timed) SearchTerms(ctx context.Context, l search.Lookup) ([]search.Term, error) {
	start := time.Now()
	r, err := t.Source.SearchTerms(ctx, l)
	t.spent[[]string{"prefix", "contains", "similar"}[l.Mode]] += time.Since(start)
	return r, err
}
func (t timed) TermsOf(ctx context.Context, ids []int64) ([]search.Term, error) {
	start := time.Now()
	r, err := t.Source.TermsOf(ctx, ids)
	t.spent["termsof"] += time.Since(start)
	return r, err
}
func (t timed) SearchFacts(ctx context.Context, ids []int64, b bool) (map[int64]search.Facts, error) {
	start := time.Now()
	r, err := t.Source.SearchFacts(ctx, ids, b)
	t.spent["facts"] += time.Since(start)
	return r, err
}
func (t timed) LinkedWorks(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	start := time.Now()
	r, err := t.Source.LinkedWorks(ctx, ids)
	t.spent["linked"] += time.Since(start)
	return r, err
}

func TestProf(t *testing.T) {
	path := os.Getenv("PROF_DB")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	src := timed{st, map[string]time.Duration{}}
	qs := []string{"Memories", "ｍｅｍｏｒｉｅｓ", "Cowboy Bebop", "Cowboy Bebpo", "Shin Seiki Evangelion", "Shinseiki Evangerion",
		"ガンダム", "機動戦士ガンダム", "きどうせんしがんだむ", "Tonari no Totoro", "となりのトトロ", "大友", "宮崎駿 トトロ", "Hayao Miyazaki", "名探偵コナン",
		"진격의 거인", "进击的巨人", "The Hills Have Size", "ＨＵＮＴＥＲ×ＨＵＮＴＥＲ", "Ghost in the Shell", "a", "no", "the", "ou", "Kanamemo", "Naruto Shippuuden", "Naruto Shippūden", "One Piece"}
	var all []time.Duration
	for _, q := range qs {
		start := time.Now()
		res, err := search.Search(ctx, src, search.Query{Text: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		d := time.Since(start)
		all = append(all, d)
		first := ""
		if len(res.Results) > 0 {
			first = res.Results[0].Name
		}
		t.Logf("%-28s %8.1fms total=%d first=%s  %v", q, float64(d.Microseconds())/1000, res.Total, first, src.spent)
		for k := range src.spent {
			delete(src.spent, k)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	t.Logf("p50 %v max %v", all[len(all)/2], all[len(all)-1])
	_ = wiki.KindWork
}
