package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"kioku/internal/store"
)

// TestLandmarksAndLanguages: every page has a skip link to its content and named navigation,
// and a Japanese title shown beside an English one is marked as Japanese.
func TestLandmarksAndLanguages(t *testing.T) {
	s := newSite(t, store.SQLite)
	c := s.signedIn(t, "ann")
	newWork(t, c, "Her Memories", url.Values{"medium": {"film"}, "original_title": {"彼女の想いで"}})
	newWork(t, c, "Her Memories Again", url.Values{"medium": {"film"}, "original_title": {"그녀의 추억"}})
	reader := s.anonymous(t)
	for _, path := range []string{"/", "/search?q=her+memories&list=1", "/recent-changes"} {
		doc := reader.page(path, http.StatusOK)
		if doc.Find(`a.skip[href="#content"]`).Length() != 1 || doc.Find("main#content").Length() != 1 {
			t.Errorf("%s: no skip link to main#content", path)
		}
		if doc.Find(`nav[aria-label]`).Length() < 2 {
			t.Errorf("%s: the navigation is not named", path)
		}
	}
	doc := reader.page("/search?q=her+memories&list=1", http.StatusOK)
	if got := doc.Find(`.original[lang="ja"]`).Text(); got != "彼女の想いで" {
		t.Errorf("the Japanese original title is marked %q, want 彼女の想いで in lang=ja", got)
	}
	if got := doc.Find(`.original[lang="ko"]`).Text(); got != "그녀의 추억" {
		t.Errorf("the Korean original title is marked %q, want 그녀의 추억 in lang=ko", got)
	}
}
