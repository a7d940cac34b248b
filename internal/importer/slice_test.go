package importer_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"kioku/internal/dataset"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// sliceSets reads the demo's slice of real data: bangumi-data and the Media Arts Database's
// works of 1995 and 1996.
func sliceSets(t testing.TB) (*dataset.Set, *dataset.Set) {
	t.Helper()
	dir := filepath.Join("..", "demo", "data")
	b, err := dataset.ReadBangumi(filepath.Join(dir, "bangumi-data.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := dataset.ReadMADB(filepath.Join(dir, "madb.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	return b, m
}

// TestImportMediaArtsSlice imports bangumi-data and then the Media Arts Database's records of the
// same years: their records of one work make one page, with the staff, cast and studios only the
// Media Arts Database knows.
func TestImportMediaArtsSlice(t *testing.T) {
	b, m := sliceSets(t)
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		run(t, s, b)
		sum := run(t, s, m)
		if sum.Merged == 0 || sum.Created == 0 || sum.People == 0 || sum.Characters == 0 || sum.Companies == 0 {
			t.Errorf("Media Arts Database import: %+v", sum)
		}
		e, w := workOf(t, s, dataset.MADB, "C9249")
		if fromBangumi, _ := workOf(t, s, dataset.Bangumi, "bangumi:265"); fromBangumi.ID != e.ID {
			t.Fatalf("Evangelion is on #%d from bangumi-data and #%d from the Media Arts Database", fromBangumi.ID, e.ID)
		}
		if w.Episodes != 26 || w.EpisodeMinutes != 30 || w.OriginalTitleKana != "シンセイキエヴァンゲリオン" || w.EndDate != "1996-03-27" {
			t.Errorf("Evangelion: %d episodes of %d minutes, kana %q, end %q", w.Episodes, w.EpisodeMinutes, w.OriginalTitleKana, w.EndDate)
		}
		ids := map[string]string{}
		for _, x := range w.ExternalIDs {
			ids[x.Site] = x.ID
		}
		if ids["madb"] != "C9249" || ids["anidb"] != "22" {
			t.Errorf("Evangelion's ids: %v", ids)
		}
		names := func(refs ...wiki.Ref) map[wiki.Ref]string {
			ids := make([]int64, len(refs))
			for i, r := range refs {
				ids[i] = int64(r)
			}
			found, err := s.EntitiesByID(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			out := map[wiki.Ref]string{}
			for id, e := range found {
				out[wiki.Ref(id)] = e.Name
			}
			return out
		}
		var credits []string
		var refs []wiki.Ref
		for _, c := range w.Credits {
			refs = append(refs, c.Person)
		}
		n := names(refs...)
		for _, c := range w.Credits {
			credits = append(credits, n[c.Person]+" | "+c.Role+" | "+c.RoleText)
			if c.Source != wiki.SourceKey(dataset.MADB, "C9249") {
				t.Errorf("credit %s has source %q", n[c.Person], c.Source)
			}
		}
		for _, want := range []string{"庵野秀明 | Director | 監督", "庵野秀明 | Script | 脚本", "貞本義行 | Character Design | キャラクターデザイン", "鷺巣詩郎 | Music | 音楽"} {
			if !slices.Contains(credits, want) {
				t.Errorf("Evangelion's credits lack %q: %q", want, credits)
			}
		}
		var companies []string
		for _, c := range w.Companies {
			companies = append(companies, names(c.Company)[c.Company])
		}
		if !slices.Contains(companies, "タツノコプロ") || !slices.Contains(companies, "GAINAX") {
			t.Errorf("Evangelion's companies: %q", companies)
		}
		// One person, one page: 庵野秀明 credited twice on this work and on others is one page.
		anno, err := s.EntitiesByName(ctx, wiki.KindPerson, "庵野秀明")
		if err != nil || len(anno) != 1 {
			t.Errorf("pages named 庵野秀明: %v, %v", anno, err)
		}
		srcs := wiki.SourcesOf(w)
		if len(srcs) != 2 || srcs[0].Dataset != "bangumi-data" || srcs[1].Record != "C9249" {
			t.Errorf("Evangelion's sources: %+v", srcs)
		}

		// A film series of several films is a franchise; its films point to it.
		if len(m.Franchises) == 0 {
			t.Fatal("the slice has no franchise")
		}
		f, err := s.EntityByExternalID(ctx, "madb", m.Franchises[0].ID)
		if err != nil || f.Kind != wiki.KindFranchise {
			t.Errorf("franchise %s: %+v, %v", m.Franchises[0].ID, f, err)
		} else if links, err := s.LinksTo(ctx, f.ID, wiki.RelFranchise); err != nil || len(links) < 2 {
			t.Errorf("works of franchise %s: %d, %v", f.Name, len(links), err)
		}

		// Running both again changes nothing.
		revs := count(t, s, `SELECT COUNT(*) FROM revisions`)
		if again := run(t, s, b); again.Unchanged != len(b.Works) {
			t.Errorf("bangumi-data again: %+v", again)
		}
		if again := run(t, s, m); again.Unchanged != len(m.Works) {
			t.Errorf("Media Arts Database again: %+v", again)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM revisions`); n != revs {
			t.Errorf("importing again made %d revisions", n-revs)
		}
	})
}
