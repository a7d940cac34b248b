package edit_test

import (
	"context"
	"errors"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// A new editor creates a work that waits for review, keeps building it (a credit naming a new
// person, a segment), renames it, and a moderator approves the whole as it is then.
func TestAmendPendingWork(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		newbie := mustUserAs(t, s, "newbie", auth.RoleEditor)
		other := mustUserAs(t, s, "other", auth.RoleEditor)
		mod := mustUserAs(t, s, "mod", auth.RoleModerator)
		workID, res, err := svc.Create(ctx, newbie, "new film", wiki.KindWork, &wiki.Work{Name: "Memorys", Medium: wiki.MediumFilm})
		if err != nil || res.Status != store.StatusPending {
			t.Fatalf("create: %v, %+v", err, res)
		}
		cs := res.Changeset

		amended, err := svc.AmendEntity(ctx, newbie, cs, "credits and a segment", workID, func(ctx context.Context, c *edit.Changes, doc wiki.Document) error {
			w := doc.(*wiki.Work)
			w.Name = "Memories"
			if err := edit.AddCredit(ctx, c, w, edit.CreditInput{Person: edit.ParseChoice("Katsuhiro Otomo", false), Role: "Director"}); err != nil {
				return err
			}
			_, err := edit.AddEpisode(ctx, c, workID, edit.EpisodeInput{Number: 1, Segment: true, Name: "Magnetic Rose"})
			return err
		})
		if err != nil {
			t.Fatalf("amend: %v", err)
		}
		if amended.Changeset != cs || amended.Status != store.StatusPending {
			t.Errorf("amend joined %+v, want changeset %d still pending", amended, cs)
		}
		// Nothing is on the pages, and no second changeset was made.
		if _, err := s.Entity(ctx, workID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the pending work has a page: %v", err)
		}
		if n := count(t, s, "SELECT COUNT(*) FROM changesets"); n != 1 {
			t.Errorf("%d changesets, want the one amended", n)
		}
		p, err := s.PendingProposal(ctx, newbie, workID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ChangesetID != cs || p.Entity.Name != "Memories" {
			t.Errorf("the author's pending work is %q in changeset %d, want Memories in %d", p.Entity.Name, p.ChangesetID, cs)
		}
		if _, err := s.PendingProposal(ctx, other, workID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another editor sees the pending work: %v", err)
		}
		got, err := s.Changeset(ctx, cs)
		if err != nil {
			t.Fatal(err)
		}
		if got.Summary != "new film; credits and a segment" || len(got.Entities) != 3 {
			t.Errorf("changeset now %q with %d entities, want the summaries joined and work, person, segment", got.Summary, len(got.Entities))
		}

		// An edit that changes nothing, another's amendment, an edit of a reviewed changeset: refused.
		_, err = svc.AmendEntity(ctx, newbie, cs, "", workID, func(context.Context, *edit.Changes, wiki.Document) error { return nil })
		wantInvalid(t, "an empty amendment", err, "changes nothing")
		_, err = svc.AmendEntity(ctx, other, cs, "", workID, func(_ context.Context, _ *edit.Changes, doc wiki.Document) error {
			doc.(*wiki.Work).Rating = "R"
			return nil
		})
		if !errors.Is(err, wiki.ErrRefused) {
			t.Errorf("another editor amended the changeset: %v", err)
		}
		if err := svc.Withdraw(ctx, cs, other); !errors.Is(err, wiki.ErrRefused) {
			t.Errorf("another editor withdrew the changeset: %v", err)
		}

		if _, err := svc.Approve(ctx, cs, mod); err != nil {
			t.Fatalf("approve: %v", err)
		}
		w := current[*wiki.Work](t, s, workID)
		if w.Name != "Memories" || len(w.Credits) != 1 || w.Credits[0].Role != "Director" {
			t.Errorf("approved work = %+v, want the amended one", w)
		}
		if n := count(t, s, "SELECT COUNT(*) FROM entities WHERE head > 0"); n != 3 {
			t.Errorf("%d pages after approval, want work, person and segment", n)
		}
		_, err = svc.AmendEntity(ctx, newbie, cs, "", workID, func(_ context.Context, _ *edit.Changes, doc wiki.Document) error {
			doc.(*wiki.Work).Rating = "R"
			return nil
		})
		wantInvalid(t, "amending an accepted changeset", err, "already reviewed")
	})
}

// A new editor's edit of an existing page waits; amended, it stays one proposal made from the
// same base; withdrawn, it leaves the page as it was and cannot be approved.
func TestAmendAndWithdraw(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		newbie := mustUserAs(t, s, "newbie", auth.RoleEditor)
		mod := mustUserAs(t, s, "mod", auth.RoleModerator)
		workID := newWork(t, svc, ann, "Memories")
		res, err := svc.UpdateWork(ctx, newbie, "", workID, 1, func(_ context.Context, _ *edit.Changes, w *wiki.Work) error {
			w.Rating = "PG"
			return nil
		})
		if err != nil || res.Status != store.StatusPending {
			t.Fatalf("update: %v %+v", err, res)
		}
		if _, err := svc.AmendEntity(ctx, newbie, res.Changeset, "", workID, func(_ context.Context, _ *edit.Changes, doc wiki.Document) error {
			w := doc.(*wiki.Work)
			if w.Rating != "PG" {
				t.Errorf("the amendment started from rating %q, want the proposed PG", w.Rating)
			}
			w.Rating = "PG-13"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		p, err := s.PendingProposal(ctx, newbie, workID)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := wiki.Decode(wiki.KindWork, p.Document)
		if err != nil {
			t.Fatal(err)
		}
		if doc.(*wiki.Work).Rating != "PG-13" || p.Base != 1 {
			t.Errorf("proposal = rating %q from %d, want PG-13 from 1", doc.(*wiki.Work).Rating, p.Base)
		}
		if err := svc.Withdraw(ctx, res.Changeset, newbie); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Changeset(ctx, res.Changeset)
		if err != nil {
			t.Fatal(err)
		}
		if cs.Status != store.StatusWithdrawn {
			t.Errorf("status %q after withdrawing", cs.Status)
		}
		if _, err := s.PendingProposal(ctx, newbie, workID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a withdrawn edit is still shown to its author: %v", err)
		}
		if _, err := svc.Approve(ctx, res.Changeset, mod); err == nil {
			t.Error("a withdrawn edit was approved")
		}
		if w := current[*wiki.Work](t, s, workID); w.Rating != "" || head(t, s, workID) != 1 {
			t.Errorf("the page changed: rating %q, head %d", w.Rating, head(t, s, workID))
		}
	})
}

// Two new editors credit the same new person on two works while both edits wait: approved one
// after the other, they make one person page, credited on both. A person of that name who was
// there when an edit was made, and whom its author chose not to pick, stays another person.
func TestNamesakesMadeWhilePending(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		mod := mustUserAs(t, s, "mod", auth.RoleModerator)
		first, second := newWork(t, svc, ann, "Memories"), newWork(t, svc, ann, "Roujin Z")
		credit := func(author, work int64, forceNew bool) int64 {
			t.Helper()
			res, err := svc.UpdateWork(ctx, author, "", work, head(t, s, work), func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddCredit(ctx, c, w, edit.CreditInput{Person: edit.ParseChoice("Kazufumi Nomura", forceNew), Role: "Animation director"})
			})
			if err != nil || res.Status != store.StatusPending {
				t.Fatalf("credit: %v %+v", err, res)
			}
			return res.Changeset
		}
		a := credit(mustUserAs(t, s, "nao", auth.RoleEditor), first, false)
		b := credit(mustUserAs(t, s, "eri", auth.RoleEditor), second, false)
		for _, cs := range []int64{a, b} {
			if _, err := svc.Approve(ctx, cs, mod); err != nil {
				t.Fatalf("approve %d: %v", cs, err)
			}
		}
		people, err := s.EntitiesByName(ctx, wiki.KindPerson, "Kazufumi Nomura")
		if err != nil {
			t.Fatal(err)
		}
		if len(people) != 1 {
			t.Fatalf("%d pages of Kazufumi Nomura, want 1", len(people))
		}
		for _, w := range []int64{first, second} {
			if got := current[*wiki.Work](t, s, w).Credits; len(got) != 1 || int64(got[0].Person) != people[0].ID {
				t.Errorf("work %d credits %+v, want the one page #%d", w, got, people[0].ID)
			}
		}
		cs, err := s.Changeset(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Entities) != 1 || cs.Entities[0].ID != second {
			t.Errorf("the second edit lists %+v, want only the work it changed, once", cs.Entities)
		}

		// Now the page is there: a new edit that asks for a new person of the name gets one.
		c := credit(mustUserAs(t, s, "kai", auth.RoleEditor), first, true)
		if _, err := svc.Approve(ctx, c, mod); err != nil {
			t.Fatal(err)
		}
		if people, _ = s.EntitiesByName(ctx, wiki.KindPerson, "Kazufumi Nomura"); len(people) != 2 {
			t.Errorf("%d pages of Kazufumi Nomura after a new one was asked for, want 2", len(people))
		}
	})
}
