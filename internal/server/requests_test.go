package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// TestBodyLimit posts forms past the site's megabyte to every kind of form, encoded every way a
// browser or a program might: each is refused with 413 (or 400 when what could be read is not a
// form), never a 500, nothing is stored and nothing is logged as an error. Forms just under the
// limit are read as usual.
func TestBodyLimit(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			var log syncBuffer
			s := startSiteLogging(t, storetest.Open(t, engine), io.MultiWriter(&log, os.Stderr))
			c := s.signedIn(t, "ann")
			_, work := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
			count := func() (n int) {
				if err := s.Store.DB().QueryRow(`SELECT (SELECT COUNT(*) FROM revisions) + (SELECT COUNT(*) FROM users)`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			big := strings.Repeat("x", 1<<20+1)
			anon := s.anonymous(t)
			forms := []struct {
				who  *client
				path string
				form url.Values
			}{
				{c, "/new/work", url.Values{"name": {"Big"}, "medium": {"tv"}, "edit_summary": {"big"}, "description": {big}}},
				{c, work + "/edit/basics", url.Values{"base": {"1"}, "name": {"Memories"}, "medium": {"film"}, "edit_summary": {"big"}, "deck": {big}}},
				{c, work + "/edit/credits", url.Values{"base": {"1"}, "person": {big}, "role": {"Writer"}, "edit_summary": {"big"}}},
				{c, "/account/password", url.Values{"current": {"correct horse battery"}, "password": {big}}},
				{c, "/logout", url.Values{"padding": {big}}},
				{anon, "/login", url.Values{"name": {"ann"}, "password": {big}}},
				{anon, "/signup", url.Values{"name": {"Big"}, "password": {big}, "password2": {big}}},
			}
			before := count()
			for _, f := range forms {
				f.form.Set("csrf", c.csrf)
				body := f.form.Encode()
				for _, enc := range []struct {
					name, contentType string
					body              io.Reader
					chunked           bool
				}{
					{"urlencoded", "application/x-www-form-urlencoded", strings.NewReader(body), false},
					{"urlencoded, chunked", "application/x-www-form-urlencoded", strings.NewReader(body), true},
					multipartBody(t, f.form),
					{"plain text", "text/plain", strings.NewReader(body), false},
				} {
					req, err := http.NewRequest(http.MethodPost, s.URL+f.path, enc.body)
					if err != nil {
						t.Fatal(err)
					}
					if enc.chunked {
						req.ContentLength = -1
						req.Body = io.NopCloser(enc.body)
					}
					req.Header.Set("Content-Type", enc.contentType)
					res, err := f.who.http.Do(req)
					if err != nil {
						t.Fatalf("POST %s (%s): %v", f.path, enc.name, err)
					}
					got, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusRequestEntityTooLarge && res.StatusCode != http.StatusBadRequest {
						t.Errorf("POST %s (%s, %d bytes): status %d, want 413 or 400\n%.300s", f.path, enc.name, len(body), res.StatusCode, got)
					}
				}
			}
			if !canEdit(c) {
				t.Error("a refused sign-out signed the editor out")
			}
			if after := count(); after != before {
				t.Errorf("refused posts stored something: %d revisions and accounts before, %d after", before, after)
			}

			// Just under the limit, a form is read: its description is refused for its length, by
			// name, not for the size of the body.
			under := url.Values{"name": {"Long"}, "medium": {"tv"}, "edit_summary": {"long"}, "csrf": {c.csrf}}
			under.Set("description", strings.Repeat("x", 1<<20-len(under.Encode())-len("&description=")))
			if n := len(under.Encode()); n != 1<<20 {
				t.Fatalf("the form under the limit has %d bytes", n)
			}
			res, body := c.post("/new/work", under)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(strings.ToLower(problems(body)), "description") {
				t.Errorf("a form of exactly the limit: status %d, %q; want 400 naming the description", res.StatusCode, problems(body))
			}
			if strings.Contains(log.String(), "level=ERROR") {
				t.Errorf("errors were logged:\n%.2000s", log.String())
			}
		})
	}
}

// multipartBody encodes a form as multipart/form-data, which no form of the site sends but
// which net/http reads as a form all the same.
func multipartBody(t *testing.T, form url.Values) struct {
	name, contentType string
	body              io.Reader
	chunked           bool
} {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return struct {
		name, contentType string
		body              io.Reader
		chunked           bool
	}{"multipart", w.FormDataContentType(), &b, false}
}

// TestOtherEncodingsAreRefused posts forms that are not URL-encoded, which no form of the site
// sends and which handlers would read as empty: each is refused with a 400 that says how forms
// are sent, and nothing is stored. An empty post needs no encoding.
func TestOtherEncodingsAreRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		form := url.Values{"name": {"Perfect Blue"}, "medium": {"film"}, "edit_summary": {"new"}, "csrf": {c.csrf}}
		multi := multipartBody(t, form)
		for _, enc := range []struct {
			contentType string
			body        io.Reader
		}{
			{multi.contentType, multi.body},
			{"text/plain", strings.NewReader(form.Encode())},
			{"application/json", strings.NewReader(`{"name": "Perfect Blue"}`)},
			{"", strings.NewReader(form.Encode())},
		} {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/new/work", enc.body)
			if enc.contentType != "" {
				req.Header.Set("Content-Type", enc.contentType)
			}
			res, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(problems(string(body)), "URL-encoded") {
				t.Errorf("a form as %q: status %d, %q; want 400 saying forms are URL-encoded", enc.contentType, res.StatusCode, problems(string(body)))
			}
		}
		var n int
		if err := s.Store.DB().QueryRow(`SELECT COUNT(*) FROM entities WHERE name = 'Perfect Blue'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused forms stored %d works (%v)", n, err)
		}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/logout", nil)
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("an empty sign-out: status %d, want 403 for want of the token", res.StatusCode)
		}
	})
}

// TestLookup asks the edit forms' name picker for names: it answers JSON, the matches of one
// kind with a label that names the id; nothing for an empty query; an HTML error page for a
// missing or unknown kind; and a 400 for hostile queries. Names are JSON-escaped, so the answer
// holds no markup even when a name does.
func TestLookup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		workID, work := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		c.section(s, workID, "credits", url.Values{"person": {"Satoshi Kon"}, "role": {"Writer"}, "edit_summary": {"writer"}})
		_, hostile := newWork(t, c, `<img src=x onerror=alert(1)> Memories`, nil)
		kon := entityNamed(t, s, wiki.KindPerson, "Satoshi Kon")
		anon := s.anonymous(t)

		type result struct {
			Name  string `json:"name"`
			Label string `json:"label"`
			URL   string `json:"url"`
			Kind  string `json:"kind"`
		}
		tests := []struct {
			query  string
			status int
			want   []string // the URLs of the answer, in order; nil for an error page
		}{
			{"kind=person&q=satoshi", http.StatusOK, []string{kon}},
			{"kind=person&q=" + url.QueryEscape("Satoshi Kon"), http.StatusOK, []string{kon}},
			{"kind=person&q=kon", http.StatusOK, []string{kon}},
			{"kind=work&q=satoshi", http.StatusOK, []string{}},
			{"kind=work&q=memories", http.StatusOK, []string{work, hostile}},
			{"kind=work&q=" + url.QueryEscape("<img src=x"), http.StatusOK, []string{hostile}},
			{"kind=person&q=", http.StatusOK, []string{}},
			{"kind=person&q=+++", http.StatusOK, []string{}},
			{"kind=person", http.StatusOK, []string{}},
			{"kind=person&q=" + url.QueryEscape(`" OR 1=1 --`), http.StatusOK, []string{}},
			{"kind=person&q=" + url.QueryEscape("<script>alert(1)</script>"), http.StatusOK, []string{}},
			{"kind=person&q=%25", http.StatusOK, []string{}},
			{"kind=person&q=_", http.StatusOK, []string{}},
			{"q=satoshi", http.StatusBadRequest, nil},
			{"kind=planet&q=satoshi", http.StatusBadRequest, nil},
			{"kind=" + url.QueryEscape("<script>") + "&q=x", http.StatusBadRequest, nil},
			{"kind=person&q=%00", http.StatusBadRequest, nil},
			{"kind=person&q=%ff", http.StatusBadRequest, nil},
			{"kind=person&q=" + strings.Repeat("x", 10_000), http.StatusBadRequest, nil},
		}
		for _, tt := range tests {
			res := anon.get("/lookup?" + tt.query)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			what := fmt.Sprintf("/lookup?%.60s", tt.query)
			if res.StatusCode != tt.status {
				t.Errorf("%s: status %d, want %d\n%.300s", what, res.StatusCode, tt.status, body)
				continue
			}
			if tt.want == nil {
				if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("%s: an error as %q, want an HTML page", what, ct)
				}
				if strings.Contains(string(body), "<script>") {
					t.Errorf("%s: the error page holds the query's markup", what)
				}
				continue
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s: Content-Type %q, want application/json", what, ct)
			}
			if bytes.ContainsAny(body, "<>") {
				t.Errorf("%s: markup in the JSON: %s", what, body)
			}
			var got []result
			if err := json.Unmarshal(body, &got); err != nil {
				t.Errorf("%s: %v\n%s", what, err, body)
				continue
			}
			urls := []string{}
			for _, r := range got {
				urls = append(urls, r.URL)
				id, _, err := wiki.ParseRef(r.URL[strings.LastIndex(r.URL, "/")+1:])
				if want := fmt.Sprintf("%s (#%d)", r.Name, id); err != nil || r.Label != want {
					t.Errorf("%s: label %q, want %q", what, r.Label, want)
				}
			}
			if strings.Join(urls, " ") != strings.Join(tt.want, " ") {
				t.Errorf("%s: %q, want %q", what, urls, tt.want)
			}
		}
	})
}
