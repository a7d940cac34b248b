package wiki_test

import (
	"errors"
	"strings"
	"testing"

	"kioku/internal/wiki"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name string
		doc  wiki.Document
		want wiki.Document // after Clean; nil when Clean or Validate must refuse
		// field is a word the refusal must name.
		field string
	}{
		{"NFD becomes NFC", &wiki.Person{Name: "Jose\u0301"}, &wiki.Person{Name: "Jos\u00e9"}, ""},
		{"bidi override removed", &wiki.Work{Name: "\u202eevil\u202c", Medium: wiki.MediumTV},
			&wiki.Work{Name: "evil", Medium: wiki.MediumTV}, ""},
		{"zero-width space removed from a name", &wiki.Character{Name: "Ka\u200bneda"}, &wiki.Character{Name: "Kaneda"}, ""},
		{"zero-width joiner kept in text", &wiki.Character{Name: "K", Description: "a\u200db"},
			&wiki.Character{Name: "K", Description: "a\u200db"}, ""},
		{"line ends of text", &wiki.Topic{Name: "Drama", Description: "one\r\ntwo\rthree\tfour"},
			&wiki.Topic{Name: "Drama", Description: "one\ntwo\nthree\tfour"}, ""},
		{"only invisible characters", &wiki.Person{Name: "\u200b\u200d\u2060"}, nil, "name"},
		{"NUL in a name", &wiki.Person{Name: "Nul\x00byte"}, nil, "name"},
		{"escape sequence in a title", &wiki.Work{Name: "\x1b[31mred", Medium: wiki.MediumTV}, nil, "name"},
		{"tab in a name", &wiki.Person{Name: "a\tb"}, nil, "name"},
		{"newline in a name", &wiki.Person{Name: "a\nb"}, nil, "name"},
		{"NUL in text", &wiki.Person{Name: "a", Description: "x\x00"}, nil, "description"},
		{"invalid UTF-8", &wiki.Person{Name: "a", BirthPlace: "\xff\xfe"}, nil, "birth place"},
		{"lone surrogate", &wiki.Person{Name: "a", BirthPlace: "\xed\xa0\x80"}, nil, "birth place"},
		{"overlong UTF-8", &wiki.Person{Name: "\xc0\xaf"}, nil, "name"},
		{"NUL in a credit note", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Credits: []wiki.Credit{{Key: "a", Person: 1, Role: "Director", Note: "\x00"}}}, nil, "credits 1: note"},
		{"long cast role", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Cast: []wiki.CastMember{{Key: "a", Character: 1, Role: strings.Repeat("x", 101)}}}, nil, "character 1: role"},
		{"a region's code", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Releases: []wiki.Release{{Key: "a", Region: "HK", Language: "zh-Hant", Title: "W"}}},
			&wiki.Work{Name: "W", Medium: wiki.MediumTV, Releases: []wiki.Release{{Key: "a", Region: "HK", Language: "zh-Hant", Title: "W"}}}, ""},
		{"a region's name, not its code", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Releases: []wiki.Release{{Key: "a", Region: "Japan", Language: "ja", Title: "W"}}}, nil, "ISO 3166"},
		{"long voice language", &wiki.Work{Name: "W", Medium: wiki.MediumTV, Cast: []wiki.CastMember{{Key: "a", Character: 1,
			Voices: []wiki.Voice{{Language: strings.Repeat("x", 41), Person: 2}}}}}, nil, "voice 1: language"},
		{"unknown cast role", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Cast: []wiki.CastMember{{Key: "a", Character: 1, Role: "bogus"}}}, nil, "character 1: role"},
		{"markup as a region", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Releases: []wiki.Release{{Key: "a", Region: "<script>", Title: "W"}}}, nil, "region"},
		{"dots as a language", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Releases: []wiki.Release{{Key: "a", Region: "JP", Language: "..", Title: "W"}}}, nil, "language"},
		{"long company role", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Companies: []wiki.CompanyCredit{{Key: "a", Company: 1, Role: strings.Repeat("x", 101)}}}, nil, "company 1: role"},
		{"long release region", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Releases: []wiki.Release{{Key: "a", Region: strings.Repeat("x", 900_000), Title: "W"}}}, nil, "region"},
		{"long key", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Releases: []wiki.Release{{Key: strings.Repeat("k", 101), Region: "JP", Title: "W"}}}, nil, "key"},
		{"too many aliases", &wiki.Work{Name: "W", Medium: wiki.MediumTV, Aliases: make([]string, wiki.MaxItems+1)}, nil, "aliases"},
		{"impossible date", &wiki.Person{Name: "a", BirthDate: "2023-02-29"}, nil, "birth date"},
		{"year zero", &wiki.Person{Name: "a", BirthDate: "0000-01-01"}, nil, "birth date"},
		{"day 31 of April", &wiki.Work{Name: "W", Medium: wiki.MediumTV, StartDate: "2024-04-31"}, nil, "start date"},
		{"unknown rating", &wiki.Work{Name: "W", Medium: wiki.MediumTV, Rating: "zz"}, nil, "rating"},
		{"relation of no known type", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Relations: []wiki.Relation{{Key: "a", Type: "sequel", Work: 2}}}, nil, "relation 1: type"},
		{"the same release twice", &wiki.Work{Name: "W", Medium: wiki.MediumTV, Releases: []wiki.Release{
			{Key: "a", Region: "JP", Language: "ja", Title: "W"}, {Key: "b", Region: "jp", Language: "ja", Title: "W"}}}, nil, "same release twice"},
		{"one character twice", &wiki.Work{Name: "W", Medium: wiki.MediumTV,
			Cast: []wiki.CastMember{{Key: "a", Character: 1}, {Key: "b", Character: 1}}}, nil, "one character twice"},
		{"one company in one role twice", &wiki.Work{Name: "W", Medium: wiki.MediumTV, Companies: []wiki.CompanyCredit{
			{Key: "a", Company: 1, Role: "Producer"}, {Key: "b", Company: 1, Role: "producer"}}}, nil, "one company in one role twice"},
		{"two releases of one region and language", &wiki.Work{Name: "W", Medium: wiki.MediumTV, Releases: []wiki.Release{
			{Key: "a", Region: "JP", Language: "ja", Title: "W", Format: "DVD"}, {Key: "b", Region: "JP", Language: "ja", Title: "W", Format: "Blu-ray"}}},
			&wiki.Work{Name: "W", Medium: wiki.MediumTV, Releases: []wiki.Release{
				{Key: "a", Region: "JP", Language: "ja", Title: "W", Format: "DVD"}, {Key: "b", Region: "JP", Language: "ja", Title: "W", Format: "Blu-ray"}}}, ""},
		{"leap day", &wiki.Person{Name: "a", BirthDate: "2024-02-29"}, &wiki.Person{Name: "a", BirthDate: "2024-02-29"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wiki.Clean(tt.doc)
			if err == nil {
				err = tt.doc.Validate()
			}
			if tt.want == nil {
				var ve *wiki.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("err = %v, want a validation error", err)
				}
				if !strings.Contains(err.Error(), tt.field) {
					t.Errorf("err = %v, want it to name %q", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mustEncode(t, tt.doc), mustEncode(t, tt.want); got != want {
				t.Errorf("cleaned to %s, want %s", got, want)
			}
		})
	}
}

func mustEncode(t *testing.T, doc wiki.Document) string {
	t.Helper()
	b, err := wiki.Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
