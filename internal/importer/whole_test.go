package importer_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kioku/internal/dataset"
	"kioku/internal/edit"
	"kioku/internal/importer"
	"kioku/internal/store"
	"kioku/internal/storetest"
)

// readWhole reads one whole data set from the shared data folder.
func readWhole(t testing.TB, source string) *dataset.Set {
	t.Helper()
	var set *dataset.Set
	var err error
	switch source {
	case dataset.Bangumi:
		set, err = dataset.ReadBangumi(dataFile(t, "bangumi-data", "data.json"))
	case dataset.AniDB:
		set, err = dataset.ReadAniDB(dataFile(t, "anidb-titles", "anime-titles.dat.gz"))
	case dataset.MADB:
		set, err = dataset.ReadMADB(dataFile(t, "madb-anime"))
	}
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestWholeDataSets imports the three data sets whole into one SQLite wiki, checks that every
// summary accounts for every record read, and measures how well records of one work were
// matched against the hand-labelled sample in testdata/matches.tsv.
func TestWholeDataSets(t *testing.T) {
	if raceEnabled {
		t.Skip("too slow under the race detector; make test runs it without")
	}
	s := storetest.Open(t, store.SQLite)
	im := &importer.Importer{Edits: &edit.Service{Store: s}}
	for _, source := range []string{dataset.Bangumi, dataset.AniDB, dataset.MADB} {
		set := readWhole(t, source)
		sum, err := im.Run(context.Background(), set)
		if err != nil {
			t.Fatalf("%s: %v", source, err)
		}
		var b strings.Builder
		sum.Print(&b)
		t.Log(b.String())
		if sum.Total() != sum.Read {
			t.Errorf("%s: the summary accounts for %d records of the %d read", source, sum.Total(), sum.Read)
		}
		if sum.Created == 0 {
			t.Errorf("%s: nothing created", source)
		}
	}
	if n := count(t, s, `SELECT COUNT(*) FROM entities WHERE kind = 'work' AND head > 0`); n < 20_000 {
		t.Errorf("%d works in the wiki, want the tens of thousands the data sets hold", n)
	}

	random, all := matchQuality(t, s)
	t.Logf("matching, random sample: %s", random)
	t.Logf("matching, whole labelled sample (hard cases included): %s", all)
	if random.precision() < 0.99 || random.recall() < 0.95 {
		t.Errorf("matching on the random sample: %s; want precision ≥ 0.99 and recall ≥ 0.95", random)
	}
	t.Run("search", func(t *testing.T) { searchQuality(t, s) })
}

// quality counts the merges of a labelled sample: a true merge joins a bangumi-data record to
// the Media Arts Database record the label names; a false one joins it to another, or to any
// when the label says the Media Arts Database has none.
type quality struct{ truePos, falsePos, falseNeg, trueNeg int }

func (q quality) precision() float64 { return ratio(q.truePos, q.truePos+q.falsePos) }
func (q quality) recall() float64    { return ratio(q.truePos, q.truePos+q.falseNeg) }

func (q quality) String() string {
	return "precision " + ftoa(q.precision()) + ", recall " + ftoa(q.recall()) + " (" +
		itoa(q.truePos) + " right merges, " + itoa(q.falsePos) + " wrong, " + itoa(q.falseNeg) + " missed, " +
		itoa(q.trueNeg) + " rightly left apart)"
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

var mediaArtsID = regexp.MustCompile(`[CM]\d+`)

// matchQuality scores the wiki's merges against testdata/matches.tsv: the random sample of its
// first section alone, and every line.
func matchQuality(t *testing.T, s *store.Store) (random, all quality) {
	t.Helper()
	ctx := context.Background()
	bangumi, err := s.ImportRecords(ctx, dataset.Bangumi)
	if err != nil {
		t.Fatal(err)
	}
	madb, err := s.ImportRecords(ctx, dataset.MADB)
	if err != nil {
		t.Fatal(err)
	}
	onPage := map[int64][]string{} // the Media Arts Database records on each page
	for id, r := range madb {
		onPage[r.EntityID] = append(onPage[r.EntityID], id)
	}
	f, err := os.Open(filepath.Join("testdata", "matches.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	section := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# --- section ") {
			section++
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("matches.tsv: %q has %d columns", line, len(cols))
		}
		want := cols[1]
		accept := []string{want}
		if _, alt, ok := strings.Cut(cols[4], "alt:"); ok {
			accept = append(accept, mediaArtsID.FindAllString(alt, -1)...)
		}
		rec, ok := bangumi[cols[0]]
		if !ok {
			t.Errorf("matches.tsv: bangumi-data record %s was not imported", cols[0])
			continue
		}
		merged := onPage[rec.EntityID]
		var q quality
		switch {
		case want == "-" && len(merged) == 0:
			q.trueNeg++
		case want == "-":
			q.falsePos++
		case overlaps(merged, accept):
			q.truePos++
		case len(merged) > 0:
			q.falsePos++
			q.falseNeg++
		default:
			q.falseNeg++
		}
		if q.falsePos+q.falseNeg > 0 {
			t.Logf("section %d: %s %s: labelled %s, page holds %v", section, cols[0], cols[2], want, merged)
		}
		all = add(all, q)
		if section == 1 {
			random = add(random, q)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if random.truePos+random.falseNeg < 80 {
		t.Fatalf("the random sample has %d labelled matches; is matches.tsv complete?", random.truePos+random.falseNeg)
	}
	return random, all
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func add(a, b quality) quality {
	return quality{a.truePos + b.truePos, a.falsePos + b.falsePos, a.falseNeg + b.falseNeg, a.trueNeg + b.trueNeg}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }
