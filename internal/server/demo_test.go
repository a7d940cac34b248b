package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kioku/internal/demo"
	"kioku/internal/wiki"
)

// signInWith returns a client signed in to an existing account with its password, holding its
// CSRF token.
func (s *site) signInWith(t testing.TB, name, password string) *client {
	t.Helper()
	c := s.anonymous(t)
	res := c.postRaw("/login", url.Values{"name": {name}, "password": {password}})
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", name, res.StatusCode)
	}
	doc := c.page("/search", http.StatusOK)
	c.csrf, _ = doc.Find(`form[action="/logout"] input[name=csrf]`).Attr("value")
	if c.csrf == "" {
		t.Fatal("no CSRF token on the page of a signed-in reader")
	}
	return c
}

// TestDemoQueue loads the demo as `kioku serve --demo` does, under an hourly limit, and signs in
// with the demo account's name and the password Load returns: the queue opens and shows the
// newcomer's edit to Memories, the demo account approves it and the note is on the page, and the
// account then saves as many edits as the limit allows in an hour.
func TestDemoQueue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		const limit = 3
		edits := s.Instance.App.Edits()
		edits.EditsPerHour = limit
		password, err := demo.Load(ctx, edits, cheap)
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadSlice(ctx, edits); err != nil {
			t.Fatal(err)
		}
		c := s.signInWith(t, demo.Account, password)

		queue := c.page("/queue", http.StatusOK)
		var mine *goquery.Selection
		queue.Find("section.changeset").Each(func(_ int, cs *goquery.Selection) {
			if text(cs.Find(".byline .author")) == demo.Newcomer {
				if mine != nil {
					t.Errorf("the newcomer has more than one edit in the queue")
				}
				mine = cs
			}
		})
		if mine == nil {
			t.Fatalf("the queue shows no edit by %s:\n%s", demo.Newcomer, text(queue.Find("article.queue")))
		}
		const note = "Screenplay of the Magnetic Rose segment."
		if diff := text(mine.Find("tr.change")); !strings.Contains(diff, "Satoshi Kon") || !strings.Contains(diff, note) {
			t.Errorf("the newcomer's edit in the queue shows %q, want the note on Satoshi Kon's credit", diff)
		}
		id, _ := mine.Attr("id")
		c.save(fmt.Sprintf("/changes/%s/approve", strings.TrimPrefix(id, "changeset-")), url.Values{})

		works, err := s.Store.EntitiesByName(ctx, wiki.KindWork, "Memories")
		if err != nil || len(works) != 1 {
			t.Fatalf("works named Memories: %v, %v", works, err)
		}
		var notes []string
		s.anonymous(t).page(works[0].Path(), http.StatusOK).Find("#credits tr.credit").Each(func(_ int, row *goquery.Selection) {
			if text(row.Find(".person a")) == "Satoshi Kon" {
				notes = append(notes, text(row.Find(".note")))
			}
		})
		if !strings.Contains(strings.Join(notes, "|"), note) {
			t.Errorf("after approval Satoshi Kon's credits have the notes %q, want %q", notes, note)
		}
		for _, cs := range c.page("/queue", http.StatusOK).Find("section.changeset .byline .author").Nodes {
			if text(goquery.NewDocumentFromNode(cs).Selection) == demo.Newcomer {
				t.Error("the approved edit is still in the queue")
			}
		}

		// Loading took none of the demo account's hourly allowance.
		for i := range limit {
			newWork(t, c, fmt.Sprintf("Demo film %d", i+1), url.Values{"medium": {"film"}})
		}
	})
}
