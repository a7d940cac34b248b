package dataset

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"kioku/internal/wiki"
)

// madbDir holds the real MADB files, relative to this package.
const madbDir = "../../../shared/data/madb-anime"

// readRealMADB reads the real files, or skips the test when they are absent.
func readRealMADB(tb testing.TB) (*Set, madbStats) {
	tb.Helper()
	if _, err := os.Stat(madbDir); err != nil {
		tb.Skipf("MADB files not found: %v", err)
	}
	set, stats, err := readMADB(madbDir)
	if err != nil {
		tb.Fatalf("readMADB(%s): %v", madbDir, err)
	}
	return set, stats
}

// TestReadMADB reads the real files once and checks them in subtests.
func TestReadMADB(t *testing.T) {
	set, stats := readRealMADB(t)
	works := map[string]*Work{}
	for i := range set.Works {
		works[set.Works[i].ID] = &set.Works[i]
	}
	work := func(t *testing.T, id string) *Work {
		t.Helper()
		w := works[id]
		if w == nil {
			t.Fatalf("no work %s", id)
		}
		return w
	}

	t.Run("counts", func(t *testing.T) {
		media := map[wiki.Medium]int{}
		releases, mergedDups, reissues := 0, 0, 0
		franchises := map[string]bool{}
		for _, f := range set.Franchises {
			franchises[f.ID] = true
		}
		mergedSeries := map[string]bool{}
		for _, w := range set.Works {
			media[w.Medium]++
			releases += len(w.Releases)
			for _, p := range w.Problems {
				if strings.HasPrefix(p, "merged duplicate record") {
					mergedDups++
				}
				if strings.HasPrefix(p, "merged video series") {
					reissues++
				}
				if s, ok := strings.CutPrefix(p, "merged film series "); ok {
					mergedSeries[strings.Fields(s)[0]] = true // its film was a duplicate
				}
			}
			if w.Series != "" && !franchises[w.Series] {
				mergedSeries[w.Series] = true
			}
		}
		persons := 0
		for _, a := range set.Agents {
			if !a.Organisation {
				persons++
			}
		}
		// Typed records per file, as the data README counts them.
		if want := 5370 + 45 + 3839 + 2576 + 9191 + 2844 + 60383; set.Read != want {
			t.Errorf("Read = %d, want %d", set.Read, want)
		}
		// Every record read is a work, a release, a franchise, a series merged into its
		// film, a duplicate merged into another record, a video series merged into the work it
		// reissues, an agent, or bad.
		sum := len(set.Works) + releases + len(set.Franchises) + len(mergedSeries) + mergedDups + reissues + len(set.Agents) + len(set.Bad)
		if sum != set.Read {
			t.Errorf("works %d + releases %d + franchises %d + merged series %d + merged duplicates %d + reissues %d + agents %d + bad %d = %d, want Read = %d",
				len(set.Works), releases, len(set.Franchises), len(mergedSeries), mergedDups, reissues, len(set.Agents), len(set.Bad), sum, set.Read)
		}
		// MEMORIES of 1996 is the film of 1995 shown again; 372 video series only reissue a
		// TV series or film of their title on disc.
		want := map[wiki.Medium]int{wiki.MediumTV: 5363, wiki.MediumSpecial: 44, wiki.MediumOVA: 3835 - 372, wiki.MediumFilm: 2840}
		if diff := cmp.Diff(want, media); diff != "" {
			t.Errorf("works by medium mismatch (-want +got):\n%s", diff)
		}
		for _, c := range []struct {
			what      string
			got, want int
		}{
			{"releases", releases, 9135}, // 9,134 discs and one film shown again
			{"franchises", len(set.Franchises), 48},
			{"film series merged into their film", len(mergedSeries), 2528},
			{"duplicates merged", mergedDups, 15},
			{"video series merged into the work they reissue", reissues, 372},
			{"agents", len(set.Agents), 60383},
			{"persons", persons, 57941},
			{"bad", len(set.Bad), 57},
		} {
			if c.got != c.want {
				t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
			}
		}
		for _, b := range set.Bad {
			if !strings.HasPrefix(b.Reason, "video package with no series") {
				t.Errorf("unexpected bad record %+v", b)
			}
		}
		if !strings.HasPrefix(set.Version, "sha256:") || len(set.Version) != len("sha256:")+12 {
			t.Errorf("Version = %q, want sha256: and 12 hex digits", set.Version)
		}
		if set.Source != MADB {
			t.Errorf("Source = %q, want %q", set.Source, MADB)
		}
		t.Logf("role mentions mapped to English: %d of %d (%.1f%%)", stats.roleMapped, stats.roleParts, 100*float64(stats.roleMapped)/float64(stats.roleParts))
		t.Logf("names matched to agents: %d of %d (%.1f%%), ambiguous %d", stats.matched, stats.names, 100*float64(stats.matched)/float64(stats.names), stats.ambig)
		var credits, creditsMatched, voices, voicesMatched, companies, companiesMatched int
		for _, w := range set.Works {
			for _, c := range w.Credits {
				credits++
				creditsMatched += min(1, len(c.Agent))
			}
			for _, c := range w.Cast {
				for _, a := range c.Actors {
					voices++
					voicesMatched += min(1, len(a.Agent))
				}
			}
			for _, c := range w.Companies {
				companies++
				companiesMatched += min(1, len(c.Agent))
			}
		}
		t.Logf("matched: credits %d/%d, voices %d/%d, companies %d/%d", creditsMatched, credits, voicesMatched, voices, companiesMatched, companies)
	})

	t.Run("every work", func(t *testing.T) {
		for _, w := range set.Works {
			if w.Title == "" || !w.Medium.Valid() {
				t.Errorf("work %s: title %q, medium %q", w.ID, w.Title, w.Medium)
			}
			if !slices.Contains(w.ExternalIDs, ExternalID{Site: SiteMADB, ID: w.ID}) {
				t.Errorf("work %s lacks its MADB id: %v", w.ID, w.ExternalIDs)
			}
			for _, d := range []string{w.Start, w.End} {
				if got, ok := PartialDate(d); d != "" && (!ok || got != d) {
					t.Errorf("work %s: date %q is not a partial date", w.ID, d)
				}
			}
			for _, c := range w.Credits {
				if c.Name == "" || strings.ContainsAny(c.Name, "[]［］【】") {
					t.Errorf("work %s: credit name %q", w.ID, c.Name)
				}
			}
			for _, c := range w.Companies {
				if c.Role != "" && !slices.Contains(wiki.CompanyRoles, c.Role) {
					t.Errorf("work %s: company role %q is not one of wiki.CompanyRoles", w.ID, c.Role)
				}
			}
		}
	})

	t.Run("TV series C7160", func(t *testing.T) {
		w := work(t, "C7160")
		got := Work{ID: w.ID, Medium: w.Medium, Title: w.Title, TitleKana: w.TitleKana, Start: w.Start, End: w.End,
			Episodes: w.Episodes, EpisodeMinutes: w.EpisodeMinutes, ExternalIDs: w.ExternalIDs, Companies: w.Companies}
		want := Work{ID: "C7160", Medium: wiki.MediumTV, Title: "宇宙人ピピ", TitleKana: "ウチュウジンピピ",
			Start: "1965-04-08", End: "1966-03-31", Episodes: 52, EpisodeMinutes: 30,
			ExternalIDs: []ExternalID{{SiteMADB, "C7160"}},
			Companies:   []CompanyCredit{{Name: "NHK", Role: "Producer", RoleText: "製作"}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("C7160 mismatch (-want +got):\n%s", diff)
		}
		for _, c := range []Credit{
			{Name: "小松左京", Role: "Script", RoleText: "作（シナリオと同義）"},
			{Name: "平井和正", Agent: "C47441", Role: "Script", RoleText: "作（シナリオと同義）"},
			{Name: "冨田勲", Role: "Music", RoleText: "音楽"},
			{Name: "小松左京", Role: "Original Work", RoleText: "原作"},
		} {
			if !slices.Contains(w.Credits, c) {
				t.Errorf("C7160 lacks credit %+v", c)
			}
		}
		wantCast := []Cast{{Character: "ピピ", Actors: []CastActor{{Name: "中村メイ子"}}}, {Actors: []CastActor{{Name: "加藤順一"}}}}
		for _, c := range wantCast {
			if !slices.ContainsFunc(w.Cast, func(x Cast) bool { return cmp.Equal(x, c) }) {
				t.Errorf("C7160 lacks cast %+v", c)
			}
		}
		if n := len(w.Cast); n != 30 {
			t.Errorf("C7160 has %d cast entries, want 30", n)
		}
	})

	t.Run("TV special C7149", func(t *testing.T) {
		w := work(t, "C7149")
		for _, c := range []Credit{
			{Name: "前田康成", Role: "Episode Director", RoleText: "演出", Note: "「縄文・弥生・奈良」「江戸」"},
			{Name: "辻伸一", Role: "Director", RoleText: "監督", Note: "「平安・戦国」; 「辻」はしんにょうの点が2つ"},
			{Name: "杉井ギサブロー", Agent: "C63703", Role: "Director", RoleText: "監督"},
		} {
			if !slices.Contains(w.Credits, c) {
				t.Errorf("C7149 lacks credit %+v", c)
			}
		}
		// 高乃 麗 voices four characters; one entry per character.
		n := 0
		for _, c := range w.Cast {
			if len(c.Actors) > 0 && c.Actors[0].Name == "高乃 麗" {
				n++
			}
		}
		if n != 4 {
			t.Errorf("高乃 麗 voices %d characters, want 4", n)
		}
	})

	t.Run("film merged with its series", func(t *testing.T) {
		w := work(t, "M2532")
		got := Work{ID: w.ID, Medium: w.Medium, Title: w.Title, TitleKana: w.TitleKana, Start: w.Start,
			Episodes: w.Episodes, EpisodeMinutes: w.EpisodeMinutes, Rating: w.Rating, Series: w.Series,
			ExternalIDs: w.ExternalIDs, Companies: w.Companies, Credits: w.Credits}
		want := Work{ID: "M2532", Medium: wiki.MediumFilm, Title: "みかん船", TitleKana: "ミカンブネ", Start: "1927-02-11",
			Episodes: 1, EpisodeMinutes: 9, Rating: "G", Series: "C409463",
			ExternalIDs: []ExternalID{{SiteMADB, "M2532"}},
			Companies: []CompanyCredit{
				{Name: "中央映画配給社", Role: "Distributor"},
				{Name: "大藤信郎プロダクション", Role: "Animation studio"},
			},
			Credits: []Credit{{Name: "大藤信郎", Role: "Director", RoleText: "監督"}}} // the series' creator, unbracketed: its director
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("M2532 mismatch (-want +got):\n%s", diff)
		}
		if _, ok := works["C409463"]; ok {
			t.Errorf("series C409463 is a work of its own; it should be merged into M2532")
		}
	})

	t.Run("OVA with packages C441145", func(t *testing.T) {
		w := work(t, "C441145")
		if w.Medium != wiki.MediumOVA || w.Title != "鴉-KARAS-" || w.TitleKana != "カラス" || w.Start != "2005-05-28" || w.End != "2007-10-26" {
			t.Errorf("C441145 = %s %q %q %s..%s", w.Medium, w.Title, w.TitleKana, w.Start, w.End)
		}
		want := []Release{
			{ID: "M175289", Region: "JP", Language: "ja", Title: "鴉-KARAS-", Date: "2005-05-28"},
			{ID: "M175290", Region: "JP", Language: "ja", Title: "鴉-KARAS- 第弐話・火炎輪", Date: "2005-10-29"},
			{ID: "M175291", Region: "JP", Language: "ja", Title: "鴉-KARAS- 第参話", Date: "2005-11-26"},
			{ID: "M175292", Region: "JP", Language: "ja", Title: "鴉 -KARAS- 第四話", Date: "2007-08-24", Catalog: "DA-0650, DA-0644"},
			{ID: "M175293", Region: "JP", Language: "ja", Title: "鴉 -KARAS- 第6話", Date: "2007-10-26", Catalog: "DA-0652, DA-0646"},
		}
		if diff := cmp.Diff(want, w.Releases); diff != "" {
			t.Errorf("C441145 releases mismatch (-want +got):\n%s", diff)
		}
		for _, c := range []Credit{
			{Name: "さとうけいいち", Agent: "C87167", Role: "Director", RoleText: "企画・原案・監督"},
			{Name: "安藤賢司", RoleText: "妖怪・メカデザイン"},
			{Name: "安藤賢司", Role: "Mechanical Design", RoleText: "妖怪・メカデザイン"},
		} {
			if !slices.Contains(w.Credits, c) {
				t.Errorf("C441145 lacks credit %+v", c)
			}
		}
		// The same character in several packages is one cast entry with every voice given.
		i := slices.IndexFunc(w.Cast, func(c Cast) bool { return c.Character == "呉鳴海" })
		if i < 0 || len(w.Cast[i].Actors) != 2 {
			t.Errorf("呉鳴海 = %+v, want one entry with the two spellings of the voice", w.Cast[i])
		}
	})

	t.Run("OVA from a library package C442380", func(t *testing.T) {
		w := work(t, "C442380")
		want := []Release{{ID: "M171314", Region: "JP", Language: "ja", Title: "こびと大研究", Date: "2013-12", Format: "DVD", Catalog: "PCBE-53796, PCBE-63275"}}
		if diff := cmp.Diff(want, w.Releases); diff != "" {
			t.Errorf("C442380 releases mismatch (-want +got):\n%s", diff)
		}
		wantCredits := []Credit{
			{Name: "なばたとしたか", Agent: "C424701", Role: "Original Work", RoleText: "原作"},
			{Name: "ディレクションズ", Role: "Animation Production", RoleText: "制作"},
		}
		if diff := cmp.Diff(wantCredits, w.Credits); diff != "" {
			t.Errorf("C442380 credits mismatch (-want +got):\n%s", diff)
		}
		wantCompanies := []CompanyCredit{
			{Name: "アスミック・エース", Role: "Distributor", RoleText: "発売元"},
			{Name: "ポニーキャニオン", Agent: "C44950", Role: "Distributor", RoleText: "販売元"},
		}
		if diff := cmp.Diff(wantCompanies, w.Companies); diff != "" {
			t.Errorf("C442380 companies mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("film series franchise C411480", func(t *testing.T) {
		i := slices.IndexFunc(set.Franchises, func(f Franchise) bool { return f.ID == "C411480" })
		if i < 0 {
			t.Fatal("no franchise C411480")
		}
		f := set.Franchises[i]
		got := Franchise{ID: f.ID, Title: f.Title, TitleKana: f.TitleKana, Works: f.Works, Start: f.Start, End: f.End}
		want := Franchise{ID: "C411480", Title: "Genius Party", TitleKana: "ジーニアス パーティー",
			Works: []string{"M4897", "M4898", "M4899", "M4900", "M4901", "M4902", "M4903"}, Start: "2007-07-07", End: "2007-07-07"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("C411480 mismatch (-want +got):\n%s", diff)
		}
		if c := (Credit{Name: "河森正治", Role: "Director", RoleText: "監督", Note: "(2) 上海大竜"}); !slices.Contains(f.Credits, c) {
			t.Errorf("C411480 lacks credit %+v", c)
		}
		w := work(t, "M4898")
		if w.Title != "Genius Party 2" || w.Series != "C411480" || w.Start != "2007-07-07" ||
			!slices.Contains(w.Titles, Title{Language: "ja", Kind: "synonym", Text: "Genius Party 上海大竜"}) {
			t.Errorf("M4898 = %q series %q start %q titles %v", w.Title, w.Series, w.Start, w.Titles)
		}
	})

	t.Run("duplicate records merged", func(t *testing.T) {
		w := work(t, "C8911")
		if _, ok := works["C12715"]; ok {
			t.Errorf("C12715 is still a work; it duplicates C8911")
		}
		// C8911 has no end, episodes or companies; its duplicate C12715 has.
		if w.End != "1993-04-04" || w.Episodes != 26 || w.EpisodeMinutes != 30 || len(w.Companies) == 0 {
			t.Errorf("C8911 = end %q, %d episodes of %d min, %d companies; want C12715's", w.End, w.Episodes, w.EpisodeMinutes, len(w.Companies))
		}
		if !slices.Contains(w.Problems, "merged duplicate record C12715 (same title, medium and start date)") {
			t.Errorf("C8911 problems = %q", w.Problems)
		}
	})

	t.Run("agents", func(t *testing.T) {
		agents := map[string]Agent{}
		for _, a := range set.Agents {
			agents[a.ID] = a
		}
		want := []Agent{
			{ID: "C44670", Organisation: true, Name: "AQインタラクティブ", Birth: "2005", Death: "2011",
				Description: "2005年、商号をキャビアからAQインタラクティブに変更。\n2011年、株式会社マーベラスエンターテインメント・株式会社ライブウェアと経営統合、「マーベラスAQL」に名称変更（廃止）。",
				ExternalIDs: []ExternalID{{SiteWikidata, "Q3274623"}, {SiteVIAF, "155245488"}}},
			{ID: "C47079", Name: "成沢大輔", Birth: "1965-09-25", Death: "2015-03-06"},
			{ID: "C406933", Name: "松下功", NameLatin: "Isao Matsushita"},
			{ID: "C414422", Name: "身ノ丈あまる", NameKana: "ミノタケアマル"},
		}
		for _, w := range want {
			if diff := cmp.Diff(w, agents[w.ID], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("agent %s mismatch (-want +got):\n%s", w.ID, diff)
			}
		}
	})
}

func BenchmarkReadMADB(b *testing.B) {
	if _, err := os.Stat(madbDir); err != nil {
		b.Skipf("MADB files not found: %v", err)
	}
	for b.Loop() {
		if _, err := ReadMADB(madbDir); err != nil {
			b.Fatal(err)
		}
	}
}
