package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/auth"
)

// seedReaders gives the work at path (id) a public ranked list of c's with it, and c's
// tracking of it with a score; it returns the list's address.
func seedReaders(t testing.TB, c *client, id int64, path string) string {
	t.Helper()
	list := c.save("/lists", url.Values{"name": {"Anthologies"}, "description": {"Films of several stories."}, "ranked": {"1"}, "public": {"1"}})
	listID := list[strings.LastIndex(list, "/")+1:]
	c.save("/lists/add", url.Values{"list": {listID}, "entity": {strconv.FormatInt(id, 10)}, "note": {"The best of them."}})
	c.save(path+"/track", url.Values{"status": {"completed"}, "episodes": {"1"}, "score": {"9"}, "started": {"1996-01"}})
	return list
}

func listIDs(doc *goquery.Document) []string {
	var out []string
	doc.Find("#items li.list-item").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-entity", ""))
	})
	return out
}

func TestReaderLists(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ann := s.signedIn(t, "ann")
		var works []int64
		var paths []string
		for _, name := range []string{"Memories", "Akira", "Perfect Blue"} {
			id, p := newWork(t, ann, name, url.Values{"medium": {"film"}})
			works, paths = append(works, id), append(paths, p)
		}
		// A reader, who may not edit, keeps lists all the same.
		bo := s.signedInAs(t, "bo", auth.RoleReader)
		list := bo.save("/lists", url.Values{"name": {"Films"}, "ranked": {"1"}, "public": {"1"}})
		id := list[strings.LastIndex(list, "/")+1:]
		for _, w := range works {
			bo.save("/lists/add", url.Values{"list": {id}, "entity": {strconv.FormatInt(w, 10)}})
		}
		want := func(order ...int64) []string {
			var out []string
			for _, w := range order {
				out = append(out, strconv.FormatInt(w, 10))
			}
			return out
		}
		check := func(what string, order ...int64) {
			t.Helper()
			if got := listIDs(bo.page(list, http.StatusOK)); strings.Join(got, ",") != strings.Join(want(order...), ",") {
				t.Errorf("%s: items %v, want %v", what, got, want(order...))
			}
		}
		check("added", works[0], works[1], works[2])
		if doc := bo.page("/users/bo/lists", http.StatusOK); doc.Find(`#new-list form[action="/lists"]`).Length() != 1 || doc.Find("#lists li").Length() != 1 {
			t.Errorf("bo's own lists page: %q", doc.Find("article").Text())
		}
		if doc := ann.page("/users/bo/lists", http.StatusOK); doc.Find("#new-list").Length() != 0 {
			t.Error("bo's lists page offers ann to make a list there")
		}
		// Without script: the down button, then a position typed.
		item := func(w int64) string { return fmt.Sprintf("%s/items/%d", list, w) }
		bo.save(item(works[0])+"/move", url.Values{"position": {"1"}, "by": {"1"}})
		check("moved down", works[1], works[0], works[2])
		bo.save(item(works[2])+"/move", url.Values{"position": {"1"}})
		check("moved to 1", works[2], works[1], works[0])
		bo.save(item(works[1])+"/note", url.Values{"note": {"Tokyo, 2019."}})
		if got := bo.page(list, http.StatusOK).Find(fmt.Sprintf("#item-%d .note", works[1])).Text(); got != "Tokyo, 2019." {
			t.Errorf("note = %q", got)
		}
		bo.save(item(works[2])+"/remove", url.Values{})
		check("removed", works[1], works[0])

		// Others cannot change it.
		if res, _ := ann.post(item(works[0])+"/move", url.Values{"position": {"2"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("someone else's move: status %d, want 403", res.StatusCode)
		}
		// No form without the token.
		if res, _ := bo.post(item(works[0])+"/move", url.Values{"position": {"2"}, "csrf": {"forged"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a move without the form's token: status %d, want 403", res.StatusCode)
		}

		// A private list is its owner's alone.
		secret := bo.save("/lists", url.Values{"name": {"Secret"}})
		bo.page(secret, http.StatusOK)
		ann.page(secret, http.StatusNotFound)
		s.anonymous(t).page(secret, http.StatusNotFound)
		if doc := ann.page("/users/bo", http.StatusOK); strings.Contains(doc.Find("#lists").Text(), "Secret") || !strings.Contains(doc.Find("#lists").Text(), "Films") {
			t.Errorf("bo's profile, to ann: %q", doc.Find("#lists").Text())
		}
		if doc := bo.page("/users/bo", http.StatusOK); !strings.Contains(doc.Find("#lists").Text(), "Secret") {
			t.Errorf("bo's profile, to bo, lacks the private list: %q", doc.Find("#lists").Text())
		}
		if res, _ := ann.post(secret+"/like", url.Values{"like": {"1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("liking a private list: status %d, want 404", res.StatusCode)
		}

		// Likes: one per reader, toggled; the work page lists public lists by likes.
		cy := s.signedInAs(t, "cy", auth.RoleReader)
		other := cy.save("/lists", url.Values{"name": {"Kon's films"}, "public": {"1"}})
		cy.save("/lists/add", url.Values{"list": {other[strings.LastIndex(other, "/")+1:]}, "entity": {strconv.FormatInt(works[0], 10)}})
		likes := func(path string) string { return bo.page(path, http.StatusOK).Find("#likes").Text() }
		ann.save(list+"/like", url.Values{"like": {"1"}})
		ann.save(list+"/like", url.Values{"like": {"1"}})
		if got := likes(list); got != "1 like" {
			t.Errorf("liked twice: %q, want 1 like", got)
		}
		top := func() []string {
			var out []string
			s.anonymous(t).page(paths[0], http.StatusOK).Find("#top-lists li.top-list > a").Each(func(_ int, a *goquery.Selection) {
				out = append(out, a.Text())
			})
			return out
		}
		if got := strings.Join(top(), "|"); got != "Films|Kon's films" {
			t.Errorf("top lists = %q, want Films first (one like)", got)
		}
		ann.save(list+"/like", url.Values{"like": {"0"}})
		ann.save(other+"/like", url.Values{"like": {"1"}})
		if got := likes(list); got != "0 likes" {
			t.Errorf("unliked: %q", got)
		}
		// The anonymous page was cached before the likes changed; it shows them as they are.
		if got := strings.Join(top(), "|"); got != "Kon's films|Films" {
			t.Errorf("top lists after the likes moved = %q, want Kon's films first", got)
		}
		if res, _ := cy.post(other+"/like", url.Values{"like": {"1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("liking one's own list: status %d, want 403", res.StatusCode)
		}

		// A banned account changes nothing any more.
		admin := s.signedInAs(t, "root", auth.RoleAdmin)
		admin.save("/admin/users/bo/ban", url.Values{"reason": {"spam"}})
		if res, _ := bo.post("/lists", url.Values{"name": {"After the ban"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a banned account's new list: status %d, want 403", res.StatusCode)
		}
		if res, _ := bo.post(paths[0]+"/track", url.Values{"status": {"watching"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a banned account's tracking: status %d, want 403", res.StatusCode)
		}
		if n, _ := s.Store.CountReaderLists(context.Background(), userID(t, s, "bo")); n != 2 {
			t.Errorf("bo has %d lists, want 2", n)
		}
	})
}

func TestTrackingAndScores(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ann := s.signedIn(t, "ann")
		id, path := newWork(t, ann, "Cowboy Bebop", url.Values{"episodes": {"26"}})
		anon := s.anonymous(t)
		if doc := anon.page(path, http.StatusOK); doc.Find("#scores, #top-lists, #tracking").Length() != 0 || doc.Find("#readers-none").Length() != 1 {
			t.Errorf("a work no one scored, to a reader not signed in: %q", doc.Find("#scores").Text())
		}
		scores := []int{10, 9, 9, 7}
		for i, score := range scores {
			c := s.signedInAs(t, fmt.Sprintf("reader%d", i), auth.RoleReader)
			c.save(path+"/track", url.Values{"status": {"watching"}, "episodes": {"3"}, "score": {strconv.Itoa(score)}})
		}
		// A score changed moves the distribution, not the count; the page's ETag follows it.
		c := s.signedInAs(t, "reader4", auth.RoleReader)
		c.save(path+"/track", url.Values{"status": {"completed"}, "score": {"3"}, "started": {"2024-04"}, "finished": {"2024-05-02"}})
		etag := anon.get(path).Header.Get("ETag")
		c.save(path+"/track", url.Values{"status": {"completed"}, "score": {"5"}, "started": {"2024-04"}, "finished": {"2024-05-02"}})
		if res := anon.get(path); res.Header.Get("ETag") == etag {
			t.Errorf("the page's ETag stayed %s when a score changed", etag)
		}
		// Nothing changed since: the cached page comes whole, with the same ETag, and a reader
		// who has it is told so.
		first, body := anon.fetch(path, nil)
		again, same := anon.fetch(path, nil)
		etag = first.Header.Get("ETag")
		if again.Header.Get("ETag") != etag || !bytes.Equal(body, same) || first.ContentLength != int64(len(body)) ||
			!bytes.HasSuffix(bytes.TrimSpace(body), []byte("</html>")) {
			t.Errorf("the page twice: ETag %s then %s, %d bytes (Content-Length %d) then %d",
				etag, again.Header.Get("ETag"), len(body), first.ContentLength, len(same))
		}
		if res, _ := anon.fetch(path, http.Header{"If-None-Match": {etag}}); res.StatusCode != http.StatusNotModified {
			t.Errorf("the page with its ETag: status %d, want 304", res.StatusCode)
		}
		doc := anon.page(path, http.StatusOK)
		if got := doc.Find("#mean-score").Text(); got != "8.00" {
			t.Errorf("mean = %q, want 8.00 (10, 9, 9, 7, 5)", got)
		}
		if got := doc.Find("#score-count").Text(); got != "5" {
			t.Errorf("count = %q, want 5", got)
		}
		bars := map[string]string{}
		doc.Find("#score-chart tr[data-score]").Each(func(_ int, tr *goquery.Selection) {
			bars[tr.AttrOr("data-score", "")] = tr.Find(".n").Text() + " " + tr.Find(".bar").AttrOr("class", "")
		})
		for score, want := range map[string]string{"10": "1 bar w5", "9": "2 bar w10", "5": "1 bar w5", "3": "0 bar w0"} {
			if bars[score] != want {
				t.Errorf("bar %s = %q, want %q", score, bars[score], want)
			}
		}
		// Completing with no episodes counted is seeing them all.
		mine := c.page(path, http.StatusOK)
		if got := mine.Find("#track-episodes").AttrOr("value", ""); got != "26" {
			t.Errorf("episodes of a completed work = %q, want 26", got)
		}
		if got := mine.Find("#track-score option[selected]").AttrOr("value", ""); got != "5" {
			t.Errorf("the reader's own score in the form = %q", got)
		}
		// The domain refuses what a work cannot have.
		for _, bad := range []url.Values{
			{"status": {"watching"}, "episodes": {"27"}},
			{"status": {"watching"}, "score": {"11"}},
			{"status": {"binging"}},
			{"status": {"completed"}, "started": {"2024-02-30"}},
			{"status": {"completed"}, "started": {"2024-05"}, "finished": {"2024-04-30"}},
		} {
			if res, body := c.post(path+"/track", bad); res.StatusCode != http.StatusBadRequest {
				t.Errorf("tracking %v: status %d, want 400\n%.300s", bad, res.StatusCode, body)
			}
		}
		// The reader's list by status, public until they keep it to themselves.
		tracked := anon.page("/users/reader4/anime?status=completed", http.StatusOK)
		if got := tracked.Find("#tracked tr.tracked-work td.score").Text(); got != "5" {
			t.Errorf("reader4's completed works: score %q", got)
		}
		c.save("/account/tracking", url.Values{"private": {"1"}})
		anon.page("/users/reader4/anime", http.StatusNotFound)
		c.page("/users/reader4/anime", http.StatusOK)
		// Taking the work off the list takes its score away.
		c.save(path+"/track", url.Values{"status": {""}})
		if got := anon.page(path, http.StatusOK).Find("#score-count").Text(); got != "4" {
			t.Errorf("count after one reader took the work off = %q, want 4", got)
		}
		_ = id
	})
}

// malExport is a MyAnimeList export of the entries given as id, title, status, score.
func malExport(entries ...[4]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?>
<!-- Created by XML Export feature at MyAnimeList.net -->
<myanimelist><myinfo><user_id>1</user_id><user_name>tester</user_name><user_export_type>1</user_export_type></myinfo>`)
	for _, e := range entries {
		fmt.Fprintf(&b, `<anime><series_animedb_id>%s</series_animedb_id><series_title><![CDATA[%s]]></series_title><series_type>TV</series_type>
<series_episodes>26</series_episodes><my_id>0</my_id><my_watched_episodes>26</my_watched_episodes><my_start_date>1999-04-00</my_start_date>
<my_finish_date>0000-00-00</my_finish_date><my_score>%s</my_score><my_status>%s</my_status><update_on_import>1</update_on_import></anime>`, e[0], e[1], e[3], e[2])
	}
	b.WriteString(`</myanimelist>`)
	return b.String()
}

// importExport sends a file to the import form, as a browser does.
func (c *client) importExport(file []byte, name string) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("csrf", c.csrf)
	f, _ := w.CreateFormFile("export", name)
	f.Write(file)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/import/myanimelist", &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestImportMyAnimeList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ann := s.signedIn(t, "ann")
		bebop, path := newWork(t, ann, "Cowboy Bebop", url.Values{"episodes": {"26"}})
		ann.section(s, bebop, "ids", url.Values{"site": {"mal"}, "id": {"1"}, "edit_summary": {"MAL"}})
		eva, _ := newWork(t, ann, "Neon Genesis Evangelion", url.Values{"episodes": {"26"}})
		ann.section(s, eva, "ids", url.Values{"site": {"mal"}, "id": {"30"}, "edit_summary": {"MAL"}})
		c := s.signedInAs(t, "mal", auth.RoleReader)
		c.page("/import/myanimelist", http.StatusOK)
		export := malExport([4]string{"1", "Cowboy Bebop", "Completed", "9"}, [4]string{"30", "Neon Genesis Evangelion", "Dropped", "0"},
			[4]string{"99999", "Nowhere Special", "Plan to Watch", "0"}, [4]string{"1", "Cowboy Bebop (again)", "Dropped", "2"})
		var gz bytes.Buffer
		z := gzip.NewWriter(&gz)
		z.Write([]byte(export))
		z.Close()
		for i, file := range [][]byte{gz.Bytes(), []byte(export)} {
			res, body := c.importExport(file, "animelist.xml.gz")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("import %d: status %d\n%.500s", i, res.StatusCode, body)
			}
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			wantImported, wantUnchanged := "2", "0"
			if i == 1 { // the same again changes nothing
				wantImported, wantUnchanged = "0", "2"
			}
			if got := doc.Find("#imported").Text() + "/" + doc.Find("#unchanged").Text(); got != wantImported+"/"+wantUnchanged {
				t.Errorf("import %d: imported/unchanged = %s, want %s/%s", i, got, wantImported, wantUnchanged)
			}
			if got := doc.Find("#unmatched li").Text(); !strings.Contains(got, "Nowhere Special") || !strings.Contains(got, "99999") {
				t.Errorf("import %d: unmatched = %q", i, got)
			}
			if got := doc.Find("#repeated li").Text(); !strings.Contains(got, "Cowboy Bebop (again)") {
				t.Errorf("import %d: the entry left out for its work's earlier one: %q", i, got)
			}
		}
		tr, err := s.Store.Tracking(context.Background(), userID(t, s, "mal"), bebop)
		if err != nil || tr.Status != "completed" || tr.Score != 9 || tr.Episodes != 26 || tr.Started != "1999-04" || tr.Finished != "" {
			t.Errorf("Cowboy Bebop tracked as %+v (%v)", tr, err)
		}
		if got := s.anonymous(t).page(path, http.StatusOK).Find("#score-count").Text(); got != "1" {
			t.Errorf("score count after importing twice = %q, want 1", got)
		}

		// Hostile files are refused whole, with a 4xx, and store nothing; so is a form without
		// the sign-in's token.
		d := s.signedInAs(t, "hostile", auth.RoleReader)
		token := d.csrf
		d.csrf = "forged"
		if res, _ := d.importExport([]byte(export), "animelist.xml"); res.StatusCode != http.StatusForbidden {
			t.Errorf("an import without the form's token: status %d, want 403", res.StatusCode)
		}
		d.csrf = token
		var bomb bytes.Buffer
		z = gzip.NewWriter(&bomb)
		z.Write([]byte("<myanimelist>"))
		z.Write(bytes.Repeat([]byte("<anime><x>y</x></anime>"), 1<<20))
		z.Close()
		nested := "<myanimelist><anime><a><b><c>deep</c></b></a></anime></myanimelist>"
		for _, f := range []struct {
			name string
			file []byte
		}{
			{"malformed", []byte(malExport([4]string{"1", "Cowboy Bebop", "Completed", "9"})[:300])},
			{"wrong root", []byte(`<?xml version="1.0"?><rss><anime><series_animedb_id>1</series_animedb_id></anime></rss>`)},
			{"entities", []byte(`<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><myanimelist>&lol;</myanimelist>`)},
			{"gzip bomb", bomb.Bytes()},
			{"too deep", []byte(nested)},
			{"empty", nil},
			{"not gzip", []byte{0x1f, 0x8b, 0, 1, 2}},
		} {
			res, body := d.importExport(f.file, "x.xml")
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Errorf("%s: status %d, want 4xx\n%.300s", f.name, res.StatusCode, body)
			}
		}
		big := bytes.Repeat([]byte("x"), 1<<20+10)
		if res, _ := d.importExport(big, "big.xml"); res.StatusCode != http.StatusRequestEntityTooLarge && res.StatusCode != http.StatusBadRequest {
			t.Errorf("a file over the body limit: status %d, want 413", res.StatusCode)
		}
		if n, _ := s.Store.CountTracking(context.Background(), userID(t, s, "hostile")); n != 0 {
			t.Errorf("hostile imports stored %d tracked works", n)
		}
	})
}
