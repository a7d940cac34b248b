package search

import (
	"testing"

	"kioku/internal/wiki"
)

// Each key is held once, under the most important field that gives it and with that field's
// text, whichever field came first.
func TestTermsKeepTheMainField(t *testing.T) {
	doc := &wiki.Work{Name: "Attack on Titan", OriginalTitle: "進撃の巨人", OriginalTitleKana: "シンゲキノキョジン",
		Titles: []wiki.Title{{Language: "x-jat", Kind: "main", Text: "Shingeki no Kyojin"}}}
	terms := Terms(wiki.KindWork, doc)
	seen := map[string]int{}
	for _, term := range terms {
		seen[term.Key]++
	}
	for key, n := range seen {
		if n > 1 {
			t.Errorf("key %q held %d times", key, n)
		}
	}
	romaji := Keys("Shingeki no Kyojin")[0]
	for _, term := range terms {
		if term.Key == romaji && (term.Field != FieldTitle || term.Text != "Shingeki no Kyojin") {
			t.Errorf("the key %q of the romanised reading and of a title: field %d, text %q; want the title's", romaji, term.Field, term.Text)
		}
	}
	if Keys("shingekinokyojin")[0] != romaji {
		t.Fatalf("the reading's romanisation and the title have different keys; the test proves nothing")
	}
}
