package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"kioku/internal/wiki"
)

// rows adds the numbered add rows of a section form to v: rows[i] holds row i's inputs.
func rows(v url.Values, rows ...map[string]string) url.Values {
	for i, r := range rows {
		for field, value := range r {
			v.Set(fmt.Sprintf("add.%d.%s", i, field), value)
		}
	}
	return v
}

// editForm posts a work section's form from the work's current revision, without following
// what it answers.
func (c *client) editForm(s *site, workID int64, section string, v url.Values) (*http.Response, *goquery.Document) {
	c.t.Helper()
	e, err := s.Store.Entity(context.Background(), workID)
	if err != nil {
		c.t.Fatal(err)
	}
	if !v.Has("base") {
		v.Set("base", strconv.Itoa(e.Head))
	}
	res, body := c.post(e.Path()+"/edit/"+section, v)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	return res, doc
}

// changesetOf is the changeset of entity id's current revision.
func changesetOf(t *testing.T, s *site, id int64) int64 {
	t.Helper()
	ctx := context.Background()
	e, err := s.Store.Entity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Store.Revision(ctx, id, e.Head)
	if err != nil {
		t.Fatal(err)
	}
	return r.ChangesetID
}

// TestSeveralRows saves several rows of credits, releases and segments, a blank row in the
// middle of each, in one save per section: every row is saved, in one changeset with the people
// it names, on both stores.
func TestSeveralRows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		work, _ := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		head := func() int {
			e, _ := s.Store.Entity(context.Background(), work)
			return e.Head
		}

		c.section(s, work, "credits", rows(url.Values{}, map[string]string{"person": "Katsuhiro Otomo", "role": "Director"},
			map[string]string{"person": "", "role": ""}, map[string]string{"person": "Satoshi Kon", "role": "Screenplay", "note": "Magnetic Rose"},
			map[string]string{"person": "Katsuhiro Otomo", "role": "Original Work"}))
		w := workDoc(t, s, work)
		if len(w.Credits) != 3 || head() != 2 {
			t.Fatalf("after one save: credits %+v, head %d; want 3 credits in revision 2", w.Credits, head())
		}
		kon := entityID(t, s, wiki.KindPerson, "Satoshi Kon")
		otomo := entityID(t, s, wiki.KindPerson, "Katsuhiro Otomo")
		if cs := changesetOf(t, s, work); changesetOf(t, s, kon) != cs || changesetOf(t, s, otomo) != cs {
			t.Errorf("the work, Satoshi Kon and Katsuhiro Otomo are not of one changeset")
		}

		// The credits as they are edited in place, one removed, in the same save as a new row.
		var director, original string
		for _, cr := range w.Credits {
			switch cr.Role {
			case "Director":
				director = cr.Key
			case "Original Work":
				original = cr.Key
			}
		}
		c.section(s, work, "credits", rows(url.Values{"role." + director: {"Chief Director"}, "note." + director: {"and segment 3"},
			"remove": {original}}, map[string]string{"person": "Koji Morimoto", "role": "Director", "note": "Magnetic Rose"}))
		var credits []string
		for _, cr := range workDoc(t, s, work).Credits {
			credits = append(credits, cr.Role+"/"+cr.Note)
		}
		if diff := cmp.Diff([]string{"Chief Director/and segment 3", "Screenplay/Magnetic Rose", "Director/Magnetic Rose"}, credits); diff != "" {
			t.Errorf("credits edited in place with a row added (-want +got):\n%s", diff)
		}

		c.section(s, work, "releases", rows(url.Values{}, map[string]string{"region": "JP", "language": "ja", "title": "MEMORIES", "date": "1995-12-23"},
			map[string]string{"region": "US", "language": "en", "title": "Memories", "date": "1996"}))
		c.section(s, work, "episodes", rows(url.Values{}, map[string]string{"number": "1", "name": "Magnetic Rose", "segment": "1"},
			map[string]string{"number": "", "name": ""}, map[string]string{"number": "2", "name": "Stink Bomb", "segment": "1"},
			map[string]string{"number": "3", "name": "Cannon Fodder", "segment": "1"}))
		c.section(s, work, "genres", rows(url.Values{}, map[string]string{"name": "Science fiction"}, map[string]string{"name": "Anthology"}))
		w = workDoc(t, s, work)
		var releases []string
		for _, r := range w.Releases {
			releases = append(releases, r.Region+" "+r.Date)
		}
		if diff := cmp.Diff([]string{"JP 1995-12-23", "US 1996"}, releases); diff != "" || len(w.Genres) != 2 {
			t.Errorf("releases (-want +got):\n%s\ngenres %v", diff, w.Genres)
		}
		segments := map[string]int64{}
		for _, name := range []string{"Magnetic Rose", "Stink Bomb", "Cannon Fodder"} {
			id := entityID(t, s, wiki.KindEpisode, name)
			segments[name] = changesetOf(t, s, id)
		}
		if segments["Magnetic Rose"] != segments["Stink Bomb"] || segments["Stink Bomb"] != segments["Cannon Fodder"] {
			t.Errorf("the segments' changesets %v, want one", segments)
		}
		if head() != 5 {
			t.Errorf("head %d after two credits saves, releases, segments and genres, want 5: segments are pages of their own", head())
		}
	})
}

// TestRowProblems sends rows of which some are wrong: the form comes back with status 400, the
// problems above it and beside their rows, every value and the summary kept, and nothing saved.
func TestRowProblems(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		work, _ := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		c.section(s, work, "credits", rows(url.Values{}, map[string]string{"person": "Katsuhiro Otomo", "role": "Director"}))
		key := workDoc(t, s, work).Credits[0].Key

		v := rows(url.Values{"edit_summary": {"the staff"}, "remove": {key}},
			map[string]string{"person": "Koji Morimoto", "role": "Director", "note": "Magnetic Rose"},
			map[string]string{"person": "Tensai Okamura", "role": " "},
			map[string]string{"person": "", "role": "", "note": ""},
			map[string]string{"role": "Music"})
		res, doc := c.editForm(s, work, "credits", v)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", res.StatusCode)
		}
		if got := texts(doc.Find(".problems-box li")); len(got) != 2 || !strings.HasPrefix(got[0], "row 2:") || !strings.HasPrefix(got[1], "row 4:") {
			t.Errorf("problems above the form %q, want rows 2 and 4", got)
		}
		for name, want := range map[string]string{"add.0.person": "Koji Morimoto", "add.0.note": "Magnetic Rose",
			"add.1.person": "Tensai Okamura", "add.3.role": "Music", "edit_summary": "the staff"} {
			if got := doc.Find(`#edit-form input[name="`+name+`"]`).AttrOr("value", "?"); got != want {
				t.Errorf("input %s = %q, want %q kept", name, got, want)
			}
		}
		if doc.Find(`input[name="add.1.role"][aria-invalid=true]`).Length() != 1 ||
			!strings.Contains(text(doc.Find(`input[name="add.1.role"]`).Parent().Find(".problem")), "needs a role") {
			t.Errorf("row 2's role is not marked with its problem")
		}
		if doc.Find(`input[name="add.3.person"][aria-invalid=true]`).Length() != 1 || doc.Find(".row.invalid").Length() != 2 {
			t.Errorf("row 4's person is not marked, or not two rows are")
		}
		if _, checked := doc.Find(`input[name=remove][value="` + key + `"]`).Attr("checked"); !checked {
			t.Errorf("the credit ticked for removal is no longer ticked")
		}
		if e, _ := s.Store.Entity(context.Background(), work); e.Head != 2 {
			t.Errorf("head %d, want 2: nothing saved", e.Head)
		}
		if people, _ := s.Store.EntitiesByName(context.Background(), wiki.KindPerson, "Koji Morimoto"); len(people) != 0 {
			t.Errorf("a refused save made %v", people)
		}

		// An episode number that is no number, beside its row.
		res, doc = c.editForm(s, work, "episodes", rows(url.Values{}, map[string]string{"number": "1", "name": "Magnetic Rose"},
			map[string]string{"number": "two", "name": "Stink Bomb"}))
		if res.StatusCode != http.StatusBadRequest || doc.Find(`input[name="add.1.number"][aria-invalid=true]`).Length() != 1 {
			t.Errorf("a number that is no number: status %d, or not marked", res.StatusCode)
		}

		// A form that is not this site's: bad row numbers, too many rows.
		many := url.Values{}
		for i := range 201 {
			many.Set(fmt.Sprintf("add.%d.name", i), fmt.Sprint("Genre ", i))
		}
		for name, form := range map[string]url.Values{
			"bad index":   {"add.x.person": {"A"}, "add.0.role": {"Director"}},
			"huge index":  {"add.99999999999999999999.person": {"A"}},
			"minus":       {"add.-1.person": {"A"}},
			"other field": {"add.0.password": {"A"}},
			"201 rows":    many,
		} {
			section := "credits"
			if name == "201 rows" {
				section = "genres"
			}
			res, doc := c.editForm(s, work, section, form)
			if res.StatusCode != http.StatusBadRequest || doc.Find(".problems-box").Length() != 1 {
				t.Errorf("%s: status %d, want 400 with the problem on the form", name, res.StatusCode)
			}
		}
		if e, _ := s.Store.Entity(context.Background(), work); e.Head != 2 {
			t.Errorf("head %d, want 2: nothing saved", e.Head)
		}
	})
}

// TestMoreRowsAndCheck uses the form's buttons as a browser without script does: "Add another
// row" gives the form back with one more blank row and "Check" with a pasted list read into
// rows, both keeping what was typed and saving nothing; the checked rows then save at once.
func TestMoreRowsAndCheck(t *testing.T) {
	s := newSite(t, "sqlite")
	c := s.signedIn(t, "ann")
	work, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
	doc := c.page(path+"/edit/credits", http.StatusOK)
	if n := doc.Find(".rows .row").Length(); n != 3 {
		t.Errorf("a new credits form has %d rows, want 3", n)
	}

	v := rows(url.Values{"rows": {"+1"}, "edit_summary": {"staff"}}, map[string]string{"person": "Katsuhiro Otomo", "role": "Director"},
		map[string]string{"person": ""}, map[string]string{"person": "Satoshi Kon", "role": "Screenplay"})
	res, doc := c.editForm(s, work, "credits", v)
	if res.StatusCode != http.StatusOK || doc.Find(".rows .row").Length() != 4 {
		t.Fatalf("add a row: status %d, %d rows; want 200 and 4", res.StatusCode, doc.Find(".rows .row").Length())
	}
	if got := doc.Find(`input[name="add.2.person"]`).AttrOr("value", ""); got != "Satoshi Kon" {
		t.Errorf("row 3 after adding a row: %q", got)
	}
	if got := doc.Find(`input[name=edit_summary]`).AttrOr("value", ""); got != "staff" {
		t.Errorf("summary after adding a row: %q", got)
	}

	paste := "Director: Koji Morimoto (Magnetic Rose), Tensai Okamura (Stink Bomb)\nStaff\nMusic - Yoko Kanno"
	v = rows(url.Values{"check": {"1"}, "paste": {paste}}, map[string]string{"person": "Katsuhiro Otomo", "role": "Director"}, map[string]string{"person": ""})
	res, doc = c.editForm(s, work, "credits", v)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("check: status %d", res.StatusCode)
	}
	var got []string
	doc.Find(".rows .row").Each(func(i int, row *goquery.Selection) {
		p := fmt.Sprintf("add.%d.", i)
		got = append(got, row.Find(`[name="`+p+`person"]`).AttrOr("value", "")+"|"+row.Find(`[name="`+p+`role"]`).AttrOr("value", "")+"|"+
			row.Find(`[name="`+p+`note"]`).AttrOr("value", ""))
	})
	want := []string{"Katsuhiro Otomo|Director|", "Koji Morimoto|Director|Magnetic Rose", "Tensai Okamura|Director|Stink Bomb", "Yoko Kanno|Music|", "||"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows after Check (-want +got):\n%s", diff)
	}
	if box := doc.Find("textarea[name=paste]").Text(); box != "Staff" || !strings.Contains(text(doc.Find("#paste-problems")), "line 2") {
		t.Errorf("the box keeps %q, problems %q; want the line that could not be read", box, text(doc.Find("#paste-problems")))
	}
	if e, _ := s.Store.Entity(context.Background(), work); e.Head != 1 {
		t.Errorf("head %d, want 1: nothing saved", e.Head)
	}

	// Saved with the line still there, nothing is; without it, all the rows are.
	form := postForms(doc)[0].values // the first form that posts is the section's
	for _, f := range postForms(doc) {
		if f.values.Has("base") {
			form = f.values
		}
	}
	res, _ = c.editForm(s, work, "credits", cloneValues(form))
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("saved with a line that could not be read: status %d, want 400", res.StatusCode)
	}
	form.Set("paste", "")
	c.section(s, work, "credits", form)
	if n := len(workDoc(t, s, work).Credits); n != 4 {
		t.Errorf("%d credits after saving the checked rows, want 4", n)
	}

	// A segment list, numbered after the work's segments.
	c.section(s, work, "episodes", rows(url.Values{}, map[string]string{"number": "1", "name": "Magnetic Rose", "segment": "1"}))
	res, doc = c.editForm(s, work, "episodes", url.Values{"check": {"1"}, "paste": {"Stink Bomb\nCannon Fodder / 大砲の街"}, "paste_segment": {"1"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("check segments: status %d", res.StatusCode)
	}
	if n, name, orig := doc.Find(`input[name="add.1.number"]`).AttrOr("value", ""), doc.Find(`input[name="add.1.name"]`).AttrOr("value", ""),
		doc.Find(`input[name="add.1.original_name"]`).AttrOr("value", ""); n != "3" || name != "Cannon Fodder" || orig != "大砲の街" {
		t.Errorf("second pasted segment: %q %q %q, want 3, Cannon Fodder, 大砲の街", n, name, orig)
	}
	if _, ok := doc.Find(`input[name="add.0.segment"]`).Attr("checked"); !ok {
		t.Errorf("pasted segments are not marked as segments")
	}
}

// entityID is the id of the one entity of a kind with a name.
func entityID(t *testing.T, s *site, kind wiki.Kind, name string) int64 {
	t.Helper()
	list, err := s.Store.EntitiesByName(context.Background(), kind, name)
	if err != nil || len(list) != 1 {
		t.Fatalf("%s named %s: %v, %v", kind, name, list, err)
	}
	return list[0].ID
}

// workDoc is the current document of work id.
func workDoc(t *testing.T, s *site, id int64) *wiki.Work {
	t.Helper()
	ctx := context.Background()
	e, err := s.Store.Entity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Store.Revision(ctx, id, e.Head)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := wiki.Decode(wiki.KindWork, r.Document)
	if err != nil {
		t.Fatal(err)
	}
	return doc.(*wiki.Work)
}

// TestConflictKeepsForm saves a deck from a revision someone else has changed the deck of since:
// the form comes back with status 409, what was typed kept, made from the page as it is now,
// and a person-page form with a bad value comes back with 400 the same way.
func TestConflictKeepsForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		work, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		c.save(path+"/edit/basics", basics("Three tales", "", 1))
		res, body := c.post(path+"/edit/basics", basics("Three stories", "PG-13", 1))
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("status %d, want 409", res.StatusCode)
		}
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		if got := doc.Find(`input[name=deck], textarea[name=deck]`).First(); text(got)+got.AttrOr("value", "") != "Three stories" {
			t.Errorf("deck %q after a conflict, want what was typed", text(got)+got.AttrOr("value", ""))
		}
		if got := doc.Find(`input[name=base]`).AttrOr("value", ""); got != strconv.Itoa(head(t, s, work)) {
			t.Errorf("base %s after a conflict, want the current revision %d", got, head(t, s, work))
		}
		if !strings.Contains(text(doc.Find(".problems-box")), "Three tales") {
			t.Errorf("the conflict is not told: %q", text(doc.Find(".problems-box")))
		}
		if got := doc.Find(`input[name=edit_summary]`).AttrOr("value", ""); got != "deck Three stories" {
			t.Errorf("summary %q after a conflict", got)
		}

		c.section(s, work, "credits", rows(url.Values{}, map[string]string{"person": "Satoshi Kon", "role": "Writer"}))
		person := entityID(t, s, wiki.KindPerson, "Satoshi Kon")
		e, _ := s.Store.Entity(context.Background(), person)
		res, body = c.post(e.Path()+"/edit", url.Values{"base": {strconv.Itoa(e.Head)}, "name": {"Satoshi Kon"}, "birth_date": {"1963-13-40"},
			"summary": {"A director"}})
		doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
		if res.StatusCode != http.StatusBadRequest || doc.Find("#edit-form").Length() != 1 ||
			doc.Find(`input[name=birth_date]`).AttrOr("value", "") != "1963-13-40" {
			t.Errorf("a bad date on a person's page: status %d, or the form without what was typed", res.StatusCode)
		}
	})
}
