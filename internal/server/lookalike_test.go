package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNewPageLooksForLookalikes: making a page whose name another page of its kind has (in any
// case, width or kana) first shows that page and keeps what was typed; ticking "different" makes
// the page; a name no page has makes it at once.
func TestNewPageLooksForLookalikes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		_, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}, "start_date": {"1995-12-23"}})
		for _, name := range []string{"Memories", "MEMORIES", "ｍｅｍｏｒｉｅｓ"} {
			res, body := c.post("/new/work", url.Values{"name": {name}, "medium": {"film"}, "edit_summary": {"a second film"}})
			if res.StatusCode != http.StatusConflict || !strings.Contains(body, `href="`+path+`"`) || !strings.Contains(body, "Is it one of these?") {
				t.Fatalf("new work %q beside Memories: status %d, want 409 naming %s\n%.2000s", name, res.StatusCode, path, body)
			}
			if !strings.Contains(body, `value="a second film"`) {
				t.Error("the edit summary typed was not kept")
			}
		}
		if loc := c.save("/new/work", url.Values{"name": {"Memories"}, "medium": {"film"}, "different": {"1"},
			"edit_summary": {"another film of that name"}}); loc == path {
			t.Errorf("a different work went to %s", loc)
		}
		c.save("/new/work", url.Values{"name": {"Perfect Blue"}, "medium": {"film"}, "edit_summary": {"new"}})
		// A person of the name is no work of it.
		c.save("/new/person", url.Values{"name": {"Memories"}, "edit_summary": {"new"}})
	})
}

// TestNewPageErrorsOnTheForm: a new page refused for a field is the form again, with the problem
// above it and everything typed kept.
func TestNewPageErrorsOnTheForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		res, body := c.post("/new/work", url.Values{"name": {"Perfect Blue"}, "medium": {"film"}, "start_date": {"1997-02-30"},
			"deck": {"A pop idol's stalker."}, "edit_summary": {"a film"}})
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", res.StatusCode)
		}
		for _, want := range []string{`is not a day of the calendar`, `value="1997-02-30"`, `value="Perfect Blue"`,
			`A pop idol&#39;s stalker.`, `value="a film"`, `action="/new/work"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the form again lacks %s", want)
			}
		}
	})
}
