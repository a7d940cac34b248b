package dataset

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// anidbPath is the real AniDB titles dump, shared by the project and not copied into it.
var anidbPath = filepath.Join("..", "..", "..", "shared", "data", "anidb-titles", "anime-titles.dat.gz")

// readRealAniDB reads the real dump, skipping the test when it is not there.
func readRealAniDB(tb testing.TB) *Set {
	tb.Helper()
	if _, err := os.Stat(anidbPath); err != nil {
		tb.Skipf("AniDB titles dump not available: %v", err)
	}
	set, err := ReadAniDB(anidbPath)
	if err != nil {
		tb.Fatalf("ReadAniDB(%s): %v", anidbPath, err)
	}
	return set
}

// titleLines counts the title lines a work was built from: each lands in exactly one of
// Title, TitleKana and Titles.
func titleLines(w Work) int {
	n := len(w.Titles)
	if w.Title != "" {
		n++
	}
	if w.TitleKana != "" {
		n++
	}
	return n
}

func TestReadAniDBCounts(t *testing.T) {
	set := readRealAniDB(t)
	if set.Source != AniDB || set.Version != "2025-05-04" {
		t.Errorf("Source, Version = %q, %q; want %q, 2025-05-04", set.Source, set.Version, AniDB)
	}
	if set.Read != 94667 {
		t.Errorf("Read = %d, want 94667 title lines", set.Read)
	}
	if len(set.Works) != 16003 {
		t.Errorf("%d works, want 16003", len(set.Works))
	}
	if len(set.Bad) != 0 {
		t.Errorf("Bad = %v, want none", set.Bad)
	}
	lines := len(set.Bad)
	kinds := map[string]int{}
	prev := 0
	for _, w := range set.Works {
		lines += titleLines(w)
		aid, err := strconv.Atoi(w.ID)
		if err != nil || aid <= prev {
			t.Errorf("work id %q after %d: want ascending numeric aids", w.ID, prev)
		}
		prev = aid
		if want := []ExternalID{{Site: SiteAniDB, ID: w.ID}}; !cmp.Equal(w.ExternalIDs, want) {
			t.Errorf("%s: ExternalIDs = %v, want %v", w.ID, w.ExternalIDs, want)
		}
		if w.Medium != "" || len(w.Problems) != 0 {
			t.Errorf("%s: Medium %q, Problems %v; want none", w.ID, w.Medium, w.Problems)
		}
		if len(w.Titles) == 0 || w.Titles[0].Kind != "main" {
			t.Errorf("%s: first title %v, want the main title", w.ID, w.Titles)
		}
		if w.Title != "" {
			kinds["official"]++ // the Japanese official title
		}
		if w.TitleKana != "" {
			kinds["kana"]++
		}
		for _, title := range w.Titles {
			kinds[title.Kind]++
		}
	}
	if lines != set.Read {
		t.Errorf("title lines in works + bad = %d, want Read = %d", lines, set.Read)
	}
	// The data's line counts per type: 1 16,003; 2 27,220; 3 7,183; 4 43,911; 5 233; 6 117.
	// Types 2, 5 and 6 become synonyms, but for the Japanese readings that became TitleKana.
	want := map[string]int{"main": 16003, "official": 43911, "short": 7183, "synonym": 27220 + 233 + 117 - kinds["kana"], "kana": kinds["kana"]}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("titles per kind (-want +got):\n%s", diff)
	}
	if kinds["kana"] != 222 {
		t.Errorf("%d works with a kana reading, want 222 (223 Japanese readings, one without a Japanese title)", kinds["kana"])
	}
}

func TestReadAniDBRecords(t *testing.T) {
	set := readRealAniDB(t)
	byID := map[string]Work{}
	for _, w := range set.Works {
		byID[w.ID] = w
	}
	anidb := func(id string) []ExternalID { return []ExternalID{{Site: SiteAniDB, ID: id}} }
	tests := []struct {
		name string
		want Work
	}{
		{
			name: "Japanese title with kana reading",
			want: Work{
				ID: "12813", Title: "2002年ばあちゃん[ハルモニ]音頭", TitleKana: "2002ねんハルモニおんど", TitleLanguage: "ja",
				Titles:      []Title{{Language: "x-jat", Kind: "main", Text: "2002-nen Harmoni Ondo"}},
				ExternalIDs: anidb("12813"),
			},
		},
		{
			// Type 5 in romaji is another reading: a synonym.
			name: "readings in two languages",
			want: Work{
				ID: "5571", Title: "ひだまりスケッチ×365", TitleKana: "ひだまりスケッチ×さんろくご", TitleLanguage: "ja",
				Titles: []Title{
					{Language: "x-jat", Kind: "main", Text: "Hidamari Sketch x 365"},
					{Language: "en", Kind: "official", Text: "Hidamari Sketch x 365"},
					{Language: "x-jat", Kind: "synonym", Text: "Hidamari Sketch x San Roku Go"},
					{Language: "x-jat", Kind: "short", Text: "hidaske s2"},
					{Language: "ko", Kind: "official", Text: "히다마리 스케치 X 365"},
					{Language: "zh-Hans", Kind: "synonym", Text: "向阳素描×365"},
				},
				ExternalIDs: anidb("5571"),
			},
		},
		{
			// A Korean work: no Japanese official title, so the reading stays a synonym.
			name: "no Japanese title",
			want: Work{
				ID: "10246",
				Titles: []Title{
					{Language: "x-kot", Kind: "main", Text: "Card Wang Mix Master"},
					{Language: "x-jat", Kind: "synonym", Text: "Card Ou Mix Master"},
					{Language: "pt", Kind: "official", Text: "Mix Master"},
					{Language: "es", Kind: "official", Text: "Mix Master: El rey de las cartas"},
					{Language: "en", Kind: "official", Text: "Mix Master: King of Cards"},
					{Language: "ko", Kind: "official", Text: "카드왕 믹스 마스터"},
					{Language: "ja", Kind: "synonym", Text: "カード王 ミックスマスター"},
					{Language: "ja", Kind: "synonym", Text: "カードおう ミックスマスター"},
				},
				ExternalIDs: anidb("10246"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := byID[tt.want.ID]
			if !ok {
				t.Fatalf("no work %q", tt.want.ID)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("work %s (-want +got):\n%s", tt.want.ID, diff)
			}
		})
	}

	// Titles may hold bars: only the first three separate fields.
	eva := byID["8895"]
	if eva.Title != "シン・エヴァンゲリオン劇場版:||" || eva.Titles[0] != (Title{Language: "x-jat", Kind: "main", Text: "Shin Evangelion Gekijouban:||"}) {
		t.Errorf("8895: Title %q, main %v; want the titles ending in \":||\"", eva.Title, eva.Titles[0])
	}
	// Type 6, the title card's full title, is a synonym.
	gunslinger := byID["1002"]
	card := Title{Language: "ja", Kind: "synonym", Text: "GUNSLINGER GIRL. The girl has a mechanical body. However, she is still an adolescent child."}
	if !slices.Contains(gunslinger.Titles, card) {
		t.Errorf("1002: titles %v, want %v among them", gunslinger.Titles, card)
	}
}

func TestReadAniDBLines(t *testing.T) {
	const header = "# created: Sun May  4 03:00:02 2025\n# <aid>|<type>|<language>|<title>\n# type: 1=primary title\n"
	tests := []struct {
		name    string
		content string
		want    []Work
		wantBad []BadRecord
	}{
		{
			name:    "good lines, CRLF and blank lines",
			content: header + "2|1|x-jat|Two\r\n\n1|4|ja|一\r\n1|1|x-jat|  Ichi  \n1|3|en|I\n   \n1|2|x-jat|Shin Evangelion:||",
			want: []Work{
				{ID: "1", Title: "一", TitleLanguage: "ja", ExternalIDs: []ExternalID{{SiteAniDB, "1"}}, Titles: []Title{
					{Language: "x-jat", Kind: "main", Text: "Ichi"},
					{Language: "en", Kind: "short", Text: "I"},
					{Language: "x-jat", Kind: "synonym", Text: "Shin Evangelion:||"},
				}},
				{ID: "2", ExternalIDs: []ExternalID{{SiteAniDB, "2"}}, Titles: []Title{{Language: "x-jat", Kind: "main", Text: "Two"}}},
			},
		},
		{
			name:    "malformed lines",
			content: header + "1|1|en|\n1|1|en\n1|1\nx|1|en|T\n0|1|en|T\n-1|1|en|T\n1|7|en|T\n1|a|en|T\n1|1| |T\n1|1|ja|T\xff\n99999999999999999999|1|en|T\n1|1|en|   \n",
			wantBad: []BadRecord{
				{"t.dat", "line 4", "empty title"},
				{"t.dat", "line 5", `3 fields, want 4 (aid|type|language|title): "1|1|en"`},
				{"t.dat", "line 6", `2 fields, want 4 (aid|type|language|title): "1|1"`},
				{"t.dat", "line 7", `aid "x" is not a number`},
				{"t.dat", "line 8", `aid "0" is not a number`},
				{"t.dat", "line 9", `aid "-1" is not a number`},
				{"t.dat", "line 10", `unknown title type "7"`},
				{"t.dat", "line 11", `unknown title type "a"`},
				{"t.dat", "line 12", "no language"},
				{"t.dat", "line 13", "invalid UTF-8"},
				{"t.dat", "line 14", `aid "99999999999999999999" is not a number`},
				{"t.dat", "line 15", "empty title"},
			},
		},
		{
			name:    "two primary titles, none, official Japanese twice",
			content: header + "1|1|x-jat|A\n1|1|x-jat|B\n2|2|en|C\n3|1|x-jat|D\n3|4|ja|E\n3|4|ja|F\n",
			want: []Work{
				{ID: "1", ExternalIDs: []ExternalID{{SiteAniDB, "1"}}, Titles: []Title{
					{Language: "x-jat", Kind: "main", Text: "A"},
					{Language: "x-jat", Kind: "synonym", Text: "B"},
				}, Problems: []string{`second primary title "B" kept as a synonym`}},
				{ID: "2", ExternalIDs: []ExternalID{{SiteAniDB, "2"}}, Titles: []Title{
					{Language: "en", Kind: "synonym", Text: "C"},
				}, Problems: []string{"no primary title"}},
				{ID: "3", Title: "E", TitleLanguage: "ja", ExternalIDs: []ExternalID{{SiteAniDB, "3"}}, Titles: []Title{
					{Language: "x-jat", Kind: "main", Text: "D"},
					{Language: "ja", Kind: "official", Text: "F"},
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ReadAniDB(writeFile(t, "t.dat", []byte(tt.content)))
			if err != nil {
				t.Fatalf("ReadAniDB: %v", err)
			}
			if set.Version != "2025-05-04" {
				t.Errorf("Version = %q, want 2025-05-04", set.Version)
			}
			if diff := cmp.Diff(tt.want, set.Works, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("works (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantBad, set.Bad, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("bad (-want +got):\n%s", diff)
			}
			lines := len(set.Bad)
			for _, w := range set.Works {
				lines += titleLines(w)
			}
			if lines != set.Read {
				t.Errorf("title lines in works + bad = %d, want Read = %d", lines, set.Read)
			}
		})
	}
}

func TestReadAniDBVersion(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"header", "# created: Sun May  4 03:00:02 2025\n1|1|x-jat|A\n", "2025-05-04"},
		{"two-digit day", "# created: Tue Nov 25 03:00:01 2025\n1|1|x-jat|A\n", "2025-11-25"},
		{"no header", "1|1|x-jat|A\n", `^sha256:[0-9a-f]{12}$`},
		{"unreadable date", "# created: yesterday\n1|1|x-jat|A\n", `^sha256:[0-9a-f]{12}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ReadAniDB(writeFile(t, "t.dat", []byte(tt.content)))
			if err != nil {
				t.Fatalf("ReadAniDB: %v", err)
			}
			if !regexp.MustCompile(tt.want).MatchString(set.Version) {
				t.Errorf("Version = %q, want %s", set.Version, tt.want)
			}
		})
	}
}

func TestReadAniDBBrokenFiles(t *testing.T) {
	var dump strings.Builder
	dump.WriteString("# created: Sun May  4 03:00:02 2025\n")
	for aid := 1; aid <= 2000; aid++ {
		dump.WriteString(strconv.Itoa(aid) + "|1|x-jat|Title number " + strconv.Itoa(aid*7919) + "\n")
	}
	gz := gzipped(t, []byte(dump.String()))
	tests := []struct {
		name, file string
		data       []byte
		wantErr    string
	}{
		{"truncated gzip", "anime-titles.dat.gz", gz[:len(gz)/2], "anime-titles.dat.gz: gzip data truncated or corrupt"},
		{"gzip without trailer", "anime-titles.dat.gz", gz[:len(gz)-4], "anime-titles.dat.gz: gzip data truncated or corrupt"},
		{"corrupt gzip header", "anime-titles.dat.gz", gz[:5], "corrupt gzip header"},
		{"empty", "anime-titles.dat", nil, "not an AniDB titles dump"},
		{"only blank lines", "anime-titles.dat", []byte("\n\n"), "not an AniDB titles dump"},
		{"HTML", "anime-titles.dat", []byte("<!DOCTYPE html>\n<html><body>Banned</body></html>\n"), `not an AniDB titles dump: ` + "%s" + ` starts with "<!DOCTYPE html>"`},
		{"bangumi-data", "data.json", []byte(`{"siteMeta":{},"items":[{"title":"T|x"}]}`), "not an AniDB titles dump"},
		{"binary", "anime-titles.dat", []byte{0, 1, 2, 0xff, '\n'}, "not an AniDB titles dump"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.data)
			wantErr := tt.wantErr
			if strings.Contains(wantErr, "%s") {
				wantErr = strings.ReplaceAll(wantErr, "%s", path)
			}
			set, err := ReadAniDB(path)
			if err == nil || !strings.Contains(err.Error(), wantErr) {
				t.Fatalf("ReadAniDB = %v, %v; want error containing %q", set, err, wantErr)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := ReadAniDB(filepath.Join(t.TempDir(), "missing.dat")); !os.IsNotExist(err) {
		t.Errorf("ReadAniDB(missing file) error = %v, want not exist", err)
	}

	// The same dump, whole and compressed, reads.
	set, err := ReadAniDB(writeFile(t, "anime-titles.dat.gz", gz))
	if err != nil {
		t.Fatalf("ReadAniDB(whole gzip): %v", err)
	}
	if set.Read != 2000 || len(set.Works) != 2000 {
		t.Errorf("ReadAniDB(whole gzip) = %d read, %d works; want 2000 of each", set.Read, len(set.Works))
	}
}

// FuzzReadAniDB checks that no input makes the reader panic, and that every title line read
// lands in a work or is reported bad.
func FuzzReadAniDB(f *testing.F) {
	f.Add([]byte("# created: Sun May  4 03:00:02 2025\n1|1|x-jat|A\n1|4|ja|B\n1|5|ja|C\n2|6|en|D|E\n3|9|en|F\n"))
	f.Add([]byte("1|1|x-jat|A\r\n\n#\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzFile {
			t.Skip("longer than the fuzz bound")
		}
		set, err := ReadAniDB(writeFile(t, "t.dat", data))
		if err != nil {
			return
		}
		lines := len(set.Bad)
		for _, w := range set.Works {
			lines += titleLines(w)
		}
		if lines != set.Read {
			t.Errorf("title lines in works + bad = %d, want Read = %d", lines, set.Read)
		}
	})
}

func BenchmarkReadAniDB(b *testing.B) {
	if _, err := os.Stat(anidbPath); err != nil {
		b.Skipf("AniDB titles dump not available: %v", err)
	}
	for b.Loop() {
		if _, err := ReadAniDB(anidbPath); err != nil {
			b.Fatal(err)
		}
	}
}
