package importer_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// searchSeed fixes the random choices of the search quality set, so that every run asks the
// same questions of the same wiki.
const searchSeed = 20260515

// perCategory is how many queries each category of the quality set samples.
const perCategory = 40

// searchCase is one query of the quality set and the work it should find.
type searchCase struct {
	category string
	query    string
	from     string // the title the query was made from
	want     int64
	took     time.Duration // of its search, once run
}

// qualityWork is a work of the wiki with its document and the keys the index holds of it.
type qualityWork struct {
	id   int64
	doc  *wiki.Work
	keys []string
}

// qualityData is the part of the imported wiki the quality set is sampled from.
type qualityData struct {
	works    []qualityWork          // in id order
	main     map[string][]int64     // index key of a main title (name, original title) → works
	any      map[string][]int64     // index key of any title → works
	names    map[int64]*wiki.Person // the people credited on some work
	byKey    map[string][]int64     // key of a person's name → people
	credited map[int64][]int64      // person → works crediting them
}

// searchCategory makes a query from a work, or reports that the work does not qualify.
type searchCategory struct {
	name string
	make func(rng *rand.Rand, d *qualityData, w qualityWork) (query, from string, ok bool)
	// ownCheck says make leaves out ambiguous queries itself, as a query that is not a title
	// needs.
	ownCheck bool
}

// searchCategories are the kinds of query the set holds, each made from the imported data by
// a seeded random choice: the work is drawn among those that qualify, never by whether search
// finds it.
var searchCategories = []searchCategory{
	{"exact original title", exactOriginal, false},
	{"kana swapped", kanaSwapped, false},
	{"romaji without long vowels", plainRomaji, false},
	{"full-width letters", fullWidth, false},
	{"English title, one typo", englishTypo, false},
	{"Chinese title", titleAsIs("zh-Hans", "zh-Hant"), false},
	{"Korean title", titleAsIs("ko"), false},
	{"staff name + title word", staffAndWord, true},
}

// searchQuality samples queries from the imported wiki, runs them and checks that the work
// each was made from is among the first three results.
func searchQuality(t *testing.T, s *store.Store) {
	ctx := context.Background()
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO search_trigrams (search_trigrams, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("the trigram index does not match the search terms after the imports: %v", err)
	}
	d := loadQualityData(t, s)
	cases := qualitySet(d)
	if len(cases) < 200 {
		t.Fatalf("the search quality set has %d queries, want at least 200", len(cases))
	}

	type tally struct {
		n, at1, at3, any3 int
		time              time.Duration // of the works-only searches
	}
	byCat := map[string]*tally{}
	var total tally
	took := make([]searchCase, 0, len(cases)) // by the time their works-only search took
	missed := map[string]int{}
	for _, c := range cases {
		start := time.Now()
		res, err := search.Search(ctx, s, search.Query{Text: c.query, Kinds: []wiki.Kind{wiki.KindWork}, Limit: 3})
		c.took = time.Since(start)
		if err != nil {
			t.Fatalf("%s: %q: %v", c.category, c.query, err)
		}
		took = append(took, c)
		anyKind, err := search.Search(ctx, s, search.Query{Text: c.query, Limit: 3})
		if err != nil {
			t.Fatalf("%s: %q: %v", c.category, c.query, err)
		}
		rank := rankOf(res.Results, c.want)
		if byCat[c.category] == nil {
			byCat[c.category] = &tally{}
		}
		for _, x := range []*tally{byCat[c.category], &total} {
			x.n++
			x.time += c.took
			if rank == 1 {
				x.at1++
			}
			if rank >= 1 {
				x.at3++
			}
			if rankOf(anyKind.Results, c.want) >= 1 {
				x.any3++
			}
		}
		if rank < 1 && missed[c.category] < 5 {
			missed[c.category]++
			t.Logf("missed (%s): %s", c.category, describeMiss(ctx, t, s, d, c, res.Results))
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "search quality, %d queries (seed %d):\n", len(cases), searchSeed)
	fmt.Fprintf(&b, "  %-28s %4s %9s %9s %18s %10s\n", "category", "n", "recall@1", "recall@3", "recall@3 any kind", "mean time")
	line := func(name string, x tally) {
		fmt.Fprintf(&b, "  %-28s %4d %9s %9s %18s %10v\n", name, x.n, ftoa(ratio(x.at1, x.n)), ftoa(ratio(x.at3, x.n)),
			ftoa(ratio(x.any3, x.n)), (x.time / time.Duration(max(x.n, 1))).Round(time.Millisecond))
	}
	for _, cat := range searchCategories {
		if x := byCat[cat.name]; x != nil {
			line(cat.name, *x)
		}
	}
	line("all", total)
	slices.SortFunc(took, func(a, b searchCase) int { return cmp.Compare(a.took, b.took) })
	at := func(q float64) time.Duration { return took[min(len(took)-1, int(q*float64(len(took))))].took }
	fmt.Fprintf(&b, "  latency (works only): p50 %v, p99 %v, max %v; slowest:", at(0.50), at(0.99), at(1))
	for i := len(took) - 1; i >= max(0, len(took)-3); i-- {
		fmt.Fprintf(&b, " %q %v", took[i].query, took[i].took.Round(time.Millisecond))
	}
	t.Log(b.String())

	if r := ratio(total.at3, total.n); r < 0.95 {
		t.Errorf("search recall@3 over the whole set is %s, want ≥ 0.95", ftoa(r))
	}
	for _, cat := range searchCategories {
		x := byCat[cat.name]
		if x == nil || x.n < perCategory/2 {
			t.Errorf("search category %q has too few queries; the data should offer %d", cat.name, perCategory)
			continue
		}
		if r := ratio(x.at3, x.n); r < 0.85 {
			t.Errorf("search category %q: recall@3 is %s, want ≥ 0.85", cat.name, ftoa(r))
		}
	}
}

// rankOf is the 1-based rank of id in results, or 0.
func rankOf(results []search.Result, id int64) int {
	for i, r := range results {
		if r.ID == id {
			return i + 1
		}
	}
	return 0
}

// describeMiss says what a missed query expected, what came first, where the expected work
// ranks further down, and the index keys of the query and of the title it was made from.
func describeMiss(ctx context.Context, t *testing.T, s *store.Store, d *qualityData, c searchCase, got []search.Result) string {
	name := ""
	if w, ok := d.work(c.want); ok {
		name = w.doc.Name
	}
	first := "nothing"
	if len(got) > 0 {
		first = fmt.Sprintf("%q (%d, tier %d, matched %q)", got[0].Name, got[0].ID, got[0].Tier, got[0].Matched.Text)
	}
	deeper, err := search.Search(ctx, s, search.Query{Text: c.query, Kinds: []wiki.Kind{wiki.KindWork}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	rank := "not in the first 100"
	if r := rankOf(deeper.Results, c.want); r > 0 {
		rank = fmt.Sprintf("rank %d of %d", r, deeper.Total)
	}
	return fmt.Sprintf("%q wants %q (%d, from %q; %s); first %s; keys: query %q (words %q), title %q",
		c.query, name, c.want, c.from, rank, first, search.Fold(c.query), search.Words(c.query), search.Fold(c.from))
}

// loadQualityData reads every work and the people credited on them.
func loadQualityData(t testing.TB, s *store.Store) *qualityData {
	t.Helper()
	ctx := context.Background()
	d := &qualityData{main: map[string][]int64{}, any: map[string][]int64{}, names: map[int64]*wiki.Person{},
		byKey: map[string][]int64{}, credited: map[int64][]int64{}}
	err := s.HeadDocumentsOfKind(ctx, wiki.KindWork, func(h store.HeadDocument) error {
		doc, err := wiki.Decode(wiki.KindWork, h.Document)
		if err != nil {
			return fmt.Errorf("work %d: %w", h.Entity.ID, err)
		}
		w := qualityWork{id: h.Entity.ID, doc: doc.(*wiki.Work)}
		// The index's own terms, so that "the same title" means what search compares.
		for _, term := range search.Terms(wiki.KindWork, w.doc) {
			w.keys = append(w.keys, term.Key)
			d.any[term.Key] = append(d.any[term.Key], w.id)
			if term.Field.Main() {
				d.main[term.Key] = append(d.main[term.Key], w.id)
			}
		}
		for _, c := range w.doc.Credits {
			p := int64(c.Person)
			if p != 0 && !slices.Contains(d.credited[p], w.id) {
				d.credited[p] = append(d.credited[p], w.id)
			}
		}
		d.works = append(d.works, w)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.HeadDocumentsOfKind(ctx, wiki.KindPerson, func(h store.HeadDocument) error {
		if len(d.credited[h.Entity.ID]) == 0 {
			return nil
		}
		doc, err := wiki.Decode(wiki.KindPerson, h.Document)
		if err != nil {
			return fmt.Errorf("person %d: %w", h.Entity.ID, err)
		}
		p := doc.(*wiki.Person)
		d.names[h.Entity.ID] = p
		k := search.Fold(personName(p))
		d.byKey[k] = append(d.byKey[k], h.Entity.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// qualitySet draws up to perCategory queries of each category: the qualifying works in a
// seeded random order, each made into a query unless the query would be ambiguous.
func qualitySet(d *qualityData) []searchCase {
	var out []searchCase
	for i, cat := range searchCategories {
		rng := rand.New(rand.NewPCG(searchSeed, uint64(i)))
		order := rng.Perm(len(d.works))
		n := 0
		for _, j := range order {
			if n == perCategory {
				break
			}
			w := d.works[j]
			q, from, ok := cat.make(rng, d, w)
			if !ok || q == "" || utf8.RuneCountInString(q) > search.MaxQuery {
				continue
			}
			if !cat.ownCheck && (d.ambiguous(search.Fold(q), w.id) || d.ambiguous(search.Fold(from), w.id)) {
				continue
			}
			out = append(out, searchCase{category: cat.name, query: q, from: from, want: w.id})
			n++
		}
	}
	return out
}

// ambiguous reports whether another work answers to key as well as work want does: another
// work whose main title has the key, or, when key is not a main title of want, another work
// with any title of that key. Such a query has no one right answer (sequels and remakes of
// one title).
func (d *qualityData) ambiguous(key string, want int64) bool {
	others := func(ids []int64) bool { return slices.ContainsFunc(ids, func(id int64) bool { return id != want }) }
	if others(d.main[key]) {
		return true
	}
	return !slices.Contains(d.main[key], want) && others(d.any[key])
}
