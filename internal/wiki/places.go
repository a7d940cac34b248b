package wiki

import (
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Releases name their country by its ISO 3166 code ("JP") and their language by a BCP 47 tag
// ("ja", "zh-Hant"); people may type either or the English name ("Japan", "Japanese"), which
// CanonicalRegion and CanonicalLanguage turn into the code, so that one release is not both
// "Japan/Japanese" and "JP/ja".

// Place is a country or a language as the forms offer it: its code and its English name.
type Place struct {
	Code string
	Name string
}

// placeLists holds the lists the forms offer and, for looking up what people type, each code
// and name in lower case with the code it stands for.
type placeLists struct {
	regions, languages   []Place
	regionOf, languageOf map[string]string
}

var places = sync.OnceValue(func() placeLists {
	var regions, languages []Place
	regionNames, languageNames := display.English.Regions(), display.English.Languages()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if r, err := language.ParseRegion(code); err == nil && r.IsCountry() && r.String() == code {
				if name := regionNames.Name(r); name != "" && name != code {
					regions = append(regions, Place{Code: code, Name: name})
				}
			}
			base, err := language.ParseBase(strings.ToLower(code))
			if err != nil || base.String() != strings.ToLower(code) {
				continue
			}
			if name := languageNames.Name(base); name != "" && name != base.String() {
				languages = append(languages, Place{Code: base.String(), Name: name})
			}
		}
	}
	// Scripts and variants the data sets and readers use.
	for _, code := range []string{"zh-Hans", "zh-Hant", "pt-BR", "en-US", "en-GB", "es-419", "x-jat"} {
		name := languageNames.Name(language.Make(code))
		if code == "x-jat" {
			name = "Japanese (romanised)"
		}
		languages = append(languages, Place{Code: code, Name: name})
	}
	byName := func(list []Place) {
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	byName(regions)
	byName(languages)
	lookup := func(list []Place) map[string]string {
		m := make(map[string]string, 2*len(list))
		for _, p := range list {
			m[strings.ToLower(p.Code)], m[strings.ToLower(p.Name)] = p.Code, p.Code
		}
		return m
	}
	return placeLists{regions: regions, languages: languages, regionOf: lookup(regions), languageOf: lookup(languages)}
})

// Regions lists the countries a release may name, by English name.
func Regions() []Place { return places().regions }

// Languages lists the languages the forms offer, by English name.
func Languages() []Place { return places().languages }

// CanonicalRegion returns the ISO 3166 code of a country given by its code in any case or by
// its English name, and whether it is one.
func CanonicalRegion(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if code, ok := places().regionOf[strings.ToLower(s)]; ok {
		return code, true
	}
	for _, p := range Regions() {
		// "Hong Kong" for "Hong Kong SAR China": the name before the words that qualify it.
		if len(s) > 3 && hasPrefixFold(p.Name, s+" ") {
			return p.Code, true
		}
	}
	return s, false
}

// CanonicalLanguage returns the BCP 47 tag of a language given by a tag in any case or by its
// English name, and whether it is one.
func CanonicalLanguage(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if code, ok := places().languageOf[strings.ToLower(s)]; ok {
		return code, true
	}
	if t, err := language.Parse(s); err == nil && s != "" {
		if base, conf := t.Base(); conf == language.Exact && display.English.Languages().Name(base) != "" {
			return t.String(), true
		}
	}
	return s, false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
