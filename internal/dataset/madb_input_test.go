package dataset

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"kioku/internal/wiki"
)

// writeMADBFile writes a test file into dir, gzip-compressed when the name ends in .gz.
func writeMADBFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	if strings.HasSuffix(name, ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(content)
		zw.Close()
		content = b.Bytes()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// madbGraph wraps entries into a JSON-LD file.
func madbGraph(entries ...string) []byte {
	return []byte(`{"@context": {"schema": "https://schema.org/"}, "@graph": [` + strings.Join(entries, ",\n") + `]}`)
}

func TestReadMADBBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	good := madbGraph(`{"@id": "https://mediaarts-db.bunka.go.jp/id/C1", "@type": "class:AnimationTVSpecialSeries", "identifier": "C1", "name": "テスト"}`)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(good)
	zw.Close()
	tests := []struct {
		name    string
		content []byte
		want    []string // words the error must hold
	}{
		{"truncated.json.gz", zipped.Bytes()[:zipped.Len()/2], []string{"truncated.json.gz", "truncated"}},
		{"trailer-cut.json.gz", zipped.Bytes()[:zipped.Len()-4], []string{"trailer-cut.json.gz", "truncated"}},
		{"truncated.json", good[:len(good)-10], []string{"truncated.json", "truncated"}},
		{"text.json", []byte("hello, world"), []string{"text.json", "not JSON-LD"}},
		{"array.json", []byte(`[1, 2]`), []string{"array.json", "not JSON-LD"}},
		{"nograph.json", []byte(`{"@context": {}}`), []string{"nograph.json", "not JSON-LD"}},
		{"graphobject.json", []byte(`{"@graph": {}}`), []string{"graphobject.json", "not JSON-LD"}},
		{"after.json", append(slices.Clone(good), "garbage"...), []string{"after.json", "not JSON-LD"}},
		{"empty.json", nil, []string{"empty.json", "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			set, err := ReadMADB(path)
			if err == nil {
				t.Fatalf("ReadMADB(%s) = %d works, want an error", tt.name, len(set.Works))
			}
			t.Logf("%s: %v", tt.name, err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	t.Run("real file truncated", func(t *testing.T) {
		real := filepath.Join(madbDir, "metadata_an-col_an208_00001.json.gz")
		b, err := os.ReadFile(real)
		if err != nil {
			t.Skipf("MADB files not found: %v", err)
		}
		path := filepath.Join(t.TempDir(), "metadata_an-col_an208_00001.json.gz")
		if err := os.WriteFile(path, b[:len(b)*2/3], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadMADB(path); err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("ReadMADB(truncated an208) error = %v, want one saying truncated", err)
		}
	})
	t.Run("no files", func(t *testing.T) {
		for _, paths := range [][]string{nil, {filepath.Join(dir, "missing")}, {t.TempDir()}} {
			if _, err := ReadMADB(paths...); err == nil {
				t.Errorf("ReadMADB(%q) gave no error", paths)
			}
		}
	})
}

func TestReadMADBBadRecords(t *testing.T) {
	dir := t.TempDir()
	tv := func(id, name string) string {
		return `{"@id": "https://mediaarts-db.bunka.go.jp/id/` + id + `", "rdf:type": "class:Collection", "genre": "テレビレギュラーアニメシリーズ", "identifier": "` + id + `", ` + name + `}`
	}
	content := madbGraph(
		tv("C1", `"name": ["ＴＶ　テスト", {"@language": "ja-hrkt", "@value": "テレビテスト"}], "startDate": "2001-02-30", "programDuration": "2.5"`),
		tv("C2", `"label": "", "name": "　"`),
		tv("C3", `"name": {"nonsense": 1}`),
		tv("C4", "\"name\": \"\xff\xfeテスト\""),
		`"just a string"`,
		`{"@id": "https://mediaarts-db.bunka.go.jp/id/C5", "@type": "class:AnimationTVProgram", "identifier": "C5", "name": "話"}`,
		`{"@id": "_:b1", "duration": "5"}`,
		`{"@id": "https://mediaarts-db.bunka.go.jp/id/C6", "@type": "class:AnimationMovieSeries", "identifier": "C6", "name": "映画", "hasPart": "_:b1", "datePublished": "1999"}`,
		`{"@id": "https://mediaarts-db.bunka.go.jp/id/M7", "@type": "class:AnimationVideoPackage", "identifier": "M7", "name": "迷子"}`,
		`{"@id": true}`,
	)
	path := writeMADBFile(t, dir, "bad.json", content)
	set, err := ReadMADB(path)
	if err != nil {
		t.Fatalf("ReadMADB: %v", err)
	}
	wantBad := []BadRecord{
		{File: "bad.json", ID: "C2", Reason: "no title"},
		{File: "bad.json", ID: "C3", Reason: "wrong shape: an object without a text @value"},
		{File: "bad.json", ID: "C4", Reason: "invalid UTF-8 in the record"},
		{File: "bad.json", ID: "entry 5", Reason: "wrong shape: cannot unmarshal string into Go value of type dataset.madbRaw"},
		{File: "bad.json", ID: "C5", Reason: `record type "class:AnimationTVProgram" is not one the reader knows`},
		{File: "bad.json", ID: "entry 10"},
		{File: "bad.json", ID: "M7", Reason: "video package with no series (isPartOf), and no single OVA series has its title"},
	}
	if diff := cmp.Diff(wantBad, set.Bad, cmp.Comparer(func(a, b BadRecord) bool {
		// The wording of encoding/json's own errors is not ours to pin down.
		return a.File == b.File && a.ID == b.ID && (a.Reason == "" || b.Reason == "" || a.Reason == b.Reason ||
			strings.HasPrefix(a.Reason, "wrong shape") && strings.HasPrefix(b.Reason, "wrong shape"))
	})); diff != "" {
		t.Errorf("Bad mismatch (-want +got):\n%s", diff)
	}
	wantWorks := []Work{
		{ID: "C1", Medium: wiki.MediumTV, Title: "ＴＶ テスト", TitleKana: "テレビテスト", EpisodeMinutes: 3,
			ExternalIDs: []ExternalID{{SiteMADB, "C1"}}, Problems: []string{`start date "2001-02-30" is not a calendar date`}},
		{ID: "C6", Medium: wiki.MediumFilm, Title: "映画", Start: "1999", EpisodeMinutes: 5, ExternalIDs: []ExternalID{{SiteMADB, "C6"}}},
	}
	if diff := cmp.Diff(wantWorks, set.Works, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Works mismatch (-want +got):\n%s", diff)
	}
	if set.Read != 9 {
		t.Errorf("Read = %d, want 9 (typed entries and entries of the wrong shape, not blank nodes)", set.Read)
	}
}

// TestReadMADBMapping checks the rules that join records of different files, on small
// made-up files: film series, packages, duplicates, and any subset of files.
func TestReadMADBMapping(t *testing.T) {
	dir := t.TempDir()
	id := func(s string) string { return `"https://mediaarts-db.bunka.go.jp/id/` + s + `"` }
	series := func(s, name, extra string) string {
		return `{"@id": ` + id(s) + `, "@type": "class:AnimationMovieSeries", "identifier": "` + s + `", "name": "` + name + `"` + extra + `}`
	}
	film := func(m, label, parent, extra string) string {
		return `{"@id": ` + id(m) + `, "@type": "class:AnimationMovie", "identifier": "` + m + `", "label": "` + label +
			`", "name": "` + label + `", "isPartOf": ` + id(parent) + `, "contentRating": "G"` + extra + `}`
	}
	seriesFile := writeMADBFile(t, dir, "series.json.gz", madbGraph(
		series("C10", "一本", `, "startDate": "2000-01-02", "contributor": "[監督]山田太郎", "hasPart": "_:b0"`),
		`{"@id": "_:b0", "duration": "90"}`,
		series("C20", "二本", `, "contributor": "[監督]鈴木一郎"`),
		series("C30", "再上映", `, "startDate": "2001"`),
		series("C40", "単独", `, "startDate": "2002"`),
	))
	filmFile := writeMADBFile(t, dir, "films.json", madbGraph(
		film("M11", "一本", "C10", ""),
		film("M21", "二本 前編", "C20", `, "datePublished": "2003-04"`),
		film("M22", "二本 後編", "C20", ""),
		film("M32", "再上映", "C30", `, "duration": "80"`),
		film("M31", "再 上映", "C30", ""),
	))
	ova := writeMADBFile(t, dir, "ova.json", madbGraph(
		`{"@id": `+id("C50")+`, "@type": "class:AnimationVideoPackageSeries", "identifier": "C50", "name": "OVA", "datePublished": "2004-05-06"}`,
		`{"@id": `+id("C51")+`, "@type": "class:AnimationVideoPackageSeries", "identifier": "C51", "name": "OVA", "datePublished": "2004-05-06"}`,
		`{"@id": `+id("M52")+`, "@type": "class:AnimationVideoPackage", "identifier": "M52", "label": "OVA", "isPartOf": `+id("C50")+`, "datePublished": "2004-05-06", "firstAppearance": "1", "mediaFormat": "DVD", "productID": "ABCD-1 ／ ABCD-2", "actor": "【主人公】声優一"}`,
		`{"@id": `+id("M53")+`, "@type": "class:AnimationVideoPackage", "identifier": "M53", "label": "OVA", "alternativeHeadline": "OVA 第2話", "isPartOf": `+id("C51")+`, "datePublished": "2004-08", "firstAppearance": "1", "note": "[品番][DVD]EFGH-3 ／ [品番][VC]IJKL-4"}`,
		`{"@id": `+id("M54")+`, "@type": "class:AnimationVideoPackage", "identifier": "M54", "label": "OVA", "isPartOf": `+id("C99")+`}`,
	))

	set, err := ReadMADB(seriesFile, filmFile, ova)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Work{}
	for _, w := range set.Works {
		got[w.ID] = w
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range got {
			if !yield(id) {
				return
			}
		}
	})
	if want := []string{"C40", "C50", "M11", "M21", "M22", "M31"}; !slices.Equal(ids, want) {
		t.Errorf("works = %v, want %v", ids, want)
	}
	// One film: merged, the series filling in date, staff and length.
	if w := got["M11"]; w.Series != "C10" || w.Start != "2000-01-02" || w.EpisodeMinutes != 90 ||
		!slices.Contains(w.Credits, Credit{Name: "山田太郎", Role: "Director", RoleText: "監督"}) {
		t.Errorf("M11 = %+v", w)
	}
	// Two different films: a franchise.
	if diff := cmp.Diff([]Franchise{{ID: "C20", Title: "二本", Works: []string{"M21", "M22"},
		Credits: []Credit{{Name: "鈴木一郎", Role: "Director", RoleText: "監督"}}}}, set.Franchises, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("franchises mismatch (-want +got):\n%s", diff)
	}
	if w := got["M21"]; w.Series != "C20" || w.Start != "2003-04" {
		t.Errorf("M21 = series %q start %q", w.Series, w.Start)
	}
	// Two records of one film: the lowest id stays.
	if w := got["M31"]; w.Series != "C30" || w.EpisodeMinutes != 80 || w.Start != "2001" ||
		!slices.Contains(w.Problems, "merged duplicate record M32 (same title, medium and start date)") {
		t.Errorf("M31 = %+v", w)
	}
	// A series without a film is a film.
	if w := got["C40"]; w.Medium != wiki.MediumFilm || w.Series != "" {
		t.Errorf("C40 = %+v", w)
	}
	// Duplicate OVA series merged with their packages.
	w := got["C50"]
	wantReleases := []Release{
		{ID: "M52", Region: "JP", Language: "ja", Title: "OVA", Date: "2004-05-06", Format: "DVD", Catalog: "ABCD-1, ABCD-2"},
		{ID: "M53", Region: "JP", Language: "ja", Title: "OVA 第2話", Date: "2004-08", Format: "DVD, VHS", Catalog: "EFGH-3, IJKL-4"},
	}
	if diff := cmp.Diff(wantReleases, w.Releases); diff != "" {
		t.Errorf("C50 releases mismatch (-want +got):\n%s", diff)
	}
	if w.Start != "2004-05-06" || len(w.Cast) != 1 || !slices.Contains(w.Problems, "merged duplicate record C51 (same title, medium and start date)") {
		t.Errorf("C50 = start %s, cast %v, problems %q", w.Start, w.Cast, w.Problems)
	}
	// The package of a series not read is attached by title only when one series has it:
	// here two records had the title before they were merged, so it is not.
	if diff := cmp.Diff([]BadRecord{{File: "ova.json", ID: "M54", Reason: "video package of series C99, which is not in the files read, and no single OVA series has its title"}}, set.Bad); diff != "" {
		t.Errorf("Bad mismatch (-want +got):\n%s", diff)
	}

	// Films without their series file stand alone, with no series named.
	alone, err := ReadMADB(filmFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(alone.Works) != 5 || len(alone.Franchises) != 0 || alone.Works[0].Series != "" {
		t.Errorf("films alone: %d works, %d franchises, first series %q", len(alone.Works), len(alone.Franchises), alone.Works[0].Series)
	}
	// The version is the same whatever the order and names of the files.
	again, err := ReadMADB(ova, filmFile, seriesFile)
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != set.Version {
		t.Errorf("version %q differs from %q for the same files", again.Version, set.Version)
	}
}
