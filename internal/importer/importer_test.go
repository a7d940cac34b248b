package importer_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/auth"
	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/importer"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// dataDir is where the real data sets are, beside the project.
var dataDir = filepath.Join("..", "..", "..", "shared", "data")

func dataFile(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{dataDir}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("data set not here: %v", err)
	}
	return p
}

// bangumiSample reads bangumi-data and keeps the works that started in the given years.
func bangumiSample(t testing.TB, years ...string) *dataset.Set {
	t.Helper()
	set, err := dataset.ReadBangumi(dataFile(t, "bangumi-data", "data.json"))
	if err != nil {
		t.Fatal(err)
	}
	return keepYears(set, years...)
}

// keepYears cuts a set down to the works that started in one of the years.
func keepYears(set *dataset.Set, years ...string) *dataset.Set {
	out := *set
	out.Works, out.Bad = nil, nil
	for _, w := range set.Works {
		for _, y := range years {
			if strings.HasPrefix(w.Start, y) {
				out.Works = append(out.Works, w)
			}
		}
	}
	out.Read = len(out.Works)
	return &out
}

func forEachEngine(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, engine))
		})
	}
}

func run(t testing.TB, s *store.Store, set *dataset.Set) *importer.Summary {
	t.Helper()
	im := &importer.Importer{Edits: &edit.Service{Store: s}, BatchSize: 50}
	sum, err := im.Run(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total() != sum.Read {
		t.Errorf("summary accounts for %d records, read %d: %+v", sum.Total(), sum.Read, sum)
	}
	return sum
}

func count(t testing.TB, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// workOf finds the page a record became part of.
func workOf(t testing.TB, s *store.Store, source, record string) (store.Entity, *wiki.Work) {
	t.Helper()
	ctx := context.Background()
	recs, err := s.ImportRecords(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := recs[record]
	if !ok {
		t.Fatalf("%s record %s was not imported", source, record)
	}
	e, err := s.Entity(ctx, r.EntityID)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := s.Revision(ctx, e.ID, e.Head)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := wiki.Decode(wiki.KindWork, rev.Document)
	if err != nil {
		t.Fatal(err)
	}
	return e, doc.(*wiki.Work)
}

func TestImportBangumiSample(t *testing.T) {
	set := bangumiSample(t, "1995", "1996")
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		sum := run(t, s, set)
		if sum.Created+sum.Merged != len(set.Works) || sum.Created == 0 || len(sum.Skipped) != 0 {
			t.Errorf("first import: %+v, want every one of %d works created or merged", sum, len(set.Works))
		}
		// Evangelion: bangumi id 265, broadcast from 1995-10-04 in Japan.
		e, w := workOf(t, s, dataset.Bangumi, "bangumi:265")
		if w.OriginalTitle != "新世紀エヴァンゲリオン" || w.Medium != wiki.MediumTV || w.StartDate != "1995-10-04" || w.OriginalLanguage != "ja" {
			t.Errorf("Evangelion: %+v", w)
		}
		ids := map[string]string{}
		for _, x := range w.ExternalIDs {
			ids[x.Site] = x.ID
		}
		if ids["anidb"] != "22" || ids["mal"] != "30" || ids["bangumi"] != "265" {
			t.Errorf("Evangelion's ids: %v", ids)
		}
		if got, err := s.EntityByExternalID(context.Background(), "anidb", "22"); err != nil || got.ID != e.ID {
			t.Errorf("anidb 22 → %v, %v; want #%d", got.ID, err, e.ID)
		}
		src := wiki.SourcesOf(w)
		if len(src) != 1 || src[0].Dataset != "bangumi-data" || src[0].Record != "bangumi:265" || src[0].Version != set.Version ||
			!strings.Contains(strings.Join(src[0].Fields, ","), "start_date") || src[0].Licence == "" {
			t.Errorf("Evangelion's sources: %+v", src)
		}
		revs := count(t, s, `SELECT COUNT(*) FROM revisions`)
		author, err := s.UserByName(context.Background(), importer.Account(dataset.Bangumi))
		if err != nil || author.Role != string(auth.RoleImporter) {
			t.Errorf("import account: %+v, %v", author, err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM revisions WHERE author_id <> `+strconv.FormatInt(author.ID, 10)); n != 0 {
			t.Errorf("%d revisions by other accounts than the import account", n)
		}

		// Running it again changes nothing.
		again := run(t, s, set)
		if again.Unchanged != len(set.Works) || again.Created+again.Merged+again.Updated != 0 {
			t.Errorf("second import: %+v, want all %d unchanged", again, len(set.Works))
		}
		if n := count(t, s, `SELECT COUNT(*) FROM revisions`); n != revs {
			t.Errorf("second import: %d revisions, was %d", n, revs)
		}
	})
}

// TestReimportRespectsPeople changes a work the way a person would, then imports a new version
// of the data set that changes the same work: the person's value stays, the source's new value
// for it waits in the review queue, and what the person did not touch follows the source.
func TestReimportRespectsPeople(t *testing.T) {
	set := bangumiSample(t, "1995")
	set.Works = set.Works[:20]
	set.Read = len(set.Works)
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		run(t, s, set)
		rec := set.Works[3]
		e, w := workOf(t, s, dataset.Bangumi, rec.ID)
		person, err := s.CreateUser(ctx, "Ann", "x", string(auth.RoleTrusted))
		if err != nil {
			t.Fatal(err)
		}
		svc := &edit.Service{Store: s}
		mine := wiki.Clone(w)
		mine.Name = "A name a person chose"
		if _, err := svc.Apply(ctx, person, "Better name", func(c *edit.Changes) error { return c.Update(ctx, e.ID, e.Head, mine) }); err != nil {
			t.Fatal(err)
		}

		// The next version of the data set renames the work, moves its end and adds a title.
		next := *set
		next.Version = "v2"
		next.Works = append([]dataset.Work(nil), set.Works...)
		changed := &next.Works[3]
		changed.Titles = append(append([]dataset.Title(nil), changed.Titles...), dataset.Title{Language: "en", Kind: "official", Text: "The English Title"})
		changed.End = "1999-12-31"
		sum := run(t, s, &next)
		if sum.Updated != 1 || sum.Unchanged != len(set.Works)-1 || sum.Proposed != 1 {
			t.Errorf("re-import: %+v, want one updated with one proposal, the rest unchanged", sum)
		}
		_, after := workOf(t, s, dataset.Bangumi, rec.ID)
		if after.Name != "A name a person chose" {
			t.Errorf("name after re-import: %q, want the person's", after.Name)
		}
		if after.EndDate != "1999-12-31" {
			t.Errorf("end date after re-import: %q, want the source's new value", after.EndDate)
		}
		queued, err := s.Changesets(ctx, store.ChangesetFilter{Status: store.StatusPending, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(queued) != 1 || queued[0].AuthorName != importer.Account(dataset.Bangumi) {
			t.Fatalf("queue: %+v, want one changeset by the import account", queued)
		}
		props, err := s.Proposals(ctx, queued[0].ID)
		if err != nil || len(props) != 1 {
			t.Fatalf("proposals: %v, %v", props, err)
		}
		doc, err := wiki.Decode(wiki.KindWork, props[0].Document)
		if err != nil {
			t.Fatal(err)
		}
		if doc.(*wiki.Work).Name != "The English Title" {
			t.Errorf("proposed name %q, want the source's new one", doc.(*wiki.Work).Name)
		}
		// The page's source no longer vouches for the name the person gave.
		for _, src := range wiki.SourcesOf(after) {
			for _, f := range src.Fields {
				if f == "name" {
					t.Errorf("source %s still claims the name", src.Key)
				}
			}
		}

		// A third run with nothing new changes nothing and proposes nothing more.
		third := run(t, s, &next)
		if third.Unchanged != len(set.Works) || third.Proposed != 0 {
			t.Errorf("third import: %+v", third)
		}
	})
}

// cancelAfter is a progress writer that stops the import after it has reported n batches.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	return len(p), nil
}

// TestImportInterrupted stops an import half way and runs it again: the wiki ends as an
// uninterrupted import leaves it, with nothing twice.
func TestImportInterrupted(t *testing.T) {
	set := bangumiSample(t, "1996")
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		im := &importer.Importer{Edits: &edit.Service{Store: s}, BatchSize: 20, Progress: &cancelAfter{n: 3, cancel: cancel}}
		if _, err := im.Run(ctx, set); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted import: %v, want context.Canceled", err)
		}
		half := count(t, s, `SELECT COUNT(*) FROM import_records`)
		if half == 0 || half >= len(set.Works) {
			t.Fatalf("interrupted after %d of %d records; want part of them", half, len(set.Works))
		}
		sum := run(t, s, set)
		if sum.Unchanged != half || sum.Created+sum.Merged != len(set.Works)-half {
			t.Errorf("second run: %+v, want %d unchanged and the rest new", sum, half)
		}

		whole := storetest.Open(t, s.Engine())
		run(t, whole, set)
		if diff := cmp.Diff(snapshot(t, whole), snapshot(t, s)); diff != "" {
			t.Errorf("interrupted and resumed differs from uninterrupted (-whole +resumed):\n%s", diff)
		}
	})
}

// snapshot is what two imports of one data set must agree on: every entity's current document,
// every record's page, and the number of revisions.
func snapshot(t testing.TB, s *store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	err := s.HeadDocuments(ctx, func(h store.HeadDocument) error {
		out[h.Entity.Path()] = string(h.Document)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := s.ImportRecords(ctx, dataset.Bangumi)
	if err != nil {
		t.Fatal(err)
	}
	for id, r := range recs {
		out["record "+id] = strconv.FormatInt(r.EntityID, 10)
	}
	out["revisions"] = strconv.Itoa(count(t, s, `SELECT COUNT(*) FROM revisions`))
	return out
}

// TestImportAniDBSample imports AniDB's titles of the works of a bangumi-data sample, and of a
// few works bangumi-data does not know: the first join their pages by AniDB id, the others
// become pages of their own, of no known type.
func TestImportAniDBSample(t *testing.T) {
	bangumi := bangumiSample(t, "1995")
	all, err := dataset.ReadAniDB(dataFile(t, "anidb-titles", "anime-titles.dat.gz"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, w := range bangumi.Works {
		for _, x := range w.ExternalIDs {
			if x.Site == dataset.SiteAniDB {
				known[x.ID] = true
			}
		}
	}
	set := *all
	set.Works, set.Bad = nil, nil
	unknown := 0
	for _, w := range all.Works {
		switch {
		case known[w.ID]:
			set.Works = append(set.Works, w)
		case unknown < 5 && w.ID > "90000":
			set.Works = append(set.Works, w)
			unknown++
		}
	}
	set.Read = len(set.Works)
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		run(t, s, bangumi)
		sum := run(t, s, &set)
		if sum.Matches["id"] != len(set.Works)-unknown || sum.Created < 1 || sum.Proposed != 0 {
			t.Errorf("AniDB import: %+v, want %d matched by id and none proposed", sum, len(set.Works)-unknown)
		}
		e, w := workOf(t, s, dataset.AniDB, "22")
		if fromBangumi, _ := workOf(t, s, dataset.Bangumi, "bangumi:265"); fromBangumi.ID != e.ID {
			t.Fatalf("AniDB 22 is on #%d, Evangelion from bangumi-data on #%d", e.ID, fromBangumi.ID)
		}
		titles := map[string]bool{}
		for _, ti := range w.Titles {
			titles[ti.Language+"|"+ti.Kind+"|"+ti.Text] = ti.Source == wiki.SourceKey(dataset.AniDB, "22")
		}
		for _, want := range []string{"x-jat|main|Shinseiki Evangelion", "x-jat|short|eva", "ko|official|신세기 에반게리온"} {
			if !titles[want] {
				t.Errorf("Evangelion's titles lack %q from AniDB: %v", want, titles)
			}
		}
		// bangumi-data gave the English title first: it keeps it, and the page has it once.
		if fromAniDB, ok := titles["en|official|Neon Genesis Evangelion"]; !ok || fromAniDB {
			t.Errorf("the English title: present %v, from AniDB %v; want it once, from bangumi-data", ok, fromAniDB)
		}
		// The page keeps bangumi-data's name and type; AniDB adds, it does not overwrite.
		if w.Medium != wiki.MediumTV || w.OriginalTitle != "新世紀エヴァンゲリオン" {
			t.Errorf("Evangelion after AniDB: type %q, original title %q", w.Medium, w.OriginalTitle)
		}
		var only int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM works WHERE medium = ''`).Scan(&only); err != nil || only != unknown {
			t.Errorf("%d works of unknown type, want the %d AniDB alone knows (%v)", only, unknown, err)
		}
	})
}

// TestImportBadRecordInBatch imports a batch with a record that fails after naming people: the
// batch runs again record by record, the bad record alone is skipped, and neither the wiki, the
// summary nor the match report keeps anything of it.
func TestImportBadRecordInBatch(t *testing.T) {
	credit := func(names ...string) []dataset.Credit {
		var out []dataset.Credit
		for _, n := range names {
			out = append(out, dataset.Credit{Name: n, Role: "Director", RoleText: "監督"})
		}
		return out
	}
	work := func(id, title string, names ...string) dataset.Work {
		return dataset.Work{ID: id, Medium: wiki.MediumTV, Title: title, Start: "1999-04-0" + id[1:], Credits: credit(names...)}
	}
	bad := work("M3", "悪い記録", "Lost Person", "Shared Person")
	bad.Episodes = 200_000 // more than a work may have: refused when the work is saved, after its people
	set := &dataset.Set{Source: dataset.MADB, Version: "test", Read: 5, Works: []dataset.Work{
		work("M1", "一番目", "First Person"), work("M2", "二番目"), bad,
		work("M4", "四番目", "Shared Person"), work("M5", "五番目", "Shared Person", "First Person"),
	}}
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		var report strings.Builder
		im := &importer.Importer{Edits: &edit.Service{Store: s}, Report: &report}
		sum, err := im.Run(context.Background(), set)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created != 4 || sum.People != 2 || len(sum.Skipped) != 1 || sum.Skipped[0].ID != "M3" ||
			!strings.Contains(sum.Skipped[0].Reason, "episodes") || sum.Matches["new"] != 5 {
			t.Errorf("summary: %+v", sum)
		}
		lines := strings.Split(strings.TrimSpace(report.String()), "\n")
		if len(lines) != 5 {
			t.Errorf("match report has %d lines, want one per record:\n%s", len(lines), report.String())
		}
		people := map[string]int{}
		for id, name := range mustNames(t, s, wiki.KindPerson) {
			people[name]++
			if name == "Shared Person" {
				for _, rec := range []string{"M4", "M5"} {
					if _, w := workOf(t, s, dataset.MADB, rec); !slices.ContainsFunc(w.Credits, func(c wiki.Credit) bool { return int64(c.Person) == id }) {
						t.Errorf("%s does not credit the page of Shared Person (#%d): %+v", rec, id, w.Credits)
					}
				}
			}
		}
		if want := map[string]int{"First Person": 1, "Shared Person": 1}; !maps.Equal(people, want) {
			t.Errorf("people pages %v, want %v", people, want)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM entities WHERE kind = 'work'`); n != 4 {
			t.Errorf("%d works, want 4", n)
		}
	})
}

func mustNames(t testing.TB, s *store.Store, kind wiki.Kind) map[int64]string {
	t.Helper()
	names, err := s.NamesOfKind(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	return names
}
