package dataset

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// maxFuzzFile bounds the data files the fuzz targets read. The real files are megabytes, but
// each record is read on its own, so a few kilobytes hold every shape a record can take.
const maxFuzzFile = 64 << 10

// madbAccounted sums what a MADB read made of its records, which must come to set.Read: every
// record read is a work, a release, a franchise, a series merged into its film, a duplicate
// merged into another record, an agent, or bad.
func madbAccounted(set *Set) int {
	franchises := map[string]bool{}
	for _, f := range set.Franchises {
		franchises[f.ID] = true
	}
	sum, mergedSeries := 0, map[string]bool{}
	for _, w := range set.Works {
		sum += 1 + len(w.Releases)
		for _, p := range w.Problems {
			if strings.HasPrefix(p, "merged duplicate record") {
				sum++
			}
			if s, ok := strings.CutPrefix(p, "merged film series "); ok && len(strings.Fields(s)) > 0 {
				mergedSeries[strings.Fields(s)[0]] = true
			}
		}
		if w.Series != "" && !franchises[w.Series] {
			mergedSeries[w.Series] = true
		}
	}
	return sum + len(set.Franchises) + len(mergedSeries) + len(set.Agents) + len(set.Bad)
}

// FuzzReadMADB checks that no pair of files makes the MADB reader panic, that a read either
// fails or accounts for every record, and that what it gives is valid UTF-8. The fuzzed text is
// the entries of each file's @graph list, which keeps most inputs JSON-LD enough to reach the
// records (FuzzLDDecoder fuzzes the rest of the syntax); the first file is gzip-compressed when
// zip is set.
func FuzzReadMADB(f *testing.F) {
	id := func(s string) string { return `"https://mediaarts-db.bunka.go.jp/id/` + s + `"` }
	entries := func(e ...string) string { return strings.Join(e, ",\n") }
	f.Add(entries(
		`{"@id": `+id("C10")+`, "@type": "class:AnimationMovieSeries", "identifier": "C10", "name": "一本", "startDate": "2000-01-02", "contributor": "[監督]山田太郎", "hasPart": "_:b0"}`,
		`{"@id": "_:b0", "duration": "90"}`,
		`{"@id": `+id("C20")+`, "@type": "class:AnimationMovieSeries", "identifier": "C20", "name": "二本", "contributor": "[監督]鈴木一郎"}`,
	), entries(
		`{"@id": `+id("M11")+`, "@type": "class:AnimationMovie", "identifier": "M11", "label": "一本", "name": "一本", "isPartOf": `+id("C10")+`}`,
		`{"@id": `+id("M21")+`, "@type": "class:AnimationMovie", "identifier": "M21", "label": "二本 前編", "name": "二本 前編", "isPartOf": `+id("C20")+`, "datePublished": "2003-04"}`,
		`{"@id": `+id("M22")+`, "@type": "class:AnimationMovie", "identifier": "M22", "label": "二本 後編", "name": "二本 後編", "isPartOf": `+id("C20")+`}`,
	), true)
	f.Add(entries(
		`{"@id": `+id("C50")+`, "@type": "class:AnimationVideoPackageSeries", "identifier": "C50", "name": "OVA", "datePublished": "2004-05-06"}`,
		`{"@id": `+id("C51")+`, "@type": "class:AnimationVideoPackageSeries", "identifier": "C51", "name": "OVA", "datePublished": "2004-05-06"}`,
		`{"@id": `+id("M52")+`, "@type": "class:AnimationVideoPackage", "identifier": "M52", "label": "OVA", "isPartOf": `+id("C50")+`, "datePublished": "2004-05-06", "firstAppearance": "1", "mediaFormat": "DVD", "productID": "ABCD-1 ／ ABCD-2", "actor": "【主人公】声優一"}`,
		`{"@id": `+id("M53")+`, "@type": "class:AnimationVideoPackage", "identifier": "M53", "label": "OVA", "alternativeHeadline": "OVA 第2話", "isPartOf": `+id("C51")+`, "datePublished": "2004-08", "note": "[品番][DVD]EFGH-3 ／ [品番][VC]IJKL-4"}`,
		`{"@id": `+id("M54")+`, "@type": "class:AnimationVideoPackage", "identifier": "M54", "label": "OVA", "isPartOf": `+id("C99")+`}`,
	), "", false)
	f.Add(entries(
		`{"@id": `+id("C1")+`, "rdf:type": "class:Collection", "genre": "テレビレギュラーアニメシリーズ", "identifier": "C1", "name": ["ＴＶ　テスト", {"@language": "ja-hrkt", "@value": "テレビテスト"}], "startDate": "2001-02-30", "programDuration": "2.5", "contributor": "原作:A 声の出演:B/C〈x〉監督:D", "productionCompany": "[アニメーション制作]スタジオ ／ x"}`,
		"{\"@id\": "+id("C4")+", \"@type\": \"class:AnimationTVRegularSeries\", \"identifier\": \"C4\", \"name\": \"\xff\xfeテスト\"}",
		`"just a string"`, `{"@id": true}`, `{"@id": "_:b1", "duration": "5"}`,
		`{"@id": `+id("A1")+`, "@type": "class:Agent", "identifier": "A1", "name": "山田太郎", "sameAs": "https://id.ndl.go.jp/auth/ndlna/00000001"}`,
	), `{"@id": `+id("C1")+`, "@type": "class:AnimationTVRegularSeries", "identifier": "C1", "name": "重複"}`, false)
	f.Add(`{"@id": `+id("C1")+`, "@type": "class:AnimationTVRegularSeries", "identifier": "C1", "name": "x"}`, "", false)
	f.Add(`]}, "x": [`, `{}]}`, false)
	f.Fuzz(func(t *testing.T, a, b string, zip bool) {
		if len(a)+len(b) > maxFuzzFile {
			t.Skip("longer than the fuzz bound")
		}
		dir := t.TempDir()
		name := "a.json"
		if zip {
			name += ".gz" // writeMADBFile compresses it
		}
		paths := []string{writeMADBFile(t, dir, name, madbGraph(a))}
		if b != "" {
			paths = append(paths, writeMADBFile(t, dir, "b.json", madbGraph(b)))
		}
		set, err := ReadMADB(paths...)
		if err != nil {
			if !strings.Contains(err.Error(), "madb: ") {
				t.Errorf("error %q does not say it is about MADB files", err)
			}
			return
		}
		if sum := madbAccounted(set); sum != set.Read {
			t.Errorf("records accounted for = %d, want Read = %d", sum, set.Read)
		}
		for _, w := range set.Works {
			if !utf8.ValidString(w.Title) || !utf8.ValidString(w.TitleKana) || w.Title == "" {
				t.Errorf("work %s has the title %q (%q)", w.ID, w.Title, w.TitleKana)
			}
		}
		for _, a := range set.Agents {
			if !utf8.ValidString(a.Name) {
				t.Errorf("agent %s has the name %q", a.ID, a.Name)
			}
		}
	})
}

// FuzzDates checks that PartialDate gives a canonical date that it accepts again unchanged,
// and that LocalDate never panics on any instant and region, time zone names included.
func FuzzDates(f *testing.F) {
	for _, s := range [][2]string{
		{"1995-12-23", "JP"}, {"1995/1/5", "ja"}, {"2024-02-29", "zh-Hans"}, {"0000-01-01", "US"},
		{"1995-12-23T15:00:00.000Z", "Asia/Tokyo"}, {"1949-06-01T14:30:00Z", "JP"},
		{"9999-12-31T23:59:59Z", "../../../etc/passwd"}, {"2006-04-07T00:00:00+09:00", "/etc/localtime"},
		{"1995.12", "Local"}, {" 1995-12 ", ""}, {"1995-1-", "UTC"}, {"１９９５", "\x00"}, {"-001-01-01T00:00:00Z", "zh-Hant"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		if len(s) > 1<<10 || len(region) > 1<<10 {
			t.Skip("longer than the fuzz bound")
		}
		if d, ok := PartialDate(s); ok {
			if again, ok := PartialDate(d); !ok || again != d || len(d) < 4 {
				t.Errorf("PartialDate(%q) = %q, which gives %q, %v", s, d, again, ok)
			}
		} else if d != "" {
			t.Errorf("PartialDate(%q) refused but gave %q", s, d)
		}
		if d, err := LocalDate(s, region); err == nil {
			if _, ok := PartialDate(d); !ok {
				t.Errorf("LocalDate(%q, %q) = %q, not a date", s, region, d)
			}
		}
	})
}
