package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/auth"
)

// TestSignedInPagesShareOnlyTheBody checks that the body of an entity page, which is cached once
// and served to every reader, carries nothing of any reader's own: each signed-in reader sees
// their own name, token, watch state, pending edit and moderator controls, and nobody else's,
// and a reader who is not signed in sees none of them, whoever was served the page before. The
// author of an edit waiting for review sees the page with it, and only they do.
func TestSignedInPagesShareOnlyTheBody(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		akiko := s.signedIn(t, "Akiko")
		botan := s.signedInAs(t, "Botan", auth.RoleEditor)
		chiyo := s.signedInAs(t, "Chiyo", auth.RoleModerator)
		_, path := newWork(t, akiko, "Memories", url.Values{"medium": {"film"}, "deck": {"Three films"}})
		// Botan's deck waits for review; Botan watches the page.
		botan.save(path+"/edit/basics", basics("Botan's deck", "", 1))
		botan.save(path+"/watch", url.Values{"watch": {"1"}})

		type reader struct {
			name    string
			c       *client
			watch   string // the watch button's label, "" for none
			pending bool
			lock    bool
		}
		readers := []reader{
			{"", s.anonymous(t), "", false, false},
			{"Akiko", akiko, "Watch", false, false},
			{"Botan", botan, "Unwatch", true, false},
			{"Chiyo", chiyo, "Watch", false, true},
		}
		tokens := map[string]string{}
		for _, r := range readers[1:] {
			tokens[r.name] = r.c.csrf
		}
		// Twice round, in an order where each reader follows another: the second time every
		// body comes from the cache.
		for round := range 2 {
			for _, r := range append(readers, readers[0]) {
				who := r.name
				if who == "" {
					who = "anonymous"
				}
				res := r.c.get(path)
				raw, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("round %d, %s: status %d", round, who, res.StatusCode)
				}
				html := string(raw)
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
				if err != nil {
					t.Fatal(err)
				}
				if got := text(doc.Find("nav.account .user")); got != r.name {
					t.Errorf("round %d, %s: the header names %q", round, who, got)
				}
				doc.Find("input[name=csrf]").Each(func(_ int, in *goquery.Selection) {
					if v, _ := in.Attr("value"); r.name == "" || v != tokens[r.name] {
						t.Errorf("round %d, %s: a form carries the token %q", round, who, v)
					}
				})
				for name, token := range tokens {
					if name != r.name && strings.Contains(html, token) {
						t.Errorf("round %d, %s: the page carries %s's token", round, who, name)
					}
				}
				// Akiko made the page and is among its top editors; Botan and Chiyo are not.
				for _, name := range []string{"Botan", "Chiyo"} {
					if name != r.name && strings.Contains(html, name) {
						t.Errorf("round %d, %s: the page names %s", round, who, name)
					}
				}
				if got := text(doc.Find("#watch")); got != r.watch {
					t.Errorf("round %d, %s: watch button %q, want %q", round, who, got, r.watch)
				}
				if got := doc.Find("#pending").Length() > 0; got != r.pending {
					t.Errorf("round %d, %s: shows a pending edit: %v, want %v", round, who, got, r.pending)
				}
				if got := doc.Find("#lock").Length() > 0; got != r.lock {
					t.Errorf("round %d, %s: shows the lock: %v, want %v", round, who, got, r.lock)
				}
				// Botan sees the page with his edit; nobody else does, whoever follows him.
				wantDeck := "Three films"
				if r.pending {
					wantDeck = "Botan's deck"
				}
				if got := text(doc.Find("p.deck")); got != wantDeck {
					t.Errorf("round %d, %s: deck %q, want %q", round, who, got, wantDeck)
				}
				want := "no-cache"
				if r.name != "" {
					want = "private, no-store"
				}
				if got := res.Header.Get("Cache-Control"); got != want {
					t.Errorf("round %d, %s: Cache-Control %q, want %q", round, who, got, want)
				}
			}
		}
	})
}

// TestEditsShowAtOnceToSignedInReaders checks that a signed-in reader, whose page is composed
// from a cached body, sees an accepted edit on their next request: an edit of the page itself,
// and an edit of another entity that the page lists.
func TestEditsShowAtOnceToSignedInReaders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		editor := s.signedIn(t, "tomo")
		reader := s.signedInAs(t, "yui", auth.RoleEditor)
		id, path := newWork(t, editor, "Memories", url.Values{"medium": {"film"}, "deck": {"Three films"}})
		deck := func() string { return text(reader.page(path, http.StatusOK).Find("p.deck")) }
		if got := deck(); got != "Three films" {
			t.Fatalf("deck %q", got)
		}
		editor.section(s, id, "basics", basics("Three tales of memory", "", 0))
		if got := deck(); got != "Three tales of memory" {
			t.Errorf("after an edit the signed-in reader sees deck %q", got)
		}
		// An episode is an entity of its own: the work's revision stays, its page changes.
		editor.section(s, id, "episodes", url.Values{"name": {"Stink Bomb"}, "number": {"2"}, "edit_summary": {"episode"}})
		if got := texts(reader.page(path, http.StatusOK).Find("#episodes li.episode .name")); len(got) != 1 || got[0] != "Stink Bomb" {
			t.Errorf("after adding an episode the signed-in reader sees episodes %q", got)
		}
	})
}
