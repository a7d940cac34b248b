package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/accounts"
	"kioku/internal/api"
	"kioku/internal/auth"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// put sends a write with a token and returns the answer, checked against the OpenAPI document.
func (s *site) put(token, path, body string, status int) answer {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPut, s.URL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Client{Transport: checked{s}}).Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	if res.StatusCode != status {
		s.t.Fatalf("PUT %s: status %d, want %d: %s", path, res.StatusCode, status, buf.Bytes())
	}
	return answer{Status: res.StatusCode, Header: res.Header, Body: buf.Bytes()}
}

func TestChangesets(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		kon := s.create(wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
		mod := s.account("Moderator", auth.RoleModerator)
		newbie := s.account("Newcomer", auth.RoleEditor)
		newToken, _ := s.token(newbie, accounts.ScopeEdit)
		queued, reader := s.client(newToken), s.client("")

		// A queued write's Location is the changeset's address, which answers with its state.
		a := s.put(newToken, fmt.Sprintf("/api/v1/people/%d", kon), `{"base":1,"summary":"Native name","document":{"name":"Satoshi Kon","native_name":"今 敏"}}`,
			http.StatusAccepted)
		var res api.WriteResult
		a.decode(t, &res)
		if loc := a.Header.Get("Location"); loc != res.APIURL || loc != fmt.Sprintf("/api/v1/changesets/%d", res.Changeset) {
			t.Errorf("Location %q, api_url %q", loc, res.APIURL)
		}
		pending := s.get(res.APIURL, http.StatusOK)
		var cs api.Changeset
		pending.decode(t, &cs)
		want := api.Changeset{ID: res.Changeset, Status: store.StatusPending, Summary: "Native name",
			Author: api.Author{Name: "Newcomer", SiteURL: "/users/Newcomer"}, CreatedAt: cs.CreatedAt,
			Entities: []api.ChangesetEntity{{
				Entity: api.Ref{ID: kon, Kind: "person", Name: "Satoshi Kon", APIURL: fmt.Sprintf("/api/v1/people/%d", kon), SiteURL: "/person/" + fmt.Sprint(kon) + "-satoshi-kon"},
				Base:   1, BaseURL: fmt.Sprintf("/api/v1/people/%d/revisions/1", kon)}},
			APIURL: res.APIURL, SiteURL: res.SiteURL}
		if e, err := s.Store.Entity(ctx, kon); err == nil {
			want.Entities[0].Entity.SiteURL = e.Path()
		}
		if diff := cmp.Diff(want, cs); diff != "" || cs.CreatedAt.IsZero() {
			t.Errorf("pending changeset (-want +got):\n%s", diff)
		}
		// A changeset that waits may change at any time: caches must ask again, and get 304
		// while it has not.
		if cc := pending.Header.Get("Cache-Control"); cc != "public, no-cache" {
			t.Errorf("pending changeset's Cache-Control %q", cc)
		}
		s.get(res.APIURL, http.StatusNotModified, "If-None-Match", pending.Header.Get("ETag"))
		for _, u := range []string{want.Entities[0].BaseURL, want.Entities[0].Entity.APIURL} {
			s.get(u, http.StatusOK)
		}

		// A queued changeset that makes a new person: the person has no address yet.
		made, err := queued.Write(ctx, api.ChangesetWrite{Summary: "New person", Changes: []api.ChangeWrite{
			{Kind: "person", Document: raw(t, wiki.Person{Name: "Sadayuki Murai"})}}})
		if err != nil || made.Status != store.StatusPending {
			t.Fatalf("queued changeset: %+v, %v", made, err)
		}
		got, err := reader.Changeset(ctx, made.Changeset)
		if err != nil || len(got.Entities) != 1 || !got.Entities[0].New || got.Entities[0].Entity.APIURL != "" ||
			got.Entities[0].Entity.Name != "Sadayuki Murai" || got.Entities[0].BaseURL != "" {
			t.Errorf("changeset making a person: %+v, %v", got, err)
		}

		// Rejected: no edit is accepted, yet the answer follows at once, with the reason.
		if err := s.Edits.Reject(ctx, res.Changeset, mod.ID, "Needs a source"); err != nil {
			t.Fatal(err)
		}
		rejected := s.get(res.APIURL, http.StatusOK, "If-None-Match", pending.Header.Get("ETag"))
		rejected.decode(t, &cs)
		if cs.Status != store.StatusRejected || cs.Reason != "Needs a source" || cs.Reviewer == nil || cs.Reviewer.Name != "Moderator" ||
			cs.ReviewedAt == nil || len(cs.Entities) != 1 || cs.Entities[0].Revision != 0 {
			t.Errorf("rejected changeset: %+v", cs)
		}
		if cc := rejected.Header.Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("rejected changeset's Cache-Control %q", cc)
		}

		// Approved: each entity with the revision it made, whose addresses answer.
		if _, err := s.Edits.Approve(ctx, made.Changeset, mod.ID); err != nil {
			t.Fatal(err)
		}
		got, err = reader.Changeset(ctx, made.Changeset)
		if err != nil || got.Status != store.StatusAccepted || len(got.Entities) != 1 || got.Entities[0].Revision != 1 ||
			got.Entities[0].Entity.APIURL == "" || got.Reviewer == nil {
			t.Fatalf("approved changeset: %+v, %v", got, err)
		}
		var doc api.RevisionDocument
		s.get(got.Entities[0].RevisionURL, http.StatusOK).decode(t, &doc)
		if doc.Revision.Changeset != made.Changeset || doc.Revision.ChangesetURL != made.APIURL {
			t.Errorf("the changeset's revision: %+v", doc.Revision)
		}
		s.get(got.Entities[0].DiffURL, http.StatusOK)
		s.get(got.Entities[0].Entity.APIURL, http.StatusOK)

		// A changeset accepted at once has no reviewer; its revision's parent is its base.
		first := s.list(fmt.Sprintf("/api/v1/people/%d/revisions", kon)).Results[0]
		got, err = reader.Changeset(ctx, int64(first["changeset"].(float64)))
		if err != nil || got.Status != store.StatusAccepted || got.Reviewer != nil || got.ReviewedAt != nil ||
			len(got.Entities) != 1 || !got.Entities[0].New || got.Entities[0].Revision != 1 || got.Entities[0].Base != 0 {
			t.Errorf("changeset accepted at once: %+v, %v", got, err)
		}

		// The change feed links each change to its changeset and its revision.
		feed, err := reader.Changes(ctx, "", api.MaxLimit)
		if err != nil || len(feed.Results) == 0 {
			t.Fatalf("feed: %+v, %v", feed, err)
		}
		last := feed.Results[len(feed.Results)-1]
		if last.ChangesetURL != made.APIURL {
			t.Errorf("the feed's last change: %+v, want changeset %s", last, made.APIURL)
		}
		s.get(last.ChangesetURL, http.StatusOK)
		s.get(last.RevisionURL, http.StatusOK)

		// fields picks; bad requests are problem documents.
		var picked map[string]any
		s.get(res.APIURL+"?fields=status,reason", http.StatusOK).decode(t, &picked)
		if diff := cmp.Diff(map[string]any{"id": float64(res.Changeset), "status": "rejected", "reason": "Needs a source"}, picked); diff != "" {
			t.Errorf("fields=status,reason (-want +got):\n%s", diff)
		}
		s.problem(res.APIURL+"?fields=nonsense", http.StatusBadRequest)
		s.problem(res.APIURL+"?limit=3", http.StatusBadRequest)
		s.problem("/api/v1/changesets/0", http.StatusBadRequest)
		s.problem("/api/v1/changesets/x", http.StatusBadRequest)
		s.problem("/api/v1/changesets/99999999", http.StatusNotFound)
	})
}
