package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/accounts"
	"kioku/internal/api"
	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/storetest"
	"kioku/internal/web"
	"kioku/internal/wiki"
)

// send makes a raw request (not checked against the document: much of it is malformed on
// purpose) and checks the answer's status, and the answer against the document.
func (s *site) send(method, path, token, contentType, body string, want int) answer {
	s.t.Helper()
	return s.sendWith(noRedirects, method, path, token, contentType, body, want)
}

// sendWith is send through the client c (a browser's, with its cookies), with the headers given
// as name, value pairs.
func (s *site) sendWith(c *http.Client, method, path, token, contentType, body string, want int, header ...string) answer {
	s.t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		s.t.Fatalf("%s %s %.80s: status %d, want %d: %s", method, path, body, res.StatusCode, want, data)
	}
	s.validate(req, res, data)
	return answer{Status: res.StatusCode, Header: res.Header, Body: data}
}

// browser signs in to the site as name, as a person does with the sign-in form, and returns a
// client holding the session's cookie and the CSRF token the site's forms carry.
func (s *site) browser(name string) (*http.Client, string) {
	s.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: noRedirects.CheckRedirect}
	res, err := c.PostForm(s.URL+"/login", url.Values{"name": {name}, "password": {"correct horse battery"}})
	if err != nil {
		s.t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(s.URL)
	if res.StatusCode != http.StatusSeeOther || len(jar.Cookies(u)) == 0 {
		s.t.Fatalf("sign in as %s: status %d, cookies %v", name, res.StatusCode, jar.Cookies(u))
	}
	// The new-work form is for signed-in editors only: it shows the session is live.
	res, err = c.Get(s.URL + "/new/work")
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		s.t.Fatalf("the new-work form signed in as %s: status %d", name, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	csrf, _ := doc.Find(`form input[name=csrf]`).Attr("value")
	if csrf == "" {
		s.t.Fatalf("signed in as %s, the new-work form carries no CSRF token", name)
	}
	return c, csrf
}

// counts is how many changesets and accepted revisions the store holds.
func (s *site) counts() string {
	s.t.Helper()
	var changesets, revisions int
	db := s.Store.DB()
	if err := db.QueryRow(`SELECT COUNT(*) FROM changesets`).Scan(&changesets); err != nil {
		s.t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM revisions`).Scan(&revisions); err != nil {
		s.t.Fatal(err)
	}
	return fmt.Sprintf("%d changesets, %d revisions", changesets, revisions)
}

func TestBadWrites(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		kon := s.create(wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
		tok, _ := s.token(s.account("Moderator", auth.RoleModerator), accounts.ScopeEdit)
		before := s.counts()
		person := fmt.Sprintf("/api/v1/people/%d", kon)
		huge := `{"base":1,"document":{"name":"` + strings.Repeat("a", api.MaxWriteBody) + `"}}`
		var many strings.Builder
		many.WriteString(`{"changes":[`)
		for i := range api.MaxChanges + 1 {
			if i > 0 {
				many.WriteString(",")
			}
			fmt.Fprintf(&many, `{"kind":"genre","document":{"name":"Genre %d"}}`, i)
		}
		many.WriteString(`]}`)
		const j = "application/json"
		for _, c := range []struct {
			method, path, ctype, body string
			want                      int
		}{
			{"PUT", person, j, `{"base":1,"document":{"name":"Kon"}`, 400},                                // malformed
			{"PUT", person, j, `{"base":"1","document":{"name":"Kon"}}`, 400},                             // wrong type
			{"PUT", person, j, `{"base":1,"document":{"name":7}}`, 400},                                   // wrong type in the document
			{"PUT", person, j, `{"base":1,"document":{"name":"Kon"},"force":true}`, 400},                  // unknown field
			{"PUT", person, j, `{"base":1,"document":{"name":"Kon","shoe_size":42}}`, 400},                // unknown document field
			{"PUT", person, j, `{"base":1,"document":{"name":"Kon"}} {"base":1}`, 400},                    // two values
			{"PUT", person, j, `{"base":1}`, 400},                                                         // no document
			{"PUT", person, "text/plain", `{"base":1,"document":{"name":"Kon"}}`, 400},                    // not JSON
			{"PUT", person, j, huge, 413},                                                                 // too large
			{"PUT", "/api/v1/people/99999999999999999999", j, `{"base":1,"document":{}}`, 400},            // id out of range
			{"PUT", "/api/v1/people/0", j, `{"base":1,"document":{"name":"Kon"}}`, 400},                   // no such id
			{"PUT", "/api/v1/people/9000", j, `{"base":1,"document":{"name":"Kon"}}`, 404},                // no such entity
			{"PUT", fmt.Sprintf("/api/v1/works/%d", kon), j, `{"base":1,"document":{"name":"Kon"}}`, 404}, // another kind
			{"PUT", person, j, `{"base":0,"document":{"name":"Kon"}}`, 422},                               // no base
			{"PUT", person, j, `{"base":7,"document":{"name":"Kon"}}`, 422},                               // a base that does not exist
			{"PUT", person, j, `{"base":1,"document":{"name":""}}`, 422},                                  // breaks the wiki's rules
			{"PUT", person, j, `{"base":1,"document":{"name":"Kon","birth_date":"1963-13-45"}}`, 422},
			{"POST", "/api/v1/changesets", j, `{"changes":[]}`, 422},
			{"POST", "/api/v1/changesets", j, many.String(), 422},
			{"POST", "/api/v1/changesets", j, `{"changes":[{"kind":"robot","document":{"name":"R"}}]}`, 400},
			{"POST", "/api/v1/changesets", j, `{"changes":[{"kind":"genre","id":-4,"base":1,"document":{"name":"R"}}]}`, 422},
			{"POST", "/api/v1/changesets", j, `{"changes":[{"kind":"genre","id":99999999999999999999,"document":{"name":"R"}}]}`, 400},
			{"POST", "/api/v1/changesets", j, `{"changes":[{"kind":"work","document":{"name":"W","medium":"film","credits":[{"person":-1,"role":"Director"}]}}]}`, 422},
			{"POST", "/api/v1/changesets", j, `{"changes":[{"kind":"genre","document":{"name":"A"}},{"kind":"person","id":9000,"base":1,"document":{"name":"B"}}]}`, 422},
			{"POST", "/api/v1/changesets", j, fmt.Sprintf(`{"changes":[{"kind":"work","id":%d,"base":1,"document":{"name":"W","medium":"film"}}]}`, kon), 422}, // another kind
			{"POST", "/api/v1/changesets", j, `{"changes":[{"kind":"genre","document":{"name":"A"}}],"dry_run":true}`, 400},
			{"DELETE", person, j, ``, 405},
		} {
			p := s.send(c.method, c.path, tok, c.ctype, c.body, c.want)
			var doc map[string]any
			p.decode(t, &doc)
			if detail, _ := doc["detail"].(string); doc["status"] != float64(c.want) || detail == "" {
				t.Errorf("%s %s %.60s: problem %v", c.method, c.path, c.body, doc)
			}
		}
		if after := s.counts(); after != before {
			t.Errorf("refused writes stored something: %s before, %s after", before, after)
		}
		// A signed-in browser cannot write through the API: writes take tokens only. The
		// moderator signs in, and the browser sends writes with the session's cookie, its CSRF
		// token (where a form's would be seen, and as a header) and the site's own origin.
		browser, csrf := s.browser("Moderator")
		same := []string{"Origin", s.URL, "Sec-Fetch-Site", "same-origin", "X-CSRF-Token", csrf}
		rename := `{"base":1,"document":{"name":"Kon"}}`
		for _, w := range []struct{ method, path, body string }{
			{"PUT", person + "?csrf=" + url.QueryEscape(csrf), rename},
			{"POST", "/api/v1/changesets?csrf=" + url.QueryEscape(csrf), `{"changes":[{"kind":"genre","document":{"name":"Mecha"}}]}`},
		} {
			a := s.sendWith(browser, w.method, w.path, "", j, w.body, http.StatusUnauthorized, same...)
			if !strings.HasPrefix(a.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s with the cookie: WWW-Authenticate %q, want Bearer", w.method, w.path, a.Header.Get("WWW-Authenticate"))
			}
		}
		if after := s.counts(); after != before {
			t.Errorf("writes with the session cookie stored something: %s before, %s after", before, after)
		}
		// The same write with a token is saved: the cookie's was refused for want of one.
		s.send("PUT", person, tok, j, rename, http.StatusCreated)
	})
}

func TestRateLimits(t *testing.T) {
	// The budget is counted in windows of a minute: stay clear of a window's end.
	if sec := time.Now().Second(); sec > 45 {
		time.Sleep(time.Duration(61-sec) * time.Second)
	}
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			s := newSiteWith(t, engine, web.Settings{Password: cheap, APIReads: 6, APIWrites: 2})
			kon := s.create(wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
			tok, _ := s.token(s.account("Moderator", auth.RoleModerator), accounts.ScopeEdit)
			// Loading the OpenAPI document took one of the six reads.
			for i := 4; i >= 0; i-- {
				a := s.get("/api/v1", http.StatusOK)
				if got, want := a.Header.Get("RateLimit"), fmt.Sprintf(`"read";r=%d;t=`, i); !strings.HasPrefix(got, want) {
					t.Errorf("RateLimit %q, want %s…", got, want)
				}
				if got := a.Header.Get("RateLimit-Policy"); got != `"read";q=6;w=60` {
					t.Errorf("RateLimit-Policy %q", got)
				}
			}
			a := s.get("/api/v1/people", http.StatusTooManyRequests)
			if n, err := strconv.Atoi(a.Header.Get("Retry-After")); err != nil || n < 1 || n > 61 {
				t.Errorf("Retry-After %q", a.Header.Get("Retry-After"))
			}
			// A token has its own budget, and writes theirs.
			s.get("/api/v1", http.StatusOK, "Authorization", "Bearer "+tok)
			body := fmt.Sprintf(`{"base":%d,"document":{"name":"Satoshi Kon","birth_place":"Sapporo"}}`, 1)
			s.send("PUT", fmt.Sprintf("/api/v1/people/%d", kon), tok, "application/json", body, http.StatusCreated)
			// A refused write counts too.
			s.send("PUT", fmt.Sprintf("/api/v1/people/%d", kon), tok, "application/json", body, http.StatusUnprocessableEntity)
			a = s.send("PUT", fmt.Sprintf("/api/v1/people/%d", kon), tok, "application/json", body, http.StatusTooManyRequests)
			if a.Header.Get("Retry-After") == "" || !strings.HasPrefix(a.Header.Get("RateLimit"), `"write";r=0;`) {
				t.Errorf("429 headers: %v", a.Header)
			}
		})
	}
}

// TestChangeFeedUnderConcurrentEdits has several editors save edits at once while a reader
// follows the change feed from its cursor: at the end the reader has seen every accepted
// revision exactly once.
func TestChangeFeedUnderConcurrentEdits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		const editors, edits = 4, 12
		ids := make([]int64, editors)
		for i := range ids {
			ids[i] = s.create(wiki.KindPerson, &wiki.Person{Name: fmt.Sprintf("Person %d", i)})
		}
		shared := s.create(wiki.KindPerson, &wiki.Person{Name: "Everyone's"})
		reader := s.client("")
		seen := map[string]int{}
		since := ""
		follow := func() {
			var err error
			since, err = reader.Follow(ctx, since, func(ch api.FeedChange) error {
				seen[fmt.Sprintf("%d/%d", ch.Entity.ID, ch.Revision)]++
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}
		var wg sync.WaitGroup
		done := make(chan struct{})
		for i := range editors {
			wg.Go(func() {
				for n := range edits {
					// Two pages per changeset, the second shared by everyone (taken after the
					// editor's own, so that they cannot deadlock), so that transactions wait for
					// each other and commit out of the order they started in.
					_, err := s.Edits.Apply(ctx, s.editor, "", func(c *edit.Changes) error {
						own, doc, err := c.Current(ctx, ids[i])
						if err != nil {
							return err
						}
						doc.(*wiki.Person).Summary = fmt.Sprintf("edit %d", n)
						if err := c.Update(ctx, own.ID, own.Head, doc); err != nil {
							return err
						}
						e, cur, err := c.Current(ctx, shared)
						if err != nil {
							return err
						}
						p := cur.(*wiki.Person)
						p.Aliases = append(p.Aliases, fmt.Sprintf("alias %d-%d", i, n))
						return c.Update(ctx, e.ID, e.Head, p)
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		go func() { wg.Wait(); close(done) }()
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
				follow()
			}
		}
		follow()
		rows, err := s.Store.DB().Query(`SELECT entity_id, number FROM revisions`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		total := 0
		for rows.Next() {
			var e int64
			var n int
			if err := rows.Scan(&e, &n); err != nil {
				t.Fatal(err)
			}
			total++
			if k := fmt.Sprintf("%d/%d", e, n); seen[k] != 1 {
				t.Errorf("revision %s seen %d times", k, seen[k])
			}
		}
		if len(seen) != total {
			t.Errorf("the feed listed %d revisions, the store holds %d", len(seen), total)
		}
		t.Logf("%d revisions followed", total)
	})
}

// TestChangesetsInOppositeOrders has two clients save changesets that update the same two pages,
// named in opposite orders, at once: every one is saved (none deadlocks).
func TestChangesetsInOppositeOrders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		a := s.create(wiki.KindGenre, &wiki.Topic{Name: "A"})
		b := s.create(wiki.KindGenre, &wiki.Topic{Name: "B"})
		tok, _ := s.token(s.account("Moderator", auth.RoleModerator), accounts.ScopeEdit)
		c := s.client(tok)
		var wg sync.WaitGroup
		for w, pages := range [][2]int64{{a, b}, {b, a}} {
			wg.Go(func() {
				for n := range 8 {
					var changes []api.ChangeWrite
					for _, id := range pages {
						// Each writer changes its own field, from the revision it read, so that
						// the changes merge: only a deadlock could fail them.
						e, err := s.Store.Entity(ctx, id)
						if err != nil {
							t.Error(err)
							return
						}
						rev, err := s.Store.Revision(ctx, id, e.Head)
						if err != nil {
							t.Error(err)
							return
						}
						var doc wiki.Topic
						if err := json.Unmarshal(rev.Document, &doc); err != nil {
							t.Error(err)
							return
						}
						if w == 0 {
							doc.Description = fmt.Sprintf("round %d", n)
						} else {
							doc.Summary = fmt.Sprintf("round %d", n)
						}
						changes = append(changes, api.ChangeWrite{Kind: "genre", ID: id, Base: e.Head, Document: raw(t, doc)})
					}
					if _, err := c.Write(ctx, api.ChangesetWrite{Summary: "both", Changes: changes}); err != nil {
						t.Errorf("writer %d, round %d: %v", w, n, err)
					}
				}
			})
		}
		wg.Wait()
	})
}
