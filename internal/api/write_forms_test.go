package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/accounts"
	"kioku/internal/api"
	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/images"
	"kioku/internal/images/imagetest"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// TestWritesTakeReadForms reads entities, changes a field and writes them back as read:
// references as Ref objects, external ids and pictures with their addresses, the entity's own
// fields beside the document's. Only the changed field changes; anything neither form has is
// refused, and nothing is saved.
func TestWritesTakeReadForms(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		l := s.library()
		mod := s.account("Moderator", auth.RoleModerator)
		modToken, _ := s.token(mod, accounts.ScopeEdit)
		trusted := s.client(modToken)

		// Memories gets every kind of reference: a character voiced by a person, a studio, a
		// franchise, a relation, and a picture.
		char := s.create(wiki.KindCharacter, &wiki.Character{Name: "Eva Friedel"})
		studio := s.create(wiki.KindCompany, &wiki.Company{Name: "Studio 4°C"})
		franchise := s.create(wiki.KindFranchise, &wiki.Topic{Name: "Memories"})
		var work wiki.Work
		e, err := s.Store.Entity(ctx, l.memories)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := s.Store.Revision(ctx, l.memories, e.Head)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := wiki.Decode(wiki.KindWork, rev.Document)
		work = *doc.(*wiki.Work)
		work.Cast = []wiki.CastMember{{Character: wiki.Ref(char), Role: "Main", Voices: []wiki.Voice{{Language: "ja", Person: wiki.Ref(l.kon)}}}}
		work.Companies = []wiki.CompanyCredit{{Company: wiki.Ref(studio), Role: "Animation"}}
		work.Franchise = wiki.Ref(franchise)
		work.Relations = []wiki.Relation{{Type: "Compilation", Work: wiki.Ref(l.akira)}}
		wiki.FillKeys(&work)
		s.update(l.memories, &work, "References")
		pic, err := images.Process(imagetest.PNG(400, 300))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Edits.Upload(ctx, s.editor, l.memories, pic, edit.ImageInput{Kind: "poster"}, ""); err != nil {
			t.Fatal(err)
		}

		before, err := trusted.Get(ctx, "works", l.memories)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := before["cast"].([]any)[0].(map[string]any)["character"].(map[string]any); !ok {
			t.Fatalf("the cast is not read with Ref objects: %v", before["cast"])
		}
		// GET, change a field, PUT it back: the base is the revision it was read at.
		sent := clone(t, before)
		sent["description"] = "Three stories."
		res, err := trusted.Put(ctx, "works", l.memories, 0, "Description", sent)
		if err != nil || res.Status != store.StatusAccepted {
			t.Fatalf("PUT of the work as read: %+v, %v", res, err)
		}
		after, err := trusted.Get(ctx, "works", l.memories)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []map[string]any{before, after} {
			delete(m, "revision")
			delete(m, "updated_at")
		}
		before["description"] = "Three stories."
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("after a PUT of the work as read (-want +got):\n%s", diff)
		}
		var d api.Diff
		s.get(fmt.Sprintf("/api/v1/works/%d/diff", l.memories), http.StatusOK).decode(t, &d)
		if len(d.Changes) != 1 || d.Changes[0].Field != "Description" {
			t.Errorf("the PUT changed %+v", d.Changes)
		}

		// A revision's document as read, with an explicit base: merged with what changed since.
		var old api.RevisionDocument
		s.get(fmt.Sprintf("/api/v1/works/%d/revisions/1", l.memories), http.StatusOK).decode(t, &old)
		var first map[string]any
		if err := json.Unmarshal(old.Document, &first); err != nil {
			t.Fatal(err)
		}
		first["deck"] = "An anthology film."
		if res, err := trusted.Put(ctx, "works", l.memories, 1, "Deck", first); err != nil || res.Status != store.StatusAccepted {
			t.Fatalf("PUT of revision 1 as read: %+v, %v", res, err)
		}
		after, _ = trusted.Get(ctx, "works", l.memories)
		if after["deck"] != "An anthology film." || after["description"] != "Three stories." || len(after["cast"].([]any)) != 1 {
			t.Errorf("after merging revision 1 as read: %v", after)
		}

		// A changeset may give references as read, a new entity's as {"id": -1}.
		res, err = trusted.Write(ctx, api.ChangesetWrite{Summary: "Millennium Actress", Changes: []api.ChangeWrite{
			{Kind: "person", Document: raw(t, map[string]any{"name": "Sadayuki Murai"})},
			{Kind: "work", Document: raw(t, map[string]any{"name": "Millennium Actress", "medium": "film",
				"credits": []any{
					map[string]any{"person": map[string]any{"id": -1}, "role": "Screenplay"},
					map[string]any{"person": before["credits"].([]any)[0].(map[string]any)["person"], "role": "Director"},
				}})},
		}})
		if err != nil || res.Status != store.StatusAccepted {
			t.Fatalf("changeset with references as read: %+v, %v", res, err)
		}
		made, _ := trusted.Get(ctx, "works", res.Entities[1].ID)
		credits := made["credits"].([]any)
		if len(credits) != 2 || credits[0].(map[string]any)["person"].(map[string]any)["name"] != "Sadayuki Murai" ||
			credits[1].(map[string]any)["person"].(map[string]any)["id"] != float64(l.kon) {
			t.Errorf("the changeset's credits: %v", credits)
		}

		// What neither form has is refused, and nothing is saved.
		before2 := s.counts()
		read, _ := trusted.Get(ctx, "works", l.memories)
		for _, tc := range []struct {
			name   string
			change func(m map[string]any)
			status int
		}{
			{"an unknown field", func(m map[string]any) { m["rank"] = 3 }, http.StatusBadRequest},
			{"an unknown field of a reference", func(m map[string]any) {
				m["franchise"].(map[string]any)["score"] = 9
			}, http.StatusBadRequest},
			{"a reference without its id", func(m map[string]any) { delete(m["franchise"].(map[string]any), "id") }, http.StatusBadRequest},
			{"a reference's id as text", func(m map[string]any) { m["franchise"].(map[string]any)["id"] = "12" }, http.StatusBadRequest},
			{"an unknown field of a picture", func(m map[string]any) {
				m["images"].([]any)[0].(map[string]any)["medium_url"] = "/x"
			}, http.StatusBadRequest},
			{"another entity's id", func(m map[string]any) { m["id"] = l.akira }, http.StatusUnprocessableEntity},
			{"another kind", func(m map[string]any) { m["kind"] = "person" }, http.StatusUnprocessableEntity},
			{"a revision that is not a number", func(m map[string]any) { m["revision"] = "3" }, http.StatusBadRequest},
			{"locked that is not a boolean", func(m map[string]any) { m["locked"] = "no" }, http.StatusBadRequest},
			{"an address that is not text", func(m map[string]any) { m["api_url"] = 7 }, http.StatusBadRequest},
		} {
			m := clone(t, read)
			tc.change(m)
			body := raw(t, api.EntityWrite{Summary: tc.name, Document: raw(t, m)})
			var p map[string]any
			s.send("PUT", fmt.Sprintf("/api/v1/works/%d", l.memories), modToken, "application/json", string(body), tc.status).decode(t, &p)
			if detail, _ := p["detail"].(string); detail == "" {
				t.Errorf("%s: problem %v", tc.name, p)
			}
		}
		if after := s.counts(); after != before2 {
			t.Errorf("refused writes stored something: %s before, %s after", before2, after)
		}
	})
}

// clone copies a JSON object deeply.
func clone(t testing.TB, m map[string]any) map[string]any {
	var out map[string]any
	if err := json.Unmarshal(raw(t, m), &out); err != nil {
		t.Fatal(err)
	}
	return out
}
