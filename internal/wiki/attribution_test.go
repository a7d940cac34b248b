package wiki

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReattribute(t *testing.T) {
	src := Source{Key: "bangumi-data:bangumi:3627", Dataset: "bangumi-data", Record: "bangumi:3627", Version: "v1",
		Fields: []string{"name", "start_date"}}
	old := &Work{Name: "MEMORIES", StartDate: "1995-12-23", Medium: MediumFilm, Sources: []Source{src},
		Titles: []Title{{Key: "t1", Language: "zh-Hans", Kind: "official", Text: "回忆三部曲", Source: src.Key}}}

	// A person renames the work and fixes the title: those no longer stand on the source's word.
	byPerson := Clone(old)
	byPerson.Name = "Memories"
	byPerson.Titles[0].Text = "回忆"
	Reattribute(old, byPerson)
	if got := byPerson.Sources[0].Fields; !cmp.Equal(got, []string{"start_date"}) {
		t.Errorf("fields after a person's edit: %v, want only start_date", got)
	}
	if byPerson.Titles[0].Source != "" {
		t.Errorf("the changed title still names its source")
	}

	// An import brings its source's new version: its attributions stand.
	byImport := Clone(old)
	byImport.Name = "Memories (1995)"
	byImport.Sources[0].Version = "v2"
	Reattribute(old, byImport)
	if got := byImport.Sources[0].Fields; !cmp.Equal(got, []string{"name", "start_date"}) {
		t.Errorf("fields after an import: %v", got)
	}
}

func TestValidDate(t *testing.T) {
	for date, want := range map[string]bool{
		"1995": true, "1995-12": true, "1995-12-23": true, "2024-02-29": true,
		"2023-02-29": false, "2024-02-30": false, "2024-04-31": false, "0000-01-01": false, "0000": false,
		"1995-13": false, "95-12-23": false, "1995/12/23": false, "": false,
	} {
		if got := ValidDate(date); got != want {
			t.Errorf("ValidDate(%q) = %v, want %v", date, got, want)
		}
	}
}

func TestExternalIDs(t *testing.T) {
	valid := []ExternalID{{Site: "anidb", ID: "1240"}, {Site: "tmdb", ID: "movie/42994"}, {Site: "tmdb", ID: "tv/1/season/2"},
		{Site: "madb", ID: "M4026"}, {Site: "wikidata", ID: "Q1057342"}}
	for _, x := range valid {
		w := &Work{Name: "W", Medium: MediumFilm, ExternalIDs: []ExternalID{x}}
		if err := w.Validate(); err != nil {
			t.Errorf("%+v: %v", x, err)
		}
	}
	for _, ids := range [][]ExternalID{
		{{Site: "anidb", ID: "0"}},
		{{Site: "anidb", ID: "12a"}},
		{{Site: "myspace", ID: "1"}},
		{{Site: "viaf", ID: "123"}}, // VIAF names people, not works
		{{Site: "anidb", ID: "1"}, {Site: "anidb", ID: "2"}},
		{{Site: "tmdb", ID: "person/3"}},
	} {
		w := &Work{Name: "W", Medium: MediumFilm, ExternalIDs: ids}
		if err := w.Validate(); err == nil {
			t.Errorf("%+v was accepted", ids)
		}
	}
}
