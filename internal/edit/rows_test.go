package edit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Several credits and segments go in one changeset, blank rows skipped; a wrong row refuses
// them all, saying which row and which input is wrong, and every wrong row is named at once.
func TestAddRows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		work := newWork(t, svc, ann, "Memories")
		credits := func(names ...string) []edit.CreditInput {
			var out []edit.CreditInput
			for i := 0; i < len(names); i += 2 {
				out = append(out, edit.CreditInput{Person: edit.ParseChoice(names[i], false), Role: names[i+1]})
			}
			return out
		}

		res, err := svc.UpdateWork(ctx, ann, "", work, 1, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			return edit.AddCredits(ctx, c, w, credits("Katsuhiro Otomo", "Director", "", "", "Satoshi Kon", "Screenplay", "Yoko Kanno", "Music"))
		})
		if err != nil {
			t.Fatal(err)
		}
		w := current[*wiki.Work](t, s, work)
		if len(w.Credits) != 3 || len(res.Entities) != 4 {
			t.Fatalf("credits %+v, changeset of %v; want 3 credits and 3 new people in one changeset", w.Credits, res.Entities)
		}

		// Row 1 (from 0) has no role, row 2 repeats a credit, row 3 repeats row 0: nothing is saved.
		_, err = svc.UpdateWork(ctx, ann, "", work, 2, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			return edit.AddCredits(ctx, c, w, credits("Koji Morimoto", "Director", "Tensai Okamura", " ", "Satoshi Kon", "screenplay", "Koji Morimoto", "Director"))
		})
		re, ok := errors.AsType[*edit.RowsError](err)
		if !ok {
			t.Fatalf("err = %v, want a RowsError", err)
		}
		var where [][2]any
		for _, p := range re.Problems {
			where = append(where, [2]any{p.Row, p.Field})
		}
		if diff := cmp.Diff([][2]any{{1, "role"}, {2, "person"}, {3, "person"}}, where); diff != "" {
			t.Errorf("problems %+v (-want +got):\n%s", re.Problems, diff)
		}
		wantInvalid(t, "several wrong rows", err, "row 2: the new credit needs a role")
		if got := head(t, s, work); got != 2 {
			t.Errorf("head %d after a refused save, want 2", got)
		}
		if people, _ := s.EntitiesByName(ctx, wiki.KindPerson, "Koji Morimoto"); len(people) != 0 {
			t.Errorf("a refused save made %v", people)
		}

		// Segments: several in one changeset, numbers checked against each other and the work's.
		ids, err := func() ([]int64, error) {
			var ids []int64
			_, err := svc.Apply(ctx, ann, "", func(c *edit.Changes) error {
				var err error
				ids, err = edit.AddEpisodes(ctx, c, work, []edit.EpisodeInput{
					{Number: 1, Segment: true, Name: "Magnetic Rose"}, {}, {Number: 2, Segment: true, Name: "Stink Bomb"},
					{Segment: true}, {Number: 3, Segment: true, Name: "Cannon Fodder"}})
				return err
			})
			return ids, err
		}()
		if err != nil || len(ids) != 3 {
			t.Fatalf("three segments: ids %v, %v", ids, err)
		}
		_, err = svc.Apply(ctx, ann, "", func(c *edit.Changes) error {
			_, err := edit.AddEpisodes(ctx, c, work, []edit.EpisodeInput{{Number: 4, Segment: true, Name: "x"},
				{Number: 4, Segment: true, Name: "y"}, {Number: 2, Segment: true, Name: "z"}})
			return err
		})
		re, ok = errors.AsType[*edit.RowsError](err)
		if !ok || len(re.Problems) != 2 || re.Problems[0].Row != 1 || re.Problems[1].Row != 2 || re.Problems[1].Field != "number" {
			t.Errorf("repeated numbers: %v, want rows 1 and 2 refused", err)
		}

		// More rows than a save takes.
		many := make([]edit.ReleaseInput, edit.MaxRows+1)
		for i := range many {
			many[i].Region = "JP"
		}
		_, err = svc.UpdateWork(ctx, ann, "", work, head(t, s, work), func(_ context.Context, _ *edit.Changes, w *wiki.Work) error {
			return edit.AddReleases(w, many)
		})
		wantInvalid(t, "too many rows", err, "at most 200 rows")
	})
}

// Rows from a person whose edits wait for review make one proposal: a person named twice is
// one new page.
func TestAddRowsPending(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		work := newWork(t, svc, ann, "Memories")
		newcomer := mustUserAs(t, s, "ben", auth.RoleEditor)
		res, err := svc.UpdateWork(ctx, newcomer, "", work, 1, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			return edit.AddCredits(ctx, c, w, []edit.CreditInput{
				{Person: edit.Choice{Name: "Koji Morimoto"}, Role: "Director"},
				{Person: edit.Choice{Name: "Koji Morimoto"}, Role: "Screenplay"}})
		})
		if err != nil || res.Status != store.StatusPending || len(res.Entities) != 2 {
			t.Errorf("pending rows: %+v, %v; want one pending changeset of the work and one person", res, err)
		}
	})
}
