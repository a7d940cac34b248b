package search

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"kioku/internal/wiki"
)

// MaxQuery is the longest query, in characters, that Search accepts. No title is longer; a
// longer query is a mistake or an attack, and its cost is bounded by refusing it.
const MaxQuery = 200

// Version names the way search terms are made (Fold, Keys, Terms). It changes whenever a change
// to them would make stored terms differ from the ones made now; a store whose terms were made
// by another version is reindexed.
const Version = 2

// MaxResults bounds the matches Search ranks for one query; pages past it are empty.
const MaxResults = 500

// ErrTooLong is returned for a query longer than MaxQuery.
var ErrTooLong = errors.New("search: the query is too long")

// Mode says how a lookup compares keys.
type Mode int

// The modes of a lookup.
const (
	// Prefix finds keys that start with the key (the key itself included).
	Prefix Mode = iota
	// Contains finds keys that contain the key, which must be three characters or more.
	Contains
	// Similar finds keys that share trigrams with the key, the most alike first: the
	// candidates of a misspelt query.
	Similar
)

// Lookup asks the index for the terms whose key matches Key in the Mode's way.
type Lookup struct {
	Key   string
	Mode  Mode
	Kinds []wiki.Kind // none: every kind
	Limit int
	// Typos is how many edits a Similar lookup must tolerate.
	Typos int
}

// Facts is what a result shows of an entity and what filters and ties need.
type Facts struct {
	ID       int64
	Kind     wiki.Kind
	Name     string
	Segment  string // the first segment of the entity's address
	Medium   wiki.Medium
	Year     int
	Original string // a work's original title
	Links    int    // links to and from the entity: its credits, cast, works
	Topics   []int64
	Work     Page // an episode's work
}

// Page names an entity's page.
type Page struct {
	ID      int64
	Name    string
	Segment string
}

// Path is the address of the page.
func (p Page) Path() string { return wiki.Path(p.Segment, p.ID, p.Name) }

// Path is the address of the entity's page.
func (f Facts) Path() string { return wiki.Path(f.Segment, f.ID, f.Name) }

// Source is the index Search reads: the store implements it over its projection tables.
type Source interface {
	// SearchTerms lists the terms matching each lookup, at most its Limit, in one round trip.
	SearchTerms(ctx context.Context, lookups ...Lookup) ([][]Term, error)
	// TermsOf lists the terms of the given entities whose keys contain one of the keys given,
	// or all their terms when none is given.
	TermsOf(ctx context.Context, ids []int64, containing ...string) ([]Term, error)
	// SearchFacts gives the facts of the given entities that exist and have an accepted
	// revision, with their genres and themes when topics is set.
	SearchFacts(ctx context.Context, ids []int64, topics bool) (map[int64]Facts, error)
	// LinkedWorks gives, for each of the given entities, the works that link to it (the works a
	// person is credited on, a character appears in, a company made).
	LinkedWorks(ctx context.Context, ids []int64) (map[int64][]int64, error)
}

// Query is what a reader asks: words, and the filters of the results page.
type Query struct {
	Text             string
	Kinds            []wiki.Kind
	Media            []wiki.Medium
	FromYear, ToYear int
	Topics           []int64 // genres and themes a work must have, all of them
	Offset, Limit    int
}

// Tier is how well a result matches; lower is better.
type Tier int

// The tiers, best first.
const (
	TierExact      Tier = iota // the query is a main title or name
	TierAlias                  // the query is another title or name
	TierPrefix                 // a title starts with the query
	TierWordPrefix             // a word of a title starts with the query
	TierContains               // a title contains the query
	TierWords                  // every word of the query is in the titles, or names a person of the work
	TierLinked                 // the work of a person, character or company the query names
	TierFuzzy                  // a title is within the typos the query's words allow
)

// Result is one entity found, with the term that matched it best.
type Result struct {
	Facts
	Matched  Term
	Tier     Tier
	Distance int
}

// Results is one page of results.
type Results struct {
	Results []Result
	// Total counts every match, up to MaxResults.
	Total int
	// Exact is the one entity whose title or name the query is exactly, when only one is.
	Exact int64
}

// candidatePool bounds each lookup; keepBest is how many matches, for each one a page shows,
// have their facts read when no filter needs them all (and at least minKept): enough for the
// links to an entity to order the ties among the best.
const (
	candidatePool = 200
	keepBest      = 3
	minKept       = 30
)

// Search finds the entities whose titles or names match q.Text, ranked: exact title, then
// other exact title, prefix, word prefix, substring, every word, the works of a person the
// query names, misspelling; ties go to the closest title, the entity the wiki links to most,
// then to the newest. Each step asks the index once, for all its lookups.
func Search(ctx context.Context, src Source, q Query) (Results, error) {
	if utf8.RuneCountInString(q.Text) > MaxQuery {
		return Results{}, ErrTooLong
	}
	keys := Keys(q.Text)
	if len(keys) == 0 {
		return Results{}, nil
	}
	s := &searcher{src: src, q: q, keys: keys, words: uniqueWords(q.Text), found: map[int64]*Result{}}
	s.allowed = Typos(keys[0])
	if len(s.words) > 1 {
		s.allowed = 0
		for _, w := range s.words {
			s.allowed += Typos(w)
		}
	}
	var first []Lookup
	for _, key := range keys {
		first = append(first, Lookup{Key: key, Mode: Prefix})
		if utf8.RuneCountInString(key) >= 3 {
			first = append(first, Lookup{Key: key, Mode: Contains})
		}
	}
	// The steps that do not wait on each other's results run side by side.
	err := parallel(
		func() error { return s.lookup(ctx, first...) },
		func() error { return s.named(ctx) },
	)
	if err != nil {
		return Results{}, err
	}
	if !s.matched(TierContains) {
		var steps []func() error
		if len(s.words) > 1 {
			steps = append(steps, func() error { return s.everyWord(ctx) })
		}
		if s.allowed > 0 && !s.matched(TierWords) {
			steps = append(steps, func() error { return s.misspelt(ctx, 1) })
		}
		if err := parallel(steps...); err != nil {
			return Results{}, err
		}
	}
	// A reader makes one typo, sometimes two, whatever the query's length allows: each typo
	// tolerated widens the lookup of candidates, so one is tried before two.
	if s.allowed >= 2 && !s.matched(TierFuzzy) && !s.matched(TierWords) {
		if err := s.misspelt(ctx, 2); err != nil {
			return Results{}, err
		}
	}
	return s.results(ctx)
}

// misspelt looks for titles within typos edits of the query; with one, also for the query's
// spellings with two letters swapped back.
func (s *searcher) misspelt(ctx context.Context, typos int) error {
	key := s.keys[len(s.keys)-1]
	lookups := []Lookup{{Key: key, Mode: Similar, Typos: typos}}
	if typos == 1 {
		lookups = append(lookups, swapped(key)...)
	}
	return s.lookup(ctx, lookups...)
}

// parallel runs steps side by side and returns the first error.
func parallel(steps ...func() error) error {
	if len(steps) == 1 {
		return steps[0]()
	}
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() { errs[i] = step() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// maxSwapped is the longest key whose transposed spellings are looked up one by one.
const maxSwapped = 12

// swapped looks up the titles that start with a spelling of a short key with two neighbouring
// letters swapped back: in a short word, a swap leaves too few of its trigrams for a lookup of
// similar keys to find it (in "memoires", two of six), and a short query is mostly a title's
// start. Each is a cheap lookup of a prefix.
func swapped(key string) []Lookup {
	r := []rune(key)
	if len(r) < 5 || len(r) > maxSwapped {
		return nil
	}
	var out []Lookup
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		v := slices.Clone(r)
		v[i], v[i+1] = v[i+1], v[i]
		out = append(out, Lookup{Key: string(v), Mode: Prefix})
	}
	return out
}

// Keys is the keys a text is indexed and searched under: Fold of the whole text, and, when it
// differs, the folded words joined, as Fold sees letters across spaces ("Greed Island" and
// "Greed" must meet).
func Keys(text string) []string {
	var keys []string
	if k := Fold(text); k != "" {
		keys = append(keys, k)
	}
	if w := strings.Join(Words(text), ""); w != "" && (len(keys) == 0 || w != keys[0]) {
		keys = append(keys, w)
	}
	return keys
}

// matched reports whether something matched at the tier given or a better one: the broader
// ways of matching (every word in any order, misspellings) are tried only when nothing did.
func (s *searcher) matched(tier Tier) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.found {
		if r.Tier <= tier {
			return true
		}
	}
	return false
}

type searcher struct {
	src     Source
	q       Query
	keys    []string
	words   []string
	allowed int
	// found is each entity's best match so far; steps running side by side add to it.
	mu    sync.Mutex
	found map[int64]*Result
}

func (s *searcher) lookup(ctx context.Context, lookups ...Lookup) error {
	for i := range lookups {
		lookups[i].Kinds, lookups[i].Limit = s.q.Kinds, candidatePool
		if lookups[i].Mode == Similar {
			lookups[i].Limit = 4 * candidatePool
		}
	}
	found, err := s.src.SearchTerms(ctx, lookups...)
	if err != nil {
		return err
	}
	for _, terms := range found {
		for _, t := range terms {
			if tier, d, ok := s.classify(t); ok {
				s.consider(t, tier, d)
			}
		}
	}
	return nil
}

// classify tells how well term t matches the query, under the best of its keys.
func (s *searcher) classify(t Term) (Tier, int, bool) {
	best, distance, found := Tier(0), 0, false
	for _, key := range s.keys {
		tier, d, ok := s.classifyKey(t, key)
		if ok && (!found || tier < best || tier == best && d < distance) {
			best, distance, found = tier, d, true
		}
	}
	return best, distance, found
}

func (s *searcher) classifyKey(t Term, key string) (Tier, int, bool) {
	switch {
	case t.Key == key && t.Field.Main():
		return TierExact, 0, true
	case t.Key == key:
		return TierAlias, 0, true
	case strings.HasPrefix(t.Key, key):
		return TierPrefix, 0, true
	case strings.Contains(t.Key, key):
		// Splitting the title into words costs more than the rest: only for a title that
		// holds the query at all.
		if wordPrefix(t.Text, key) {
			return TierWordPrefix, 0, true
		}
		return TierContains, 0, true
	}
	if s.allowed > 0 {
		if d, ok := Distance(t.Key, key, s.allowed); ok {
			return TierFuzzy, d, true
		}
	}
	return 0, 0, false
}

// closeness is how near term t comes to the whole query: its edit distance, or one more than
// the typos allowed. It orders the matches of one tier.
func (s *searcher) closeness(t Term) int {
	best := s.allowed + 1
	for _, key := range s.keys {
		if d, ok := Distance(t.Key, key, s.allowed); ok && d < best {
			best = d
		}
	}
	return best
}

// consider keeps t as entity's best match if it is better than what was found before.
func (s *searcher) consider(t Term, tier Tier, distance int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.found[t.EntityID]
	if ok && cmp.Or(cmp.Compare(r.Tier, tier), cmp.Compare(r.Distance, distance),
		cmp.Compare(s.spare(r.Matched), s.spare(t)), cmp.Compare(r.Matched.Field, t.Field),
		strings.Compare(r.Matched.Text, t.Text)) <= 0 {
		return
	}
	if !ok {
		r = &Result{}
		s.found[t.EntityID] = r
	}
	r.Matched, r.Tier, r.Distance = t, tier, distance
}

// spare is how many characters term t has more or fewer than the query: of two matches
// otherwise alike, the one with less besides the query is the closer.
func (s *searcher) spare(t Term) int {
	return abs(utf8.RuneCountInString(t.Key) - utf8.RuneCountInString(s.keys[0]))
}

// wordPrefix reports whether key starts at the beginning of one of text's words.
func wordPrefix(text, key string) bool {
	words := Words(text)
	for i := 1; i < len(words); i++ {
		if strings.HasPrefix(strings.Join(words[i:], ""), key) {
			return true
		}
	}
	return false
}

func uniqueWords(text string) []string {
	var out []string
	for _, w := range Words(text) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// results fetches the facts of what was found, filters, ranks and cuts the page asked for.
func (s *searcher) results(ctx context.Context) (Results, error) {
	list := make([]Result, 0, len(s.found))
	for id, r := range s.found {
		r.ID = id
		list = append(list, *r)
	}
	byMatch := func(a, b Result) int {
		return cmp.Or(
			cmp.Compare(a.Tier, b.Tier),
			cmp.Compare(a.Distance, b.Distance),
			cmp.Compare(a.Matched.Field, b.Matched.Field),
			cmp.Compare(a.ID, b.ID),
		)
	}
	// Without filters on facts, only the best matches need theirs: the rest are past any page
	// a reader opens, and counting the links of hundreds of entities costs more than the search.
	filtersWorks := len(s.q.Media) > 0 || s.q.FromYear > 0 || s.q.ToYear > 0 || len(s.q.Topics) > 0
	total := len(list)
	if keep := max(minKept, max(s.q.Offset, 0)+keepBest*max(s.q.Limit, 1)); !filtersWorks && len(list) > keep {
		slices.SortFunc(list, byMatch)
		list = list[:keep]
	}
	ids := make([]int64, len(list))
	for i, r := range list {
		ids[i] = r.ID
	}
	facts, err := s.src.SearchFacts(ctx, ids, len(s.q.Topics) > 0)
	if err != nil {
		return Results{}, err
	}
	kept := list[:0]
	for _, r := range list {
		f, ok := facts[r.ID]
		if !ok || !s.keep(f) {
			total--
			continue
		}
		r.Facts = f
		kept = append(kept, r)
	}
	list = kept
	spare := func(r Result) int { return s.spare(r.Matched) }
	slices.SortFunc(list, func(a, b Result) int {
		if c := cmp.Or(cmp.Compare(a.Tier, b.Tier), cmp.Compare(a.Distance, b.Distance)); c != 0 {
			return c
		}
		// A loose match (every word, or misspelt) is better the less its title has besides.
		if a.Tier >= TierWords {
			if c := cmp.Compare(spare(a), spare(b)); c != 0 {
				return c
			}
		}
		return cmp.Or(
			cmp.Compare(b.Links, a.Links),
			cmp.Compare(a.Matched.Field, b.Matched.Field),
			cmp.Compare(b.Year, a.Year),
			cmp.Compare(b.ID, a.ID),
		)
	})
	if len(list) > MaxResults {
		list = list[:MaxResults]
	}
	out := Results{Total: min(max(total, len(list)), MaxResults)}
	exact := 0
	for _, r := range list {
		if r.Tier <= TierAlias {
			exact++
			out.Exact = r.ID
		}
	}
	if exact != 1 {
		out.Exact = 0
	}
	limit := s.q.Limit
	if limit <= 0 {
		limit = 20
	}
	start := min(max(s.q.Offset, 0), len(list))
	out.Results = list[start:min(start+limit, len(list))]
	return out, nil
}

// keep applies the query's filters.
func (s *searcher) keep(f Facts) bool {
	q := s.q
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, f.Kind) {
		return false
	}
	filtersWorks := len(q.Media) > 0 || q.FromYear > 0 || q.ToYear > 0 || len(q.Topics) > 0
	if filtersWorks && f.Kind != wiki.KindWork {
		return false
	}
	if len(q.Media) > 0 && !slices.Contains(q.Media, f.Medium) {
		return false
	}
	if q.FromYear > 0 && (f.Year == 0 || f.Year < q.FromYear) || q.ToYear > 0 && (f.Year == 0 || f.Year > q.ToYear) {
		return false
	}
	for _, t := range q.Topics {
		if !slices.Contains(f.Topics, t) {
			return false
		}
	}
	return true
}
