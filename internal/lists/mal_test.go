package lists_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
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

	var bomb bytes.Buffer
	z = gzip.NewWriter(&bomb)
	z.Write([]byte("<myanimelist>"))
	for range lists.MaxImportBytes / 64 {
		z.Write([]byte("<anime><series_title>aaaaaaaaaaaaaaaaaaaaaaa</series_title></anime>"))
	}
	z.Close()
	many := "<myanimelist>" + strings.Repeat("<anime><my_status>Watching</my_status></anime>", lists.MaxImportEntries+1) + "</myanimelist>"
	for name, input := range map[string]string{
		"empty":       "",
		"malformed":   export[:200],
		"wrong root":  "<rss><anime/></rss>",
		"doctype":     `<!DOCTYPE x [<!ENTITY a "aaaa">]><myanimelist>&a;</myanimelist>`,
		"entity":      `<myanimelist><anime><series_title>&a;</series_title></anime></myanimelist>`,
		"deep":        "<myanimelist><anime><a><b>x</b></a></anime></myanimelist>",
		"gzip bomb":   bomb.String(),
		"many":        many,
		"two roots":   "<myanimelist/><myanimelist/>",
		"bad charset": `<?xml version="1.0" encoding="EBCDIC"?><myanimelist/>`,
	} {
		if _, err := lists.ParseMAL(strings.NewReader(input)); !errors.Is(err, lists.ErrBadImport) {
			t.Errorf("%s: %v, want ErrBadImport", name, err)
		}
	}
}

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
		})
	}
}
