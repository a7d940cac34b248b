package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/auth"
	"kioku/internal/images/imagetest"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// upload posts a picture to the gallery at path (a page's address) as file name, with the form's
// other fields, and returns the response with its body read.
func (c *client) upload(path, name string, data []byte, fields url.Values) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if fields == nil {
		fields = url.Values{}
	}
	if fields.Get("kind") == "" {
		fields.Set("kind", "poster")
	}
	fields.Set("csrf", c.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+path+"/images", &b)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// mustUpload uploads a picture that must be accepted, and returns where it led.
func (c *client) mustUpload(path, name string, data []byte, fields url.Values) string {
	c.t.Helper()
	res, body := c.upload(path, name, data, fields)
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("upload %s: status %d, want 303\n%s", name, res.StatusCode, problems(body))
	}
	return res.Header.Get("Location")
}

// fetch gets path and returns the response with its body read.
func (c *client) fetch(path string, header http.Header) (*http.Response, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// mainImage is the address the page at path loads its main image from, or "".
func mainImage(c *client, path string) string {
	c.t.Helper()
	src, _ := c.page(path, http.StatusOK).Find("#image img.main-image").Attr("src")
	return src
}

// checkServed fetches a picture's address and checks that it is a picture of the type, cached
// for a year, with an ETag that a reload is answered by with 304.
func checkServed(t *testing.T, c *client, src, ctype string) []byte {
	t.Helper()
	res, body := c.fetch(src, nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != ctype {
		t.Fatalf("GET %s: status %d, type %q; want 200, %s", src, res.StatusCode, res.Header.Get("Content-Type"), ctype)
	}
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("GET %s: Cache-Control %q", src, got)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET %s: no nosniff", src)
	}
	if _, _, err := image.Decode(bytes.NewReader(body)); err != nil {
		t.Errorf("GET %s: not a picture: %v", src, err)
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatalf("GET %s: no ETag", src)
	}
	again, _ := c.fetch(src, http.Header{"If-None-Match": {etag}})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("GET %s with its ETag: status %d, want 304", src, again.StatusCode)
	}
	return body
}

// TestUploadEachType uploads a picture of each accepted type to a work: the first heads the
// page, each is in the gallery, thumbnails are served as pictures with long cache lifetimes,
// search results show the main image, and what is served carries no EXIF.
func TestUploadEachType(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		id, work := newWork(t, c, "Memories", nil)
		if mainImage(c, work) != "" {
			t.Fatal("a new work has a main image")
		}
		loc := c.mustUpload(work, "poster.jpg", imagetest.WithExif(imagetest.JPEG(800, 1200)), url.Values{"caption": {"Japanese poster"}, "region": {"Japan"}, "source": {"Official site"}})
		if !strings.HasSuffix(loc, work+"/images?uploaded=accepted") {
			t.Errorf("an upload led to %s", loc)
		}
		for _, f := range []struct {
			name string
			data []byte
		}{{"still.png", imagetest.PNG(640, 360)}, {"anim.gif", imagetest.GIF(100, 100)}, {"logo.webp", imagetest.WebP()}} {
			c.mustUpload(work, f.name, f.data, url.Values{"kind": {"screenshot"}})
		}

		src := mainImage(c, work)
		if !strings.HasPrefix(src, "/images/") || !strings.HasSuffix(src, "/320") {
			t.Fatalf("the work page's main image is %q, want its 320-pixel copy", src)
		}
		// The main image shows small beside the page in readers' lists too.
		list := seedReaders(t, c, id, work)
		if thumb := c.page(list, http.StatusOK).Find("#items li.list-item img.result-thumb").AttrOr("src", ""); !strings.HasSuffix(thumb, "/160") {
			t.Errorf("the list shows the work with thumbnail %q, want its 160-pixel copy", thumb)
		}
		page := c.page(work, http.StatusOK)
		if set, _ := page.Find("#image img").Attr("srcset"); strings.Count(set, "w,") != 3 {
			t.Errorf("srcset %q, want four widths", set)
		}
		if got := text(page.Find("#image figcaption")); got != "Japanese poster" {
			t.Errorf("caption %q", got)
		}
		for _, path := range []string{src, strings.TrimSuffix(src, "320") + "160", strings.TrimSuffix(src, "320") + "640", strings.TrimSuffix(src, "320") + "full"} {
			body := checkServed(t, c, path, "image/jpeg")
			if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte(imagetest.ExifMarker)) {
				t.Errorf("%s still carries the EXIF of the upload", path)
			}
		}

		gallery := c.page(work+"/images", http.StatusOK)
		if n := gallery.Find("#gallery li.picture").Length(); n != 4 {
			t.Errorf("the gallery shows %d pictures, want 4", n)
		}
		gallery.Find("#gallery img").Each(func(_ int, img *goquery.Selection) {
			src, _ := img.Attr("src")
			res, _ := c.fetch(src, nil)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
				t.Errorf("GET %s: %d %s", src, res.StatusCode, res.Header.Get("Content-Type"))
			}
		})
		if n := gallery.Find("#gallery li.main").Length(); n != 1 {
			t.Errorf("%d pictures marked as the main one", n)
		}

		results := s.anonymous(t).page("/search?q=Memories&list=1", http.StatusOK)
		if thumb, _ := results.Find("ol.results img.result-thumb").Attr("src"); !strings.HasSuffix(thumb, "/160") {
			t.Errorf("the search result's thumbnail is %q", thumb)
		}
		// The API gives the document's gallery.
		res, body := c.fetch("/api/v1/works/"+strconv.FormatInt(id, 10), nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"main_image":"`) || strings.Count(string(body), `"kind":"screenshot"`) != 3 {
			t.Errorf("API: %d %.500s", res.StatusCode, body)
		}
		// An address that names no picture, or no width of one, is not found.
		for _, bad := range []string{"/images/" + strings.Repeat("0", 64) + "/full", strings.TrimSuffix(src, "320") + "999", "/images/x/full"} {
			if res, _ := c.fetch(bad, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", bad, res.StatusCode)
			}
		}
	})
}

// blobCount is how many renditions of pictures the store holds.
func blobCount(t *testing.T, s *site) int {
	t.Helper()
	var n int
	if err := s.Store.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM image_blobs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHostileUploads refuses what is not a picture, or is a bomb, with a 4xx that says why, and
// stores nothing; a polyglot is kept as its pixels alone.
func TestHostileUploads(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		id, work := newWork(t, c, "Memories", nil)
		before := head(t, s, id)
		jpg := imagetest.JPEG(64, 64)
		for _, tc := range []struct {
			name, file string
			data       []byte
			status     int
			says       string
		}{
			{"truncated jpeg", "cut.jpg", jpg[:len(jpg)/2], 400, "truncated or damaged"},
			{"decompression bomb", "bomb.png", imagetest.BombPNG(20000, 20000), 413, "20000×20000"},
			{"svg with a script", "drawing.svg", []byte(imagetest.SVG), 400, "not a JPEG, PNG, GIF or WebP"},
			{"html named .jpg", "photo.jpg", []byte(imagetest.HTML), 400, "not a JPEG, PNG, GIF or WebP"},
			{"50 MB", "huge.jpg", append(imagetest.JPEG(8, 8), make([]byte, 50<<20)...), 413, "larger than 20 MB"},
			{"empty", "empty.jpg", nil, 400, "choose a picture"},
			{"unknown kind", "ok.jpg", jpg, 400, "kind"},
		} {
			fields := url.Values{}
			if tc.name == "unknown kind" {
				fields.Set("kind", "fan art")
			}
			res, body := c.upload(work, tc.file, tc.data, fields)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.says) {
				t.Errorf("%s: status %d, want %d saying %q\n%.300s", tc.name, res.StatusCode, tc.status, tc.says, problems(body))
			}
		}
		if n := blobCount(t, s); n != 0 {
			t.Errorf("refused uploads stored %d renditions", n)
		}
		if h := head(t, s, id); h != before {
			t.Errorf("refused uploads made revisions: head %d, was %d", h, before)
		}

		// A GIF followed by a page with a script: only the picture is kept, as PNG.
		c.mustUpload(work, "poly.gif", imagetest.Polyglot(), nil)
		src := mainImage(c, work)
		if !strings.HasSuffix(src, "/full") {
			t.Fatalf("an 8×8 picture is shown from %q, want its full size", src)
		}
		body := checkServed(t, c, src, "image/png")
		if bytes.Contains(bytes.ToLower(body), []byte("<script")) || bytes.Contains(body, []byte("<html")) {
			t.Error("the polyglot's page is served")
		}
	})
}

// TestUploadModeration: a new editor's upload waits in the queue, where the moderator sees the
// picture; approved, it heads the page. A change of main image is reverted like any edit.
func TestUploadModeration(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ann := s.signedIn(t, "ann") // trusted
		id, work := newWork(t, ann, "Memories", nil)

		newbie := s.signedInAs(t, "newbie", auth.RoleEditor)
		loc := newbie.mustUpload(work, "poster.jpg", imagetest.JPEG(500, 700), nil)
		if !strings.HasSuffix(loc, "uploaded=pending") {
			t.Errorf("a new editor's upload led to %s", loc)
		}
		if got := text(newbie.page(strings.TrimPrefix(loc, s.URL), http.StatusOK).Find("#uploaded")); !strings.Contains(got, "waits for review") {
			t.Errorf("the new editor is told %q", got)
		}
		if src := mainImage(s.anonymous(t), work); src != "" {
			t.Errorf("a waiting upload heads the page: %s", src)
		}
		cs := pendingID(t, s)
		mod := s.signedInAs(t, "mod", auth.RoleModerator)
		for _, path := range []string{fmt.Sprintf("/changes/%d", cs), "/queue"} {
			src, _ := mod.page(path, http.StatusOK).Find(".added-images img").Attr("src")
			if src == "" {
				t.Fatalf("%s shows no picture", path)
			}
			checkServed(t, mod, src, "image/jpeg")
		}
		mod.save(fmt.Sprintf("/changes/%d/approve", cs), url.Values{})
		first := mainImage(s.anonymous(t), work)
		if first == "" {
			t.Fatal("the approved upload does not head the page")
		}

		// A second picture, made the main image, then the choice reverted.
		ann.mustUpload(work, "visual.png", imagetest.PNG(400, 300), url.Values{"kind": {"key visual"}})
		chose := head(t, s, id)
		doc := s.anonymous(t).page(work+"/images", http.StatusOK)
		key, _ := doc.Find(`#gallery li:not(.main)`).Attr("data-key")
		ann.save(work+"/images/main", url.Values{"key": {key}, "base": {strconv.Itoa(chose)}})
		if src := mainImage(s.anonymous(t), work); !strings.Contains(src, key) {
			t.Fatalf("the main image is %s, want %s", src, key)
		}
		ann.save(work+"/revert", url.Values{"revision": {strconv.Itoa(chose)}})
		if src := mainImage(s.anonymous(t), work); src != first {
			t.Errorf("after the revert the main image is %s, want %s", src, first)
		}
		// Described again: the caption and region change, in one revision.
		ann.save(work+"/images/describe", url.Values{"key": {key}, "base": {strconv.Itoa(head(t, s, id))}, "kind": {"key visual"},
			"caption": {"Cannon Fodder"}, "region": {"Japan"}, "source": {"Booklet"}})
		described := s.anonymous(t).page(work+"/images", http.StatusOK).Find(`#gallery li[data-key="` + key + `"] figcaption`)
		if got := text(described); !strings.Contains(got, "Cannon Fodder") || !strings.Contains(got, "Japan") || !strings.Contains(got, "Source: Booklet") {
			t.Errorf("the described picture reads %q", got)
		}
		// Removed, the picture leaves the gallery and the page; its bytes stay for the history.
		ann.save(work+"/images/remove", url.Values{"key": {strings.Split(first, "/")[2]}, "base": {strconv.Itoa(head(t, s, id))}})
		if src := mainImage(s.anonymous(t), work); src != "" {
			t.Errorf("a removed main image still heads the page: %s", src)
		}
		if res, _ := ann.fetch(first, nil); res.StatusCode != http.StatusOK {
			t.Errorf("a removed picture's bytes: %d", res.StatusCode)
		}
	})
}

// TestImagesAcrossInstances: a picture uploaded through one instance is served by another over
// the same PostgreSQL database.
func TestImagesAcrossInstances(t *testing.T) {
	a, b := twoInstances(t)
	c := a.signedIn(t, "ann")
	_, work := newWork(t, c, "Memories", nil)
	c.mustUpload(work, "poster.jpg", imagetest.JPEG(700, 1000), nil)
	onB := c.at(b)
	var src string
	eventually(t, "instance b shows the main image", func() bool {
		src = mainImage(onB, work)
		return src != ""
	})
	checkServed(t, onB, src, "image/jpeg")
	checkServed(t, b.anonymous(t), strings.TrimSuffix(src, "320")+"full", "image/jpeg")
}

// TestMergeCarriesImages: merging two pages of one person gives the kept page the duplicate's
// photo, its own main image staying; an account that may not edit cannot upload, and its
// refused upload stores nothing.
func TestMergeCarriesImages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ann := s.signedIn(t, "ann")
		kept := ann.save("/new/person", url.Values{"name": {"Satoshi Kon"}, "edit_summary": {"new"}})
		dup := ann.save("/new/person", url.Values{"name": {"Kon Satoshi"}, "edit_summary": {"new"}, "different": {"1"}})
		ann.mustUpload(kept, "kon.jpg", imagetest.JPEG(300, 400), url.Values{"kind": {"photo"}})
		ann.mustUpload(dup, "kon2.png", imagetest.PNG(200, 200), url.Values{"kind": {"photo"}})
		keptMain := mainImage(ann, kept)
		mod := s.signedInAs(t, "mod", auth.RoleModerator)
		keptID, _, _ := wiki.ParseRef(kept[strings.LastIndex(kept, "/")+1:])
		mod.save(dup+"/merge", url.Values{"into": {strconv.FormatInt(keptID, 10)}, "confirm": {"1"}})
		if got := mainImage(s.anonymous(t), kept); got != keptMain {
			t.Errorf("after the merge the main image is %s, want %s", got, keptMain)
		}
		if n := s.anonymous(t).page(kept+"/images", http.StatusOK).Find("#gallery li.picture").Length(); n != 2 {
			t.Errorf("the kept page has %d pictures after the merge, want 2", n)
		}

		before := blobCount(t, s)
		reader := s.signedInAs(t, "reader", auth.RoleReader)
		if res, body := reader.upload(kept, "x.jpg", imagetest.JPEG(50, 50), nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("a reader's upload: %d %s", res.StatusCode, problems(body))
		}
		if res, _ := s.anonymous(t).upload(kept, "x.jpg", imagetest.JPEG(50, 50), nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an upload without signing in: %d", res.StatusCode)
		}
		forged := *ann // an editor's session, but a form from elsewhere
		forged.csrf = "forged"
		if res, _ := forged.upload(kept, "x.jpg", imagetest.JPEG(50, 50), nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("an upload without the form's token: %d", res.StatusCode)
		}
		if n := blobCount(t, s); n != before {
			t.Errorf("refused uploads stored %d renditions", n-before)
		}
	})
}

// TestSlowUploadOnPostgres: decoding a large picture takes longer than a request's deadline for
// the database, which must not turn a good upload into a 503: the database work after it has a
// deadline of its own.
func TestSlowUploadOnPostgres(t *testing.T) {
	storetest.RequirePostgres(t)
	st := openStore(t, storetest.DSN(t, store.Postgres))
	s := startSiteWith(t, st, os.Stderr, web.Settings{Password: cheap, DatabaseTimeout: 400 * time.Millisecond})
	c := s.signedIn(t, "ann")
	_, work := newWork(t, c, "Memories", nil)
	start := time.Now()
	c.mustUpload(work, "photo.jpg", imagetest.JPEG(3000, 4000), nil)
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Logf("the upload took %v, less than the deadline: the test proves little on this machine", took)
	}
	checkServed(t, c, mainImage(c, work), "image/jpeg")
}
