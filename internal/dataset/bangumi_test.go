package dataset

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"kioku/internal/wiki"
)

// bangumiPath is the real bangumi-data file, shared by the project and not copied into it.
var bangumiPath = filepath.Join("..", "..", "..", "shared", "data", "bangumi-data", "data.json")

// readRealBangumi reads the real file, skipping the test when it is not there.
func readRealBangumi(tb testing.TB) *Set {
	tb.Helper()
	if _, err := os.Stat(bangumiPath); err != nil {
		tb.Skipf("bangumi-data not available: %v", err)
	}
	set, err := ReadBangumi(bangumiPath)
	if err != nil {
		tb.Fatalf("ReadBangumi(%s): %v", bangumiPath, err)
	}
	return set
}

func TestReadBangumiCounts(t *testing.T) {
	set := readRealBangumi(t)
	if set.Source != Bangumi {
		t.Errorf("Source = %q, want %q", set.Source, Bangumi)
	}
	// The shared copy has no package.json beside it, so the version is a content hash.
	if !regexp.MustCompile(`^sha256:[0-9a-f]{12}$`).MatchString(set.Version) {
		t.Errorf("Version = %q, want sha256: and 12 hex digits", set.Version)
	}
	if set.Read != 8483 {
		t.Errorf("Read = %d, want 8483", set.Read)
	}
	if got := len(set.Works) + len(set.Bad); got != set.Read {
		t.Errorf("len(Works)+len(Bad) = %d, want Read = %d", got, set.Read)
	}
	if len(set.Bad) != 0 {
		t.Errorf("Bad = %v, want none", set.Bad)
	}

	ids := map[string]bool{}
	media := map[wiki.Medium]int{}
	sites := map[string]int{}
	noEnd := 0
	for _, w := range set.Works {
		if ids[w.ID] {
			t.Errorf("id %q given twice", w.ID)
		}
		ids[w.ID] = true
		media[w.Medium]++
		for _, e := range w.ExternalIDs {
			sites[e.Site]++
		}
		if w.End == "" {
			noEnd++
		}
		if _, ok := PartialDate(w.Start); !ok {
			t.Errorf("%s: Start %q is not a date", w.ID, w.Start)
		}
	}
	// The counts of the data's README: every id of the information sites is kept.
	wantMedia := map[wiki.Medium]int{wiki.MediumTV: 5410, wiki.MediumFilm: 1575, wiki.MediumOVA: 961, wiki.MediumONA: 537}
	if diff := cmp.Diff(wantMedia, media); diff != "" {
		t.Errorf("works per medium (-want +got):\n%s", diff)
	}
	wantSites := map[string]int{SiteBangumi: 8415, SiteTMDB: 8098, SiteMAL: 7716, SiteAniList: 7611, SiteAniDB: 7432}
	if diff := cmp.Diff(wantSites, sites); diff != "" {
		t.Errorf("external ids per site (-want +got):\n%s", diff)
	}
	if noEnd != 104 {
		t.Errorf("works without end = %d, want 104", noEnd)
	}
}

func TestReadBangumiRecords(t *testing.T) {
	set := readRealBangumi(t)
	byID := map[string]Work{}
	for _, w := range set.Works {
		byID[w.ID] = w
	}
	ext := func(pairs ...string) []ExternalID {
		var ids []ExternalID
		for i := 0; i < len(pairs); i += 2 {
			ids = append(ids, ExternalID{Site: pairs[i], ID: pairs[i+1]})
		}
		return ids
	}
	tests := []struct {
		name string
		want Work
	}{
		{
			// Broadcast at 2006-04-06T17:40Z, which is 02:40 on the 7th in Japan.
			name: "late-night TV series",
			want: Work{
				ID: "bangumi:75520", Medium: wiki.MediumTV, Title: "リングにかけろ1 日米決戦編", TitleLanguage: "ja",
				Titles:      []Title{{Language: "zh-Hans", Kind: "official", Text: "拳王创世纪1 日美决战篇"}},
				Start:       "2006-04-07",
				End:         "2006-06-23",
				ExternalIDs: ext(SiteBangumi, "75520", SiteAniDB, "4415", SiteMAL, "1771", SiteAniList, "1771", SiteTMDB, "tv/35876/season/2"),
			},
		},
		{
			// A film with Traditional Chinese and English titles and a 135-minute slot.
			name: "film with zh-Hant and en titles",
			want: Work{
				ID: "bangumi:38435", Medium: wiki.MediumFilm, Title: "機動戦士ガンダム", TitleLanguage: "ja",
				Titles: []Title{
					{Language: "en", Kind: "official", Text: "Mobile Suit Gundam I"},
					{Language: "zh-Hans", Kind: "official", Text: "机动战士高达 剧场版Ⅰ"},
					{Language: "zh-Hant", Kind: "official", Text: "機動戰士高達 1：劇場版"},
				},
				Start: "1981-03-14", End: "1981-03-14", EpisodeMinutes: 135,
				ExternalIDs: ext(SiteBangumi, "38435", SiteAniDB, "729", SiteMAL, "1090", SiteAniList, "1090", SiteTMDB, "movie/39228"),
			},
		},
		{
			// Its 100-minute slot is a placeholder (the film runs 108 minutes): no runtime.
			name: "film with round slot and two zh-Hant titles",
			want: Work{
				ID: "bangumi:50513", Medium: wiki.MediumFilm, Title: "ONE PIECE FILM Z", TitleLanguage: "ja",
				Titles: []Title{
					{Language: "en", Kind: "official", Text: "One Piece Film Z"},
					{Language: "zh-Hans", Kind: "official", Text: "海贼王 FILM Z"},
					{Language: "zh-Hant", Kind: "official", Text: "海賊王劇場版：Z"},
					{Language: "zh-Hant", Kind: "synonym", Text: "航海王電影：Ｚ"},
				},
				Start: "2012-12-15", End: "2012-12-15",
				ExternalIDs: ext(SiteBangumi, "50513", SiteAniDB, "8940", SiteMAL, "12859", SiteAniList, "12859", SiteTMDB, "movie/176983"),
			},
		},
		{
			name: "oldest film",
			want: Work{
				ID: "bangumi:88595", Medium: wiki.MediumFilm, Title: "くもとちゅうりっぷ", TitleLanguage: "ja",
				Titles: []Title{{Language: "zh-Hans", Kind: "official", Text: "蜘蛛与郁金香"}},
				Start:  "1943-04-15", End: "1943-04-15", EpisodeMinutes: 16,
				ExternalIDs: ext(SiteBangumi, "88595", SiteAniDB, "4993", SiteMAL, "3990", SiteAniList, "3990", SiteTMDB, "movie/324443"),
			},
		},
		{
			// The Japanese dub shares the bangumi id of the Chinese original before it.
			name: "second item with a bangumi id",
			want: Work{
				ID: "title:霊剣山 星屑たちの宴|2016-01-08T15:00:00.000Z", Medium: wiki.MediumTV, Title: "霊剣山 星屑たちの宴", TitleLanguage: "ja",
				Titles: []Title{
					{Language: "zh-Hans", Kind: "official", Text: "从前有座灵剑山"},
					{Language: "zh-Hans", Kind: "synonym", Text: "从前有座灵剑山 日配版"},
					{Language: "zh-Hans", Kind: "synonym", Text: "灵剑山 群星之宴"},
					{Language: "zh-Hans", Kind: "synonym", Text: "從前有座霊剣山"},
				},
				Start: "2016-01-09", End: "2016-03-26",
				ExternalIDs: ext(SiteBangumi, "146861", SiteTMDB, "tv/65206"),
				Problems:    []string{"bangumi id 146861 is also an earlier item's: identified by title and begin"},
			},
		},
		{
			name: "first item with that bangumi id",
			want: Work{
				ID: "bangumi:146861", Medium: wiki.MediumTV, Title: "从前有座灵剑山", TitleLanguage: "zh-Hans",
				Titles: []Title{{Language: "ja", Kind: "official", Text: "霊剣山 星屑たちの宴"}},
				Start:  "2016-01-08", End: "2016-03-25",
				ExternalIDs: ext(SiteBangumi, "146861", SiteTMDB, "tv/65206"),
			},
		},
		{
			name: "web series with a TMDB slug and no end",
			want: Work{
				ID: "bangumi:617197", Medium: wiki.MediumONA, Title: "mofusand", TitleLanguage: "ja",
				Start:       "2026-01-06",
				ExternalIDs: ext(SiteBangumi, "617197", SiteAniDB, "19783", SiteMAL, "63151", SiteAniList, "204656", SiteTMDB, "tv/308934"),
				Problems:    []string{`tmdb id "tv/308934-mofusand": slug dropped`},
			},
		},
		{
			name: "same title and begin twice",
			want: Work{
				ID: "title:インド版 忍者ハットリくん|2022-01-31T16:00:00.000Z#2", Medium: wiki.MediumTV, Title: "インド版 忍者ハットリくん", TitleLanguage: "ja",
				Titles: []Title{{Language: "zh-Hant", Kind: "official", Text: "新 忍者哈特利 第六季"}},
				Start:  "2022-01-31", End: "2022-01-31",
				ExternalIDs: ext(SiteTMDB, "tv/158198/season/6"),
				Problems:    []string{`title and begin are also an earlier item's: identified as "title:インド版 忍者ハットリくん|2022-01-31T16:00:00.000Z#2"`},
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
}

// writeFile writes data to name in a temporary directory and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// gzipped compresses data.
func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadBangumiItems(t *testing.T) {
	tests := []struct {
		name    string
		item    string
		want    Work   // when the item reads
		wantBad string // part of the reason when it does not
	}{
		{
			name: "tidied and checked",
			item: `{"title":" A \t B ","type":"tv","lang":"ja","begin":"2020-01-01T15:00:00.000Z","end":"",
				"titleTranslate":{"en":["X","X"," ","Y"],"ja":["A B","C"]},
				"sites":[{"site":"mal","id":" 12 "},{"site":"anidb","id":"abc"},{"site":"netflix","id":"1"},
					{"site":"tmdb","id":"person/3"},{"site":"aniList","id":"007"},{"site":"mal","id":"13"},{"site":"iqiyi"}]}`,
			want: Work{
				ID: "title:A B|2020-01-01T15:00:00.000Z", Medium: wiki.MediumTV, Title: "A B", TitleLanguage: "ja",
				Titles: []Title{
					{Language: "en", Kind: "official", Text: "X"},
					{Language: "en", Kind: "synonym", Text: "Y"},
					{Language: "ja", Kind: "official", Text: "C"},
				},
				Start:       "2020-01-02",
				ExternalIDs: []ExternalID{{Site: SiteMAL, ID: "12"}},
				Problems: []string{
					"empty title in titleTranslate[en]",
					`anidb id "abc" is not a number`,
					`mal id "13" ignored: the item has mal id "12"`,
					`anilist id "007" is not a number`,
					`tmdb id "person/3" is not of the form tv/123 or movie/123`,
				},
			},
		},
		{
			name: "film of 95 minutes in China",
			item: `{"title":"F","type":"movie","lang":"zh-Hans","begin":"2020-01-01T16:00:00Z","end":"2020-01-01T17:35:00Z",
				"sites":[{"site":"bangumi","id":"5"},{"site":"tmdb","id":"tv/1/season/0/episode/3"}]}`,
			want: Work{
				ID: "bangumi:5", Medium: wiki.MediumFilm, Title: "F", TitleLanguage: "zh-Hans",
				Start: "2020-01-02", End: "2020-01-02", EpisodeMinutes: 95,
				ExternalIDs: []ExternalID{{Site: SiteBangumi, ID: "5"}, {Site: SiteTMDB, ID: "tv/1/season/0/episode/3"}},
			},
		},
		{
			name: "film of a whole day",
			item: `{"title":"F","type":"movie","lang":"ja","begin":"2020-01-01T15:00:00Z","end":"2020-01-02T15:00:00Z"}`,
			want: Work{ID: "title:F|2020-01-01T15:00:00Z", Medium: wiki.MediumFilm, Title: "F", TitleLanguage: "ja", Start: "2020-01-02", End: "2020-01-03"},
		},
		{
			name: "unknown type and language, bad dates",
			item: `{"title":"T","type":"drama","lang":"fr","begin":"2020-13-01T00:00:00Z","end":"soon"}`,
			want: Work{
				ID: "title:T|2020-13-01T00:00:00Z", Title: "T", TitleLanguage: "fr",
				Problems: []string{
					`unknown type "drama"`,
					`no time zone known for language "fr": dates taken in UTC`,
					`begin: not an ISO 8601 instant: "2020-13-01T00:00:00Z"`,
					`end: not an ISO 8601 instant: "soon"`,
				},
			},
		},
		{
			name: "end before begin",
			item: `{"title":"T","type":"ova","lang":"ja","begin":"2020-01-02T00:00:00Z","end":"2020-01-01T00:00:00Z"}`,
			want: Work{
				ID: "title:T|2020-01-02T00:00:00Z", Medium: wiki.MediumOVA, Title: "T", TitleLanguage: "ja",
				Start: "2020-01-02", End: "2020-01-01",
				Problems: []string{"end 2020-01-01T00:00:00Z is before begin 2020-01-02T00:00:00Z"},
			},
		},
		{name: "no title", item: `{"type":"tv","lang":"ja"}`, wantBad: "no title"},
		{name: "blank title", item: `{"title":" \u3000 ","type":"tv"}`, wantBad: "no title"},
		{name: "null", item: `null`, wantBad: "no title"},
		{name: "title a number", item: `{"title":5}`, wantBad: `field "title" is a JSON number`},
		{name: "translations a list", item: `{"title":"T","titleTranslate":["x"]}`, wantBad: `field "titleTranslate" is a JSON array`},
		{name: "a string", item: `"T"`, wantBad: "not a JSON object but a JSON string"},
		{name: "invalid UTF-8", item: "{\"title\":\"T\xff\xfe\"}", wantBad: "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "data.json", []byte(`{"siteMeta":{},"items":[`+tt.item+`]}`))
			set, err := ReadBangumi(path)
			if err != nil {
				t.Fatalf("ReadBangumi: %v", err)
			}
			if set.Read != 1 || len(set.Works)+len(set.Bad) != 1 {
				t.Fatalf("Read = %d, %d works, %d bad; want 1 item read", set.Read, len(set.Works), len(set.Bad))
			}
			if tt.wantBad != "" {
				if len(set.Bad) != 1 || !strings.Contains(set.Bad[0].Reason, tt.wantBad) {
					t.Fatalf("Bad = %v, want a reason containing %q", set.Bad, tt.wantBad)
				}
				if want := (BadRecord{File: "data.json", ID: "items[0]", Reason: set.Bad[0].Reason}); set.Bad[0] != want {
					t.Errorf("Bad[0] = %+v, want %+v", set.Bad[0], want)
				}
				return
			}
			if len(set.Works) != 1 {
				t.Fatalf("Bad = %v, want a work", set.Bad)
			}
			if diff := cmp.Diff(tt.want, set.Works[0], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("work (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadBangumiBrokenFiles(t *testing.T) {
	valid := []byte(`{"items":[{"title":"T","type":"tv","lang":"ja","begin":"2020-01-01T00:00:00Z"}]}`)
	gz := gzipped(t, valid)
	anidb := []byte("# created: Sun May  4 03:00:02 2025\n1|1|x-jat|Title\n")
	tests := []struct {
		name, file string
		data       []byte
		wantErr    string
	}{
		{"empty", "data.json", nil, "not bangumi-data"},
		{"HTML", "data.json", []byte("<!DOCTYPE html><html><body>Not found</body></html>"), "not bangumi-data"},
		{"AniDB dump", "anime-titles.dat", anidb, "not bangumi-data"},
		{"AniDB dump compressed", "anime-titles.dat.gz", gzipped(t, anidb), "not bangumi-data"},
		{"array", "data.json", []byte(`[{"title":"T"}]`), "not bangumi-data"},
		{"no items", "data.json", []byte(`{"siteMeta":{}}`), `has no "items" list`},
		{"items not a list", "data.json", []byte(`{"items":{"title":"T"}}`), "not bangumi-data"},
		{"cut short", "data.json", valid[:len(valid)/2], "not bangumi-data"},
		{"truncated gzip", "data.json.gz", gz[:len(gz)-12], "data.json.gz: gzip data truncated or corrupt"},
		{"corrupt gzip header", "data.json.gz", []byte{0x1f, 0x8b, 0, 0}, "corrupt gzip header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.data)
			set, err := ReadBangumi(path)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ReadBangumi = %v, %v; want error containing %q", set, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := ReadBangumi(filepath.Join(t.TempDir(), "missing.json")); !os.IsNotExist(err) {
		t.Errorf("ReadBangumi(missing file) error = %v, want not exist", err)
	}
}

func TestReadBangumiVersion(t *testing.T) {
	data := []byte(`{"items":[{"title":"T","type":"tv","lang":"ja","begin":"2020-01-01T00:00:00Z"}]}`)
	hashed := func(t *testing.T, dir string) string {
		set, err := ReadBangumi(filepath.Join(dir, "data.json"))
		if err != nil {
			t.Fatal(err)
		}
		return set.Version
	}
	write := func(t *testing.T, path, content string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plain := t.TempDir()
	write(t, filepath.Join(plain, "data.json"), string(data))
	hash := hashed(t, plain)
	if !regexp.MustCompile(`^sha256:[0-9a-f]{12}$`).MatchString(hash) {
		t.Fatalf("Version = %q, want a content hash", hash)
	}

	t.Run("gzip gives the same hash", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "data.json"), string(gzipped(t, data)))
		if got := hashed(t, dir); got != hash {
			t.Errorf("Version = %q, want %q as for the plain file", got, hash)
		}
	})
	t.Run("package.json beside", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "data.json"), string(data))
		write(t, filepath.Join(dir, "package.json"), `{"name":"bangumi-data","version":"0.3.208"}`)
		if got := hashed(t, dir); got != "0.3.208" {
			t.Errorf("Version = %q, want 0.3.208", got)
		}
	})
	t.Run("npm layout", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "dist", "data.json"), string(data))
		write(t, filepath.Join(dir, "package.json"), `{"name":"bangumi-data","version":"0.3.209"}`)
		if got := hashed(t, filepath.Join(dir, "dist")); got != "0.3.209" {
			t.Errorf("Version = %q, want 0.3.209", got)
		}
	})
	t.Run("another package", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "data.json"), string(data))
		write(t, filepath.Join(dir, "package.json"), `{"name":"kioku-tools","version":"1.0.0"}`)
		if got := hashed(t, dir); got != hash {
			t.Errorf("Version = %q, want the content hash %q", got, hash)
		}
	})
}

func TestBangumiAniDBTidyText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Title", "Title"},
		{"  Title ", "Title"},
		{"ベルセルク  黄金時代篇III 降臨", "ベルセルク 黄金時代篇III 降臨"},
		{"Bungo and Alchemist -Gears of Judgement-\t", "Bungo and Alchemist -Gears of Judgement-"},
		{"A\t\nB", "A B"},
		{"A\tB", "A B"},
		{"魔法少女\u3000俺", "魔法少女\u3000俺"},
		{"魔法少女\u3000\u3000俺", "魔法少女 俺"},
		{"魔法少女 \u3000俺", "魔法少女 俺"},
		{"\u3000俺\u3000", "俺"},
		{"新機動戦記ガンダムW ODD&amp;EVEN NUMBERS", "新機動戦記ガンダムW ODD&EVEN NUMBERS"},
		{"Pok&eacute;mon &#8211; Tom & Jerry; &nope;", "Pokémon – Tom & Jerry; &nope;"},
	}
	for _, tt := range tests {
		if got := tidyText(tt.in); got != tt.want {
			t.Errorf("tidyText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzReadBangumi checks that no input makes the reader panic, and that every item read is
// either a work with an id of its own or a bad record.
func FuzzReadBangumi(f *testing.F) {
	f.Add([]byte(`{"items":[{"title":"T","type":"movie","lang":"ja","begin":"2020-01-01T00:00:00Z","end":"2020-01-01T01:35:00Z",` +
		`"titleTranslate":{"en":["E"]},"sites":[{"site":"bangumi","id":"1"},{"site":"tmdb","id":"tv/1-x/season/2"}]},` +
		`{"title":"T","sites":[{"site":"bangumi","id":"1"}]},{"title":"T"},{"title":"T"},{"title":1},null]}`))
	f.Add([]byte(`{"items":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzFile {
			t.Skip("longer than the fuzz bound")
		}
		set, err := ReadBangumi(writeFile(t, "data.json", data))
		if err != nil {
			return
		}
		if set.Read != len(set.Works)+len(set.Bad) {
			t.Errorf("Read = %d, %d works, %d bad", set.Read, len(set.Works), len(set.Bad))
		}
		ids := map[string]bool{}
		for _, w := range set.Works {
			if ids[w.ID] {
				t.Errorf("id %q given twice", w.ID)
			}
			ids[w.ID] = true
		}
	})
}

func BenchmarkReadBangumi(b *testing.B) {
	if _, err := os.Stat(bangumiPath); err != nil {
		b.Skipf("bangumi-data not available: %v", err)
	}
	for b.Loop() {
		if _, err := ReadBangumi(bangumiPath); err != nil {
			b.Fatal(err)
		}
	}
}
