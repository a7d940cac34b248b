package search

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"kioku/internal/wiki"
)

// MaxQuery is the longest query, in characters, that Search accepts. No title is longer; a
// longer query is a mistake or an attack, and its cost is bounded by refusing it.
const MaxQuery = 200

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
}

// Path is the address of the entity's page.
func (f Facts) Path() string { return wiki.Path(f.Segment, f.ID, f.Name) }

// Source is the index Search reads: the store implements it over its projection tables.
type Source interface {
	// SearchTerms lists terms matching a lookup, at most its Limit.
	SearchTerms(ctx context.Context, l Lookup) ([]Term, error)
	// TermsOf lists every term of the given entities.
	TermsOf(ctx context.Context, ids []int64) ([]Term, error)
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

// candidatePool bounds each lookup; keepBest bounds the matches whose facts are read when no
// filter needs them all.
const (
	candidatePool = 200
	keepBest      = 100
)

// Search finds the entities whose titles or names match q.Text, ranked: exact title, then
// other exact title, prefix, word prefix, substring, every word, misspelling; ties go to the
// entity the wiki links to most, then to the newest.
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
	for _, key := range keys {
		if err := s.lookup(ctx, Lookup{Key: key, Mode: Prefix}); err != nil {
			return Results{}, err
		}
		if utf8.RuneCountInString(key) >= 3 {
			if err := s.lookup(ctx, Lookup{Key: key, Mode: Contains}); err != nil {
				return Results{}, err
			}
		}
	}
	if len(s.words) > 1 && !s.matched(TierContains) {
		if err := s.everyWord(ctx); err != nil {
			return Results{}, err
		}
	}
	if err := s.named(ctx); err != nil {
		return Results{}, err
	}
	if s.allowed > 0 && !s.matched(TierWords) {
		if err := s.lookup(ctx, Lookup{Key: keys[len(keys)-1], Mode: Similar, Typos: s.allowed}); err != nil {
			return Results{}, err
		}
	}
	return s.results(ctx)
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
	found   map[int64]*Result
}

func (s *searcher) lookup(ctx context.Context, l Lookup) error {
	l.Kinds, l.Limit = s.q.Kinds, candidatePool
	if l.Mode == Similar {
		l.Limit = 3 * candidatePool
	}
	terms, err := s.src.SearchTerms(ctx, l)
	if err != nil {
		return err
	}
	for _, t := range terms {
		if tier, d, ok := s.classify(t); ok {
			s.consider(t, tier, d)
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
	case wordPrefix(t.Text, key):
		return TierWordPrefix, 0, true
	case strings.Contains(t.Key, key):
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
	r, ok := s.found[t.EntityID]
	if ok && (r.Tier < tier || r.Tier == tier && (r.Distance < distance ||
		r.Distance == distance && r.Matched.Field <= t.Field)) {
		return
	}
	if !ok {
		r = &Result{}
		s.found[t.EntityID] = r
	}
	r.Matched, r.Tier, r.Distance = t, tier, distance
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

// everyWord finds the entities whose titles hold every word of the query, in any order.
func (s *searcher) everyWord(ctx context.Context) error {
	// The entities in every set of a word of three characters or more that the pool held
	// whole; shorter words (which trigrams cannot find inside a title) and words that matched
	// more than the pool are checked against the titles of those entities instead.
	var in map[int64]bool
	var unchecked []string
	for _, w := range s.words {
		if utf8.RuneCountInString(w) < 3 {
			unchecked = append(unchecked, w)
			continue
		}
		terms, err := s.src.SearchTerms(ctx, Lookup{Key: w, Mode: Contains, Kinds: s.q.Kinds, Limit: candidatePool})
		if err != nil {
			return err
		}
		if len(terms) >= candidatePool {
			unchecked = append(unchecked, w)
			continue
		}
		ids := map[int64]bool{}
		for _, t := range terms {
			if in == nil || in[t.EntityID] {
				ids[t.EntityID] = true
			}
		}
		in = ids
		if len(in) == 0 {
			return nil
		}
	}
	if len(in) == 0 || len(in) > candidatePool {
		return nil
	}
	return s.matchWords(ctx, keysOf(in), unchecked, TierWords, "")
}

// matchWords considers, at the given tier, those of the entities ids whose titles hold every
// one of words. via, when set, is the name that brought them (a person's, for their works).
func (s *searcher) matchWords(ctx context.Context, ids []int64, words []string, tier Tier, via string) error {
	terms, err := s.src.TermsOf(ctx, ids)
	if err != nil {
		return err
	}
	has := map[int64]map[string]bool{}
	best := map[int64]Term{}
	closest := map[int64]int{}
	for _, t := range terms {
		for _, w := range words {
			if strings.Contains(t.Key, w) || slices.ContainsFunc(Words(t.Text), func(x string) bool { return strings.HasPrefix(x, w) }) {
				if has[t.EntityID] == nil {
					has[t.EntityID] = map[string]bool{}
				}
				has[t.EntityID][w] = true
			}
		}
		d := s.closeness(t)
		if b, ok := best[t.EntityID]; !ok || d < closest[t.EntityID] || d == closest[t.EntityID] && t.Field < b.Field {
			best[t.EntityID], closest[t.EntityID] = t, d
		}
	}
	for id, t := range best {
		if len(has[id]) < len(words) {
			continue
		}
		if via != "" {
			t.Text, t.Field = via, FieldReading
		}
		s.consider(t, tier, closest[id])
	}
	return nil
}

func keysOf(set map[int64]bool) []int64 {
	out := make([]int64, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// people are the kinds whose names a query may give to find their works.
var people = []wiki.Kind{wiki.KindPerson, wiki.KindCharacter, wiki.KindCompany}

// Bounds on the search for people the query names.
const (
	maxNameWords  = 6   // a query of more words is not split into a name and title words
	maxNamed      = 5   // people matched by one name
	maxNamedWorks = 300 // works of them checked against the title words
)

// named finds the works of a person, character or company the query names, alone ("Otomo
// Katsuhiro": his works, after what matches by title) or with words of the title ("otomo
// memories", "宮崎駿 トトロ"): the query split into a name at its start or end and the rest.
func (s *searcher) named(ctx context.Context) error {
	if len(s.q.Kinds) > 0 && !slices.Contains(s.q.Kinds, wiki.KindWork) {
		return nil
	}
	n := len(s.words)
	if n > maxNameWords {
		return nil
	}
	type split struct{ name, rest []string }
	splits := []split{{name: s.words}}
	for i := 1; i < n; i++ {
		splits = append(splits, split{s.words[:i], s.words[i:]}, split{s.words[i:], s.words[:i]})
	}
	for _, sp := range splits {
		name := strings.Join(sp.name, "")
		if utf8.RuneCountInString(name) < 2 {
			continue
		}
		terms, err := s.src.SearchTerms(ctx, Lookup{Key: name, Mode: Prefix, Kinds: people, Limit: maxNamed})
		if err != nil {
			return err
		}
		var ids []int64
		via := map[int64]string{}
		for _, t := range terms {
			// A name alone must be whole; with title words, the start of a name will do.
			if (t.Key == name || len(sp.rest) > 0) && !slices.Contains(ids, t.EntityID) {
				ids = append(ids, t.EntityID)
				via[t.EntityID] = t.Text
			}
		}
		if len(ids) == 0 {
			continue
		}
		works, err := s.src.LinkedWorks(ctx, ids)
		if err != nil {
			return err
		}
		var list []int64
		var who string
		for _, id := range ids {
			for _, w := range works[id] {
				if len(list) < maxNamedWorks && !slices.Contains(list, w) {
					list = append(list, w)
					who = via[id]
				}
			}
		}
		if len(list) == 0 {
			continue
		}
		tier := TierWords
		if len(sp.rest) == 0 {
			tier = TierLinked
		}
		if err := s.matchWords(ctx, list, sp.rest, tier, who); err != nil {
			return err
		}
	}
	return nil
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
	if keep := max(keepBest, s.q.Offset+s.q.Limit); !filtersWorks && len(list) > keep {
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
	slices.SortFunc(list, func(a, b Result) int {
		return cmp.Or(
			cmp.Compare(a.Tier, b.Tier),
			cmp.Compare(a.Distance, b.Distance),
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
