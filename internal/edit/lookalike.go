package edit

import (
	"context"
	"strings"

	"kioku/internal/search"
	"kioku/internal/wiki"
)

// Lookalikes lists the pages of a kind whose name or other title is name, compared as search
// compares them (case, width, kana, long vowels, spacing and punctuation aside): a page a person
// about to create one should see first, in case it is the same. Facts carry each one's year and
// type for telling them apart.
func (s *Service) Lookalikes(ctx context.Context, kind wiki.Kind, name string) ([]search.Result, error) {
	name, problem := wiki.CleanText(name, false)
	if problem != "" || strings.TrimSpace(name) == "" || len([]rune(name)) > search.MaxQuery {
		return nil, nil
	}
	res, err := search.Search(ctx, s.Store, search.Query{Text: name, Kinds: []wiki.Kind{kind}, Limit: 10})
	if err != nil {
		return nil, err
	}
	var out []search.Result
	for _, r := range res.Results {
		if r.Tier <= search.TierAlias {
			out = append(out, r)
		}
	}
	return out, nil
}
