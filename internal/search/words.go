package search

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"kioku/internal/wiki"
)

// The broader steps of a search: a query's words found in any order, and a name in the query
// standing for the works of whoever bears it.

// everyWord finds the entities whose titles hold every word of the query, in any order.
func (s *searcher) everyWord(ctx context.Context) error {
	// The entities found by every word that the index can look for inside titles: the longest
	// first, as they are the rarest, so that the sets shrink fast. Short words (which trigrams
	// cannot find inside a title, or find in thousands) and words that matched more than the
	// pool are checked against the titles of those entities instead.
	words := slices.Clone(s.words)
	slices.SortStableFunc(words, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	shortest := 4
	if utf8.RuneCountInString(words[0]) < shortest {
		shortest = 3
	}
	var unchecked, looked []string
	var lookups []Lookup
	for _, w := range words {
		if utf8.RuneCountInString(w) < shortest {
			unchecked = append(unchecked, w)
			continue
		}
		looked = append(looked, w)
		lookups = append(lookups, Lookup{Key: w, Mode: Contains, Kinds: s.q.Kinds, Limit: candidatePool})
	}
	found, err := s.src.SearchTerms(ctx, lookups...)
	if err != nil {
		return err
	}
	var in map[int64]bool
	for i, terms := range found {
		if len(terms) >= candidatePool {
			unchecked = append(unchecked, looked[i])
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
	terms, err := s.src.TermsOf(ctx, keysOf(in), unchecked...)
	if err != nil {
		return err
	}
	s.matchWords(terms, unchecked, TierWords, nil)
	return nil
}

// matchWords considers, at the given tier, the entities of terms whose titles hold every one of
// words. via, when set, gives the name that brought each entity (a person's, for their works),
// and leaves out the entities it does not name.
func (s *searcher) matchWords(terms []Term, words []string, tier Tier, via map[int64]string) {
	has := map[int64]map[string]bool{}
	best := map[int64]Term{}
	closest := map[int64]int{}
	for _, t := range terms {
		if via != nil && via[t.EntityID] == "" {
			continue
		}
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
		if via != nil {
			t.Text, t.Field = via[id], FieldReading
		}
		s.consider(t, tier, closest[id])
	}
}

func keysOf[V any](set map[int64]V) []int64 {
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
	maxNamedWorks = 300 // works of theirs checked against the title words, in all
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
	type split struct {
		name, rest []string
		via        map[int64]string // works of the people named, with the name that matched
	}
	splits := []*split{{name: s.words}}
	for i := 1; i < n; i++ {
		splits = append(splits, &split{name: s.words[:i], rest: s.words[i:]}, &split{name: s.words[i:], rest: s.words[:i]})
	}
	var lookups []Lookup
	var asked []*split
	for _, sp := range splits {
		if name := strings.Join(sp.name, ""); utf8.RuneCountInString(name) >= 2 {
			lookups = append(lookups, Lookup{Key: name, Mode: Prefix, Kinds: people, Limit: maxNamed})
			asked = append(asked, sp)
		}
	}
	found, err := s.src.SearchTerms(ctx, lookups...)
	if err != nil {
		return err
	}
	named := map[int64]string{}
	who := make([]map[int64]string, len(asked))
	for i, terms := range found {
		who[i] = map[int64]string{}
		for _, t := range terms {
			// A name alone must be whole; with title words, the start of a name will do.
			if t.Key == lookups[i].Key || len(asked[i].rest) > 0 {
				who[i][t.EntityID], named[t.EntityID] = t.Text, t.Text
			}
		}
	}
	if len(named) == 0 {
		return nil
	}
	works, err := s.src.LinkedWorks(ctx, keysOf(named))
	if err != nil {
		return err
	}
	// A name alone offers its works as they are; with title words, the works whose titles
	// hold them.
	all := map[int64]string{}
	for i, sp := range asked {
		sp.via = map[int64]string{}
		for person, name := range who[i] {
			for _, w := range works[person] {
				if len(sp.rest) == 0 {
					s.consider(Term{EntityID: w, Kind: wiki.KindWork, Field: FieldReading, Text: name}, TierLinked, 0)
				} else if _, ok := all[w]; ok || len(all) < maxNamedWorks {
					sp.via[w], all[w] = name, name
				}
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	terms, err := s.src.TermsOf(ctx, keysOf(all), s.words...)
	if err != nil {
		return err
	}
	for _, sp := range asked {
		if len(sp.rest) > 0 {
			s.matchWords(terms, sp.rest, TierWords, sp.via)
		}
	}
	return nil
}
