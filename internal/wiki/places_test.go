package wiki_test

import (
	"testing"

	"kioku/internal/wiki"
)

func TestCanonicalPlaces(t *testing.T) {
	for in, want := range map[string]string{"JP": "JP", "jp": "JP", "Japan": "JP", "japan": "JP", " United States ": "US", "Hong Kong": "HK"} {
		if got, ok := wiki.CanonicalRegion(in); !ok || got != want {
			t.Errorf("CanonicalRegion(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "Atlantis", "<script>", "XX", "Earth"} {
		if got, ok := wiki.CanonicalRegion(in); ok {
			t.Errorf("CanonicalRegion(%q) = %q, want no country", in, got)
		}
	}
	for in, want := range map[string]string{"ja": "ja", "JA": "ja", "Japanese": "ja", "english": "en", "zh-hant": "zh-Hant", "pt-br": "pt-BR", "x-jat": "x-jat", "ko": "ko"} {
		if got, ok := wiki.CanonicalLanguage(in); !ok || got != want {
			t.Errorf("CanonicalLanguage(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "..", "Klingonese", "zz-bogus"} {
		if got, ok := wiki.CanonicalLanguage(in); ok {
			t.Errorf("CanonicalLanguage(%q) = %q, want no language", in, got)
		}
	}
	if len(wiki.Regions()) < 200 || len(wiki.Languages()) < 100 {
		t.Errorf("%d regions and %d languages offered", len(wiki.Regions()), len(wiki.Languages()))
	}
}
