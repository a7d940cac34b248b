package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// hostileValues are what a careless user or an attacker types into a field: bytes no text may
// hold, characters that disguise text, numbers past what the stores' columns hold, and length.
var hostileValues = []string{
	"Nul\x00byte",
	"a\xffb",                    // invalid UTF-8
	"\xed\xa0\x80",              // a lone surrogate, encoded
	"\xc0\xaf",                  // overlong UTF-8 for "/"
	"\x1b[2J\x1b[31mred",        // terminal escapes
	"\u202eevil",                // right-to-left override
	"\u200b\u200b",              // zero-width spaces only
	"2147483648",                // past int4
	"9223372036854775807",       // int64's largest
	"-1",                        //
	strings.Repeat("x", 70_000), // past every field's limit
}

// TestHostileValues posts every hostile value into every field of every form of the site, on
// both stores: each is refused with a 4xx that names the field, and nothing is stored, or it is
// accepted cleaned; never a 500, never an error in the log, and no stored text holds a NUL,
// invalid UTF-8 or a bidirectional override.
func TestHostileValues(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			var log syncBuffer
			s := startSiteLogging(t, storetest.Open(t, engine), io.MultiWriter(&log, os.Stderr))
			c := s.signedIn(t, "ann")
			workID, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
			c.section(s, workID, "credits", url.Values{"person": {"Katsuhiro Otomo"}, "role": {"Director"}, "edit_summary": {"credit"}})
			c.section(s, workID, "characters", url.Values{"character": {"Heintz"}, "voice_person": {"Tsutomu Isobe"},
				"voice_language": {"ja"}, "edit_summary": {"cast"}})
			c.section(s, workID, "companies", url.Values{"company": {"Studio 4°C"}, "role": {"Animation studio"}, "edit_summary": {"studio"}})
			c.section(s, workID, "releases", url.Values{"region": {"JP"}, "language": {"ja"}, "title": {"メモリーズ"}, "date": {"1995-12-23"}, "edit_summary": {"release"}})
			c.section(s, workID, "aliases", url.Values{"aliases": {"Magnetic Rose"}, "edit_summary": {"alias"}})
			person, err := s.Store.EntitiesByName(context.Background(), wiki.KindPerson, "Katsuhiro Otomo")
			if err != nil || len(person) != 1 {
				t.Fatalf("the credited person: %v %v", person, err)
			}

			pages := []string{path + "/history", "/new/work", "/new/person", "/new/genre", "/account", person[0].Path() + "/edit"}
			for _, sec := range []string{"basics", "characters", "credits", "companies", "releases", "titles", "ids", "genres",
				"themes", "aliases", "franchise", "similar", "associations", "relations", "episodes"} {
				pages = append(pages, path+"/edit/"+sec)
			}
			anon := s.anonymous(t)
			probes := 0
			revisions := func() (n int) {
				if err := s.Store.DB().QueryRow(`SELECT COUNT(*) FROM revisions`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			for _, who := range []struct {
				c     *client
				pages []string
			}{{c, pages}, {anon, []string{"/signup", "/login"}}} {
				for _, page := range who.pages {
					forms := postForms(current(who.c, page))
					for i := range forms {
						for _, field := range forms[i].fields {
							// A field of a row that needs others filled in too (a credit's
							// person without a role) is refused for them: then the refusal of
							// a hostile value need not name it.
							benign := cloneValues(forms[i].values)
							benign.Set(field, "Benign")
							res, _ := who.c.post(forms[i].action, benign)
							complete := res.StatusCode < 400
							if complete && forms[i].values.Has("base") {
								if fresh := postForms(current(who.c, page)); len(fresh) == len(forms) {
									forms = fresh
								}
							}
							for _, v := range hostileValues {
								f := forms[i]
								form := cloneValues(f.values)
								if form.Has("name") && form.Get("name") == "" {
									// A form for a new page: a name of its own, so that the
									// refusal, if any, is of the spoiled field.
									probes++
									form.Set("name", fmt.Sprintf("Probe %d", probes))
								}
								form.Set(field, v)
								before := revisions()
								res, body := who.c.post(f.action, form)
								switch {
								case res.StatusCode >= 500:
									t.Errorf("%s: %s=%.40q: status %d\n%.300s", f.action, field, v, res.StatusCode, body)
								case res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusForbidden:
								case res.StatusCode >= 400 && complete && !namesField(problems(body), field+"_"+f.labels[field]):
									t.Errorf("%s: %s=%.40q: %d without naming the field: %s", f.action, field, v, res.StatusCode, problems(body))
								}
								if res.StatusCode >= 400 && revisions() != before {
									t.Errorf("%s: %s=%.40q: refused with %d, but a revision was saved", f.action, field, v, res.StatusCode)
								}
								if res.StatusCode < 400 && len(forms) > i && f.values.Has("base") {
									// Accepted: the next post starts from the new revision.
									if fresh := postForms(current(who.c, page)); len(fresh) == len(forms) {
										forms = fresh
									}
								}
							}
						}
					}
				}
			}
			for _, q := range []string{"/search?q=", "/lookup?q=", "/api/v1/search?q=", path + "/diff?to=", path + "/diff?from=",
				"/users/", "/season/", "/external/anidb/", path + "?page=", "/recent-changes?before="} {
				for _, v := range hostileValues {
					res := c.get(q + url.PathEscape(v))
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode >= 500 {
						t.Errorf("GET %s%.40q: status %d\n%.300s", q, v, res.StatusCode, body)
					}
				}
			}
			checkStoredText(t, s)
			if strings.Contains(log.String(), "level=ERROR") {
				t.Errorf("errors were logged:\n%.2000s", log.String())
			}
		})
	}
}

// current fetches a page, following the redirects of a page renamed meanwhile.
func current(c *client, path string) *goquery.Document {
	c.t.Helper()
	for range 3 {
		res := c.get(path)
		res.Body.Close()
		if res.StatusCode != http.StatusMovedPermanently {
			break
		}
		path = res.Header.Get("Location")
	}
	return c.page(path, http.StatusOK)
}

// checkStoredText fails when a name or a document in the store holds a NUL, invalid UTF-8 or a
// bidirectional override.
func checkStoredText(t *testing.T, s *site) {
	t.Helper()
	rows, err := s.Store.DB().Query(`SELECT e.name, r.document, r.summary FROM revisions r JOIN entities e ON e.id = r.entity_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, doc, summary string
		if err := rows.Scan(&name, &doc, &summary); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{name, doc, summary} {
			if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\u202e") || strings.Contains(text, `\u0000`) {
				t.Errorf("stored text %.200q", text)
			}
		}
	}
}

// problems is what an error page says is wrong, for a test's message.
func problems(body string) string {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return err.Error()
	}
	return text(doc.Find("article.error, .problems-box"))
}

// namesField reports whether an error page's problems name the field: by a word of its name or
// label ("voice_language" by "language", a genre's "name" by its label "Genre").
func namesField(body, field string) bool {
	body = strings.ToLower(body)
	for _, w := range strings.FieldsFunc(field, func(r rune) bool { return r == '_' || r == '.' || r == '-' || r == ' ' }) {
		w = strings.ToLower(w)
		for _, stem := range []string{w, strings.TrimSuffix(w, "s"), strings.TrimSuffix(w, "es")} {
			if len(stem) >= 2 && strings.Contains(body, stem) {
				return true
			}
		}
	}
	return false
}

type postForm struct {
	action string
	values url.Values
	fields []string          // the fields to spoil: all but the token and the base revision
	labels map[string]string // a field's label, as a person reads it
}

// postForms lists a page's forms that post, with the values they would send as they are.
func postForms(doc *goquery.Document) []postForm {
	var out []postForm
	doc.Find("form").Each(func(_ int, f *goquery.Selection) {
		if !strings.EqualFold(f.AttrOr("method", ""), "post") {
			return
		}
		pf := postForm{action: f.AttrOr("action", ""), values: url.Values{}, labels: map[string]string{}}
		f.Find("input[name], select[name], textarea[name]").Each(func(_ int, in *goquery.Selection) {
			name := in.AttrOr("name", "")
			switch {
			case goquery.NodeName(in) == "textarea":
				pf.values.Add(name, in.Text())
			case goquery.NodeName(in) == "select":
				option := in.Find("option[selected]").First()
				if option.Length() == 0 {
					option = in.Find("option").First()
				}
				pf.values.Add(name, option.AttrOr("value", option.Text()))
			case in.AttrOr("type", "") == "checkbox" || in.AttrOr("type", "") == "radio":
				if _, checked := in.Attr("checked"); checked {
					pf.values.Add(name, in.AttrOr("value", "on"))
				}
			default:
				pf.values.Add(name, in.AttrOr("value", ""))
			}
			if name != "csrf" && name != "base" {
				pf.fields = append(pf.fields, name)
				if label := in.Closest("label"); label.Length() > 0 {
					pf.labels[name] = strings.TrimSpace(label.Contents().Not("input, select, textarea").Text())
				}
			}
		})
		if pf.values.Get("edit_summary") == "" && pf.values.Has("edit_summary") {
			pf.values.Set("edit_summary", "hostile")
		}
		out = append(out, pf)
	})
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for the instance's goroutines to log to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
