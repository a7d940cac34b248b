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

// candidatePool bounds each lookup; broadenBelow is how few good matches make Search try the
// words of the query one by one and then misspellings.
const (
	candidatePool = 200
	broadenBelow  = 20
)

// Search finds the entities whose titles or names match q.Text, ranked: exact title, then
// other exact title, prefix, word prefix, substring, every word, misspelling; ties go to the
// entity the wiki links to most, then to the newest.
func Search(ctx context.Context, src Source, q Query) (Results, error) {
	if utf8.RuneCountInString(q.Text) > MaxQuery {
		return Results{}, ErrTooLong
	}
	key := Fold(q.Text)
	if key == "" {
		return Results{}, nil
	}
	s := &searcher{src: src, q: q, key: key, words: uniqueWords(q.Text), found: map[int64]*Result{}}
	s.allowed = Typos(key)
	if len(s.words) > 1 {
		s.allowed = 0
		for _, w := range s.words {
			s.allowed += Typos(w)
		}
	}
	if err := s.lookup(ctx, Lookup{Key: key, Mode: Prefix}); err != nil {
		return Results{}, err
	}
	if utf8.RuneCountInString(key) >= 3 {
		if err := s.lookup(ctx, Lookup{Key: key, Mode: Contains}); err != nil {
			return Results{}, err
		}
	}
	if len(s.words) > 1 && len(s.found) < broadenBelow {
		if err := s.everyWord(ctx); err != nil {
			return Results{}, err
		}
	}
	if err := s.linkedWorks(ctx); err != nil {
		return Results{}, err
	}
	if s.allowed > 0 && len(s.found) < broadenBelow {
		if err := s.lookup(ctx, Lookup{Key: key, Mode: Similar}); err != nil {
			return Results{}, err
		}
	}
	return s.results(ctx)
}

type searcher struct {
	src     Source
	q       Query
	key     string
	words   []string
	allowed int
	found   map[int64]*Result
}

func (s *searcher) lookup(ctx context.Context, l Lookup) error {
	l.Kinds, l.Limit = s.q.Kinds, candidatePool
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

// classify tells how well term t matches the whole query.
func (s *searcher) classify(t Term) (Tier, int, bool) {
	switch {
	case t.Key == s.key && t.Field.Main():
		return TierExact, 0, true
	case t.Key == s.key:
		return TierAlias, 0, true
	case strings.HasPrefix(t.Key, s.key):
		return TierPrefix, 0, true
	case wordPrefix(t.Text, s.key):
		return TierWordPrefix, 0, true
	case strings.Contains(t.Key, s.key):
		return TierContains, 0, true
	}
	if s.allowed > 0 {
		if d, ok := Distance(t.Key, s.key, s.allowed); ok {
			return TierFuzzy, d, true
		}
	}
	return 0, 0, false
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

// everyWord finds the entities that match each word of the query somewhere: in any of their
// titles, in any order, or through a person, character or company linked to a work
// ("otomo memories" finds the film Memories that Katsuhiro Otomo directed).
func (s *searcher) everyWord(ctx context.Context) error {
	type match struct {
		ids       map[int64]bool
		truncated bool
	}
	sets := make([]match, 0, len(s.words))
	for _, w := range s.words {
		l := Lookup{Key: w, Mode: Prefix, Limit: candidatePool}
		if utf8.RuneCountInString(w) >= 3 {
			l.Mode = Contains
		}
		terms, err := s.src.SearchTerms(ctx, l)
		if err != nil {
			return err
		}
		m := match{ids: map[int64]bool{}, truncated: len(terms) >= l.Limit}
		var named []int64
		for _, t := range terms {
			m.ids[t.EntityID] = true
			switch t.Kind {
			case wiki.KindPerson, wiki.KindCharacter, wiki.KindCompany:
				if len(named) < 50 && !slices.Contains(named, t.EntityID) {
					named = append(named, t.EntityID)
				}
			}
		}
		if len(named) > 0 {
			works, err := s.src.LinkedWorks(ctx, named)
			if err != nil {
				return err
			}
			for _, list := range works {
				for _, id := range list {
					m.ids[id] = true
				}
			}
		}
		sets = append(sets, m)
	}
	// The entities in every complete set; a word that matched more than the pool is checked
	// against the titles of those entities instead.
	var in map[int64]bool
	var unchecked []string
	for i, m := range sets {
		if m.truncated {
			unchecked = append(unchecked, s.words[i])
			continue
		}
		if in == nil {
			in = m.ids
			continue
		}
		for id := range in {
			if !m.ids[id] {
				delete(in, id)
			}
		}
	}
	if len(in) == 0 || len(in) > candidatePool {
		return nil
	}
	ids := make([]int64, 0, len(in))
	for id := range in {
		ids = append(ids, id)
	}
	terms, err := s.src.TermsOf(ctx, ids)
	if err != nil {
		return err
	}
	slices.SortFunc(terms, func(a, b Term) int { return cmp.Compare(a.Field, b.Field) })
	best := map[int64]Term{}
	has := map[int64]map[string]bool{}
	for _, t := range terms {
		if _, ok := best[t.EntityID]; !ok {
			best[t.EntityID] = t
		}
		for _, w := range unchecked {
			if strings.Contains(t.Key, w) {
				if has[t.EntityID] == nil {
					has[t.EntityID] = map[string]bool{}
				}
				has[t.EntityID][w] = true
			}
		}
	}
	for id, t := range best {
		if len(has[id]) == len(unchecked) {
			s.consider(t, TierWords, 0)
		}
	}
	return nil
}

// maxNamed is how many people, characters or companies named by a query offer their works.
const maxNamed = 3

// linkedWorks offers the works of the people, characters and companies whose name the query
// is: searching for a director finds the director's films too, after everything whose own
// title matches.
func (s *searcher) linkedWorks(ctx context.Context) error {
	if len(s.q.Kinds) > 0 && !slices.Contains(s.q.Kinds, wiki.KindWork) {
		return nil
	}
	var named []int64
	for id, r := range s.found {
		switch r.Matched.Kind {
		case wiki.KindPerson, wiki.KindCharacter, wiki.KindCompany:
			if r.Tier <= TierAlias {
				named = append(named, id)
			}
		}
	}
	if len(named) == 0 || len(named) > maxNamed {
		return nil
	}
	works, err := s.src.LinkedWorks(ctx, named)
	if err != nil {
		return err
	}
	for who, list := range works {
		for _, id := range list {
			s.consider(Term{EntityID: id, Kind: wiki.KindWork, Field: FieldReading, Text: s.found[who].Matched.Text}, TierLinked, 0)
		}
	}
	return nil
}

// results fetches the facts of what was found, filters, ranks and cuts the page asked for.
func (s *searcher) results(ctx context.Context) (Results, error) {
	ids := make([]int64, 0, len(s.found))
	for id := range s.found {
		ids = append(ids, id)
	}
	facts, err := s.src.SearchFacts(ctx, ids, len(s.q.Topics) > 0)
	if err != nil {
		return Results{}, err
	}
	list := make([]Result, 0, len(facts))
	for id, r := range s.found {
		f, ok := facts[id]
		if !ok || !s.keep(f) {
			continue
		}
		r.Facts = f
		list = append(list, *r)
	}
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
	out := Results{Total: len(list)}
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
