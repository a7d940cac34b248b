package lists_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/lists"
	"kioku/internal/storetest"
)

const export = `<?xml version="1.0" encoding="UTF-8" ?>
<!-- Created by XML Export feature at MyAnimeList.net -->
<myanimelist>
	<myinfo><user_id>1</user_id><user_name>x</user_name><user_total_anime>3</user_total_anime></myinfo>
	<anime>
		<series_animedb_id>1</series_animedb_id><series_title><![CDATA[Cowboy Bebop]]></series_title>
		<my_watched_episodes>30</my_watched_episodes><my_start_date>1998-04-00</my_start_date>
		<my_finish_date>1999-00-00</my_finish_date><my_score>10</my_score><my_status>Completed</my_status>
	</anime>
	<anime>
		<series_animedb_id>2</series_animedb_id><series_title><![CDATA[Trigun]]></series_title>
		<my_watched_episodes>3</my_watched_episodes><my_start_date>0000-00-00</my_start_date>
		<my_finish_date>0000-00-00</my_finish_date><my_score>0</my_score><my_status>On-Hold</my_status>
	</anime>
	<anime>
		<series_animedb_id>5</series_animedb_id><series_title><![CDATA[Cowboy Bebop: Tengoku no Tobira]]></series_title>
		<my_status>Plan to Watch</my_status>
	</anime>
	<anime><series_animedb_id>6</series_animedb_id><series_title>Odd</series_title><my_status>Rewatching</my_status></anime>
</myanimelist>`

func TestParseMAL(t *testing.T) {
	entries, err := lists.ParseMAL(strings.NewReader(export))
	if err != nil {
		t.Fatal(err)
	}
	want := []lists.MALEntry{
		{ID: "1", Title: "Cowboy Bebop", Episodes: 30, Started: "1998-04", Finished: "1999", Score: 10, Status: lists.Completed, RawStatus: "Completed"},
		{ID: "2", Title: "Trigun", Episodes: 3, Status: lists.OnHold, RawStatus: "On-Hold"},
		{ID: "5", Title: "Cowboy Bebop: Tengoku no Tobira", Status: lists.PlanToWatch, RawStatus: "Plan to Watch"},
		{ID: "6", Title: "Odd", RawStatus: "Rewatching"},
	}
	if diff := cmp.Diff(want, entries); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	z.Write([]byte(export))
	z.Close()
	if again, err := lists.ParseMAL(&gz); err != nil || !cmp.Equal(again, entries) {
		t.Errorf("gzipped: %v, %v", again, err)
	}

	many := "<myanimelist>" + strings.Repeat("<anime><my_status>Watching</my_status></anime>", lists.MaxImportEntries+1) + "</myanimelist>"
	// Each case is refused for its own reason, not by another bound it happens to cross first.
	for name, c := range map[string]struct{ input, reason string }{
		"empty":       {"", "empty"},
		"malformed":   {export[:200], "not well-formed"},
		"wrong root":  {"<rss><anime/></rss>", "root element is <rss>"},
		"doctype":     {`<!DOCTYPE x [<!ENTITY a "aaaa">]><myanimelist>&a;</myanimelist>`, "<!DOCTYPE"},
		"entity":      {`<myanimelist><anime><series_title>&a;</series_title></anime></myanimelist>`, "not well-formed"},
		"deep":        {"<myanimelist><anime><a><b>x</b></a></anime></myanimelist>", "nests deeper"},
		"gzip bomb":   {bomb(t), fmt.Sprintf("larger than %d MiB unpacked", lists.MaxImportBytes>>20)},
		"many":        {many, fmt.Sprintf("more than %d entries", lists.MaxImportEntries)},
		"two roots":   {"<myanimelist/><myanimelist/>", "more than one root"},
		"bad charset": {`<?xml version="1.0" encoding="EBCDIC"?><myanimelist/>`, "not well-formed"},
	} {
		_, err := lists.ParseMAL(strings.NewReader(c.input))
		var bad *lists.ImportError
		if !errors.Is(err, lists.ErrBadImport) || !errors.As(err, &bad) || !strings.Contains(bad.Reason, c.reason) {
			t.Errorf("%s: %v, want ErrBadImport saying %q", name, err, c.reason)
		}
	}
}

// bomb is a small gzipped export that unpacks to more than MaxImportBytes: the two entries of
// export that match works of the wiki, then whitespace (as a pretty-printed export has) past the
// bound, then a third entry. It crosses no bound but the size: few entries, few tokens.
func bomb(t *testing.T) string {
	t.Helper()
	head, tail, ok := strings.Cut(export, "<anime>\n\t\t<series_animedb_id>5<")
	if !ok {
		t.Fatal("the export has no entry 5")
	}
	var gz bytes.Buffer
	z := gzip.NewWriter(&gz)
	n, _ := z.Write([]byte(head))
	pad := bytes.Repeat([]byte(" "), 64<<10)
	for n <= lists.MaxImportBytes {
		m, _ := z.Write(pad)
		n += m
	}
	m, _ := z.Write([]byte("<anime>\n\t\t<series_animedb_id>5<" + tail))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if n+m <= lists.MaxImportBytes || gz.Len() > 64<<10 {
		t.Fatalf("the bomb is %d bytes, %d unpacked: want at most 64 KiB, more than %d unpacked", gz.Len(), n+m, lists.MaxImportBytes)
	}
	return gz.String()
}

// manyEntries is an export of n entries: the two of export that match works of the wiki, then
// entries whose MyAnimeList ids no work carries.
func manyEntries(n int) string {
	var b strings.Builder
	b.WriteString("<myanimelist>\n")
	b.WriteString("<anime><series_animedb_id>1</series_animedb_id><my_score>10</my_score><my_status>Completed</my_status></anime>\n")
	b.WriteString("<anime><series_animedb_id>2</series_animedb_id><my_status>Watching</my_status></anime>\n")
	for i := range n - 2 {
		fmt.Fprintf(&b, "<anime><series_animedb_id>%d</series_animedb_id><my_status>Watching</my_status></anime>\n", 100000+i)
	}
	b.WriteString("</myanimelist>")
	return b.String()
}

// TestImportMAL imports an export into a store, again (changing nothing), then exports refused
// whole (too large unpacked, one entry too many), the largest accepted and one listing a work twice.
func TestImportMAL(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, engine)
			rep, err := w.svc.ImportMAL(ctx, w.bo, strings.NewReader(export))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Entries != 4 || rep.Imported != 2 || rep.Unchanged != 0 || len(rep.Unmatched) != 1 || len(rep.Skipped) != 1 {
				t.Errorf("report = %+v", rep)
			}
			got, err := w.store.Tracking(ctx, w.bo.ID, w.works[0])
			if err != nil || got.Episodes != 26 || got.Score != 10 || got.Started != "1998-04" || got.Finished != "1999" || got.Status != "completed" {
				t.Errorf("Cowboy Bebop: %+v, %v (episodes bounded by the work's 26)", got, err)
			}
			rep, err = w.svc.ImportMAL(ctx, w.bo, strings.NewReader(export))
			if err != nil || rep.Imported != 0 || rep.Unchanged != 2 {
				t.Errorf("again: %+v, %v", rep, err)
			}
			if sum, _ := w.svc.WorkSummary(ctx, w.works[0]); sum.Count != 1 {
				t.Errorf("score count after importing twice = %d", sum.Count)
			}

			// Exports refused whole: ann tracks nothing after them, though each holds entries
			// of works the wiki has before the point where it is refused.
			tracked := func() int {
				t.Helper()
				n, err := w.store.CountTracking(ctx, w.ann.ID)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			for _, c := range []struct{ name, input, reason string }{
				{"gzip bomb", bomb(t), fmt.Sprintf("larger than %d MiB unpacked", lists.MaxImportBytes>>20)},
				{"one entry too many", manyEntries(lists.MaxImportEntries + 1), fmt.Sprintf("more than %d entries", lists.MaxImportEntries)},
			} {
				name := c.name
				rep, err := w.svc.ImportMAL(ctx, w.ann, strings.NewReader(c.input))
				var bad *lists.ImportError
				if !errors.Is(err, lists.ErrBadImport) || !errors.As(err, &bad) || !strings.Contains(bad.Reason, c.reason) {
					t.Errorf("%s: %v, want ErrBadImport saying %q", name, err, c.reason)
				}
				if rep.Imported != 0 || rep.Entries != 0 {
					t.Errorf("%s: report %+v of a refused export", name, rep)
				}
				if n := tracked(); n != 0 {
					t.Errorf("%s: ann tracks %d works after a refused import, want 0", name, n)
				}
			}
			// An export of as many entries as the bound is imported.
			rep, err = w.svc.ImportMAL(ctx, w.ann, strings.NewReader(manyEntries(lists.MaxImportEntries)))
			if err != nil || rep.Entries != lists.MaxImportEntries || rep.Imported != 2 || len(rep.Unmatched) != lists.MaxImportEntries-2 {
				t.Errorf("%d entries: %v, %d entries, %d imported, %d unmatched; want %d, 2, %d",
					lists.MaxImportEntries, err, rep.Entries, rep.Imported, len(rep.Unmatched), lists.MaxImportEntries, lists.MaxImportEntries-2)
			}
			if n := tracked(); n != 2 {
				t.Errorf("ann tracks %d works after importing the largest export, want 2", n)
			}

			// An export that lists a work twice: the first entry holds, the work is tracked and
			// scored once, the report names the entry left out, and importing it again changes
			// nothing.
			twice := `<myanimelist>
				<anime><series_animedb_id>1</series_animedb_id><my_watched_episodes>26</my_watched_episodes><my_score>9</my_score><my_status>Completed</my_status></anime>
				<anime><series_animedb_id>2</series_animedb_id><my_status>Plan to Watch</my_status></anime>
				<anime><series_animedb_id>1</series_animedb_id><my_watched_episodes>3</my_watched_episodes><my_score>2</my_score><my_status>Dropped</my_status></anime>
			</myanimelist>`
			for i, want := range []struct{ imported, unchanged int }{{2, 0}, {0, 2}} {
				rep, err := w.svc.ImportMAL(ctx, w.admin, strings.NewReader(twice))
				if err != nil || rep.Entries != 3 || rep.Imported != want.imported || rep.Unchanged != want.unchanged || len(rep.Unmatched) != 0 ||
					len(rep.Skipped) != 0 || len(rep.Repeated) != 1 || rep.Repeated[0].Status != lists.Dropped {
					t.Errorf("work twice, import %d: %+v, %v; want %d imported, %d unchanged, the dropped entry repeated",
						i+1, rep, err, want.imported, want.unchanged)
				}
				got, err := w.store.Tracking(ctx, w.admin.ID, w.works[0])
				if err != nil || got.Status != "completed" || got.Score != 9 || got.Episodes != 26 {
					t.Errorf("work twice, import %d: Cowboy Bebop tracked as %+v, %v; want the first entry's completed, 9, 26", i+1, got, err)
				}
				if n, err := w.store.CountTracking(ctx, w.admin.ID); err != nil || n != 2 {
					t.Errorf("work twice, import %d: %d works tracked, %v; want 2", i+1, n, err)
				}
			}
			if sum, _ := w.svc.WorkSummary(ctx, w.works[0]); sum.Count != 3 || sum.Counts[10] != 2 || sum.Counts[9] != 1 {
				t.Errorf("Cowboy Bebop's scores: %+v; want bo's and ann's 10 and the work-twice export's 9", sum)
			}
		})
	}
}
