package lists_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/edit"
	"kioku/internal/lists"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// world is a store with three works (the first two with MyAnimeList ids) and a person, and
// three accounts: an editor, a reader who may not edit, and an administrator.
type world struct {
	store          *store.Store
	svc            *lists.Service
	works          []int64
	person         int64
	ann, bo, admin store.User
}

func newWorld(t *testing.T, engine store.Engine) *world {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, engine)
	w := &world{store: s, svc: &lists.Service{Store: s}}
	user := func(name, role string) store.User {
		id, err := s.CreateUser(ctx, name, "hash", role)
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.UserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.ann, w.bo, w.admin = user("ann", "trusted"), user("bo", ""), user("root", "admin")
	_, err := (&edit.Service{Store: s}).Apply(ctx, w.ann.ID, "works", func(c *edit.Changes) error {
		for i, name := range []string{"Cowboy Bebop", "Trigun", "Memories"} {
			doc := &wiki.Work{Name: name, Medium: wiki.MediumTV, Episodes: 26}
			if i < 2 {
				doc.ExternalIDs = []wiki.ExternalID{{Site: "mal", ID: fmt.Sprint(i + 1)}}
			}
			id, err := c.Create(ctx, wiki.KindWork, doc)
			if err != nil {
				return err
			}
			w.works = append(w.works, id)
		}
		var err error
		w.person, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestMove(t *testing.T) {
	for _, tt := range []struct {
		from, to int
		want     []int64
	}{
		{0, 0, []int64{1, 2, 3, 4}},
		{0, 3, []int64{2, 3, 4, 1}},
		{3, 0, []int64{4, 1, 2, 3}},
		{1, 2, []int64{1, 3, 2, 4}},
		{2, 99, []int64{1, 2, 4, 3}},
		{2, -5, []int64{3, 1, 2, 4}},
	} {
		if got := lists.Move([]int64{1, 2, 3, 4}, tt.from, tt.to); !cmp.Equal(got, tt.want) {
			t.Errorf("Move(%d, %d) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestLists(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, engine)
			id, err := w.svc.CreateList(ctx, w.bo, lists.ListInput{Name: "  Space ", Ranked: true, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range append(w.works, w.person) {
				if err := w.svc.AddItem(ctx, w.bo, id, e, ""); err != nil {
					t.Fatal(err)
				}
			}
			// Adding again keeps the place and sets the note.
			if err := w.svc.AddItem(ctx, w.bo, id, w.works[0], "the best"); err != nil {
				t.Fatal(err)
			}
			order := func() []int64 {
				t.Helper()
				l, items, err := w.svc.List(ctx, &w.bo, id)
				if err != nil {
					t.Fatal(err)
				}
				var out []int64
				for i, it := range items {
					if it.Position != i+1 {
						t.Errorf("item %d at position %d", i, it.Position)
					}
					out = append(out, it.Entity.ID)
				}
				if l.Items != len(items) || l.Name != "Space" {
					t.Errorf("list %q counts %d items, holds %d", l.Name, l.Items, len(items))
				}
				return out
			}
			a, b, c, p := w.works[0], w.works[1], w.works[2], w.person
			if got := order(); !cmp.Equal(got, []int64{a, b, c, p}) {
				t.Errorf("added: %v", got)
			}
			if _, items, err := w.svc.List(ctx, &w.bo, id); err != nil || items[0].Note != "the best" {
				t.Errorf("the note of a page added again: %+v (%v)", items, err)
			}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(w.svc.MoveItem(ctx, w.bo, id, p, 1))
			must(w.svc.MoveItem(ctx, w.bo, id, a, 99))
			if got := order(); !cmp.Equal(got, []int64{p, b, c, a}) {
				t.Errorf("moved: %v", got)
			}
			must(w.svc.RemoveItem(ctx, w.bo, id, b))
			if got := order(); !cmp.Equal(got, []int64{p, c, a}) {
				t.Errorf("removed: %v", got)
			}

			// Others may not change it; a private list does not exist for them.
			if err := w.svc.MoveItem(ctx, w.ann, id, a, 1); !errors.Is(err, wiki.ErrRefused) {
				t.Errorf("ann moves bo's item: %v", err)
			}
			secret, err := w.svc.CreateList(ctx, w.bo, lists.ListInput{Name: "Secret"})
			must(err)
			if _, _, err := w.svc.List(ctx, &w.ann, secret); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ann reads bo's private list: %v", err)
			}
			if _, _, err := w.svc.List(ctx, nil, secret); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a stranger reads bo's private list: %v", err)
			}
			if err := w.svc.Like(ctx, w.ann, secret, true); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("ann likes bo's private list: %v", err)
			}
			if got, _ := w.svc.ListsOf(ctx, &w.ann, w.bo); len(got) != 1 {
				t.Errorf("ann sees %d of bo's lists, want 1", len(got))
			}
			if got, _ := w.svc.ListsOf(ctx, &w.bo, w.bo); len(got) != 2 {
				t.Errorf("bo sees %d of bo's lists, want 2", len(got))
			}

			// Likes: once per reader, toggled, not one's own.
			must(w.svc.Like(ctx, w.ann, id, true))
			must(w.svc.Like(ctx, w.ann, id, true))
			must(w.svc.Like(ctx, w.admin, id, true))
			must(w.svc.Like(ctx, w.admin, id, false))
			if err := w.svc.Like(ctx, w.bo, id, true); !errors.Is(err, wiki.ErrRefused) {
				t.Errorf("bo likes bo's list: %v", err)
			}
			if l, _, _ := w.svc.List(ctx, nil, id); l.Likes != 1 {
				t.Errorf("likes = %d, want 1", l.Likes)
			}

			// Top lists by likes: ann's unliked list comes after bo's liked one.
			mine, err := w.svc.CreateList(ctx, w.ann, lists.ListInput{Name: "Westerns", Public: true})
			must(err)
			must(w.svc.AddItem(ctx, w.ann, mine, c, ""))
			top, err := w.store.TopListsWith(ctx, c, lists.TopLists)
			must(err)
			var names []string
			for _, l := range top {
				names = append(names, l.Name+" by "+l.Owner)
			}
			if want := []string{"Space by bo", "Westerns by ann"}; !cmp.Equal(names, want) {
				t.Errorf("top lists of %d = %q, want %q", c, names, want)
			}

			// Bounds and validation.
			for _, in := range []lists.ListInput{{Name: " "}, {Name: strings.Repeat("x", lists.MaxNameLen+1)},
				{Name: "x", Description: strings.Repeat("x", lists.MaxDescription+1)}} {
				var ve *wiki.ValidationError
				if _, err := w.svc.CreateList(ctx, w.bo, in); !errors.As(err, &ve) {
					t.Errorf("list %.20q: %v, want a validation error", in.Name, err)
				}
			}
			if err := w.svc.AddItem(ctx, w.bo, id, c, strings.Repeat("x", lists.MaxNote+1)); err == nil {
				t.Error("a note over the bound was taken")
			}
			for range lists.MaxLists - 2 { // bo has two
				_, err := w.svc.CreateList(ctx, w.bo, lists.ListInput{Name: "more"})
				must(err)
			}
			if _, err := w.svc.CreateList(ctx, w.bo, lists.ListInput{Name: "one too many"}); !errors.Is(err, wiki.ErrRefused) {
				t.Errorf("list %d: %v, want refused", lists.MaxLists+1, err)
			}

			// A ban stops everything, whatever the session said of the account.
			_, err = w.store.DB().ExecContext(ctx, rebind(engine, `UPDATE users SET banned_at = CURRENT_TIMESTAMP WHERE id = ?`), w.bo.ID)
			must(err)
			if err := w.svc.AddItem(ctx, w.bo, id, b, ""); !errors.Is(err, wiki.ErrRefused) {
				t.Errorf("a banned account adds an item: %v", err)
			}
			if err := w.svc.Track(ctx, w.bo, a, lists.TrackInput{Status: lists.Watching}); !errors.Is(err, wiki.ErrRefused) {
				t.Errorf("a banned account tracks a work: %v", err)
			}
		})
	}
}

// TestTrackingLimit checks that an account tracking MaxTracked works may change their tracking
// but not track another, by hand or by import.
func TestTrackingLimit(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, engine)
			// bo tracks MaxTracked-1 works made for the test, written directly: through Track it
			// would take minutes.
			for _, q := range []string{
				`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
				INSERT INTO entities (id, kind, head, name, name_key, segment, created_at, updated_at)
				SELECT 1000000 + i, 'work', 1, 'filler', 'filler', 'filler-' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n`,
				`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
				INSERT INTO tracking (user_id, work_id, status, updated_at)
				SELECT ` + fmt.Sprint(w.bo.ID) + `, 1000000 + i, 'watching', CURRENT_TIMESTAMP FROM n`,
			} {
				if _, err := w.store.DB().ExecContext(ctx, fmt.Sprintf(q, lists.MaxTracked-1)); err != nil {
					t.Fatal(err)
				}
			}
			a, b := w.works[0], w.works[1]
			if err := w.svc.Track(ctx, w.bo, a, lists.TrackInput{Status: lists.Watching, Episodes: 3}); err != nil {
				t.Fatalf("the last work bo may track: %v", err)
			}
			if err := w.svc.Track(ctx, w.bo, b, lists.TrackInput{Status: lists.Watching}); !errors.Is(err, wiki.ErrRefused) {
				t.Errorf("a work over the limit: %v, want refused", err)
			}
			if err := w.svc.Track(ctx, w.bo, a, lists.TrackInput{Status: lists.Completed, Score: 8}); err != nil {
				t.Errorf("changing a tracked work at the limit: %v", err)
			}
			if got, err := w.store.Tracking(ctx, w.bo.ID, a); err != nil || got.Status != string(lists.Completed) || got.Score != 8 {
				t.Errorf("bo's tracking = %+v, %v", got, err)
			}
			if n, err := w.store.CountTracking(ctx, w.bo.ID); err != nil || n != lists.MaxTracked {
				t.Errorf("bo tracks %d works (%v), want %d", n, err, lists.MaxTracked)
			}
			// The export holds Cowboy Bebop, tracked already, and Trigun, one too many.
			if _, err := w.svc.ImportMAL(ctx, w.bo, strings.NewReader(export)); !errors.Is(err, wiki.ErrRefused) {
				t.Errorf("an import over the limit: %v, want refused", err)
			}
		})
	}
}

func rebind(engine store.Engine, q string) string {
	if engine == store.Postgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

func TestTracking(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, engine)
			work := w.works[0]
			for _, in := range []lists.TrackInput{
				{Status: "binge"}, {Status: lists.Watching, Episodes: 27}, {Status: lists.Watching, Episodes: -1},
				{Status: lists.Watching, Score: 11}, {Status: lists.Completed, Started: "2024-13"},
				{Status: lists.Completed, Started: "2024-05-02", Finished: "2024-05-01"},
			} {
				var ve *wiki.ValidationError
				if err := w.svc.Track(ctx, w.bo, work, in); !errors.As(err, &ve) {
					t.Errorf("%+v: %v, want a validation error", in, err)
				}
			}
			if err := w.svc.Track(ctx, w.bo, w.person, lists.TrackInput{Status: lists.Watching}); err == nil {
				t.Error("a person was tracked")
			}
			for _, tr := range []struct {
				who   store.User
				score int
			}{{w.bo, 8}, {w.ann, 6}, {w.admin, 10}, {w.bo, 7}} {
				if err := w.svc.Track(ctx, tr.who, work, lists.TrackInput{Status: lists.Completed, Score: tr.score, Started: "2024", Finished: "2024-03"}); err != nil {
					t.Fatal(err)
				}
			}
			sum, err := w.svc.WorkSummary(ctx, work)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Count != 3 || sum.MeanText() != "7.67" || sum.Counts[7] != 1 || sum.Counts[8] != 0 {
				t.Errorf("summary = %+v (mean %s)", sum, sum.MeanText())
			}
			got, err := w.store.Tracking(ctx, w.bo.ID, work)
			if err != nil || got.Episodes != 26 || got.Started != "2024" || got.Finished != "2024-03" {
				t.Errorf("bo's tracking = %+v, %v; a work completed has all its episodes seen", got, err)
			}
			if err := w.svc.Track(ctx, w.bo, work, lists.TrackInput{}); err != nil {
				t.Fatal(err)
			}
			if sum, _ := w.svc.WorkSummary(ctx, work); sum.Count != 2 {
				t.Errorf("count after bo took the work off = %d, want 2", sum.Count)
			}
			// Private tracking is the account's own.
			if err := w.svc.SetPrivate(ctx, w.ann, true); err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.svc.Tracked(ctx, &w.bo, w.ann, ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("bo reads ann's private tracking: %v", err)
			}
			if list, counts, err := w.svc.Tracked(ctx, &w.ann, w.ann, lists.Completed); err != nil || len(list) != 1 || counts["completed"] != 1 {
				t.Errorf("ann's own tracking: %v %v %v", list, counts, err)
			}
		})
	}
}

func TestSummaryBars(t *testing.T) {
	var counts [11]int
	counts[10], counts[9], counts[1] = 4, 2, 1
	bars := lists.Summarize(counts).Bars()
	got := map[int]int{}
	for _, b := range bars {
		got[b.Score] = b.Tenths
	}
	if want := map[int]int{10: 10, 9: 5, 8: 0, 7: 0, 6: 0, 5: 0, 4: 0, 3: 0, 2: 0, 1: 3}; !cmp.Equal(got, want) {
		t.Errorf("bars = %v, want %v", got, want)
	}
	if bars[0].Score != 10 {
		t.Errorf("bars start at %d, want 10", bars[0].Score)
	}
}

// TestMergeMovesReaders merges a duplicate work into the kept one: lists and tracking of the
// duplicate follow, a list holding both keeps the kept page once, and the scores count again.
func TestMergeMovesReaders(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, engine)
			kept, dup, other := w.works[0], w.works[1], w.works[2]
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			both, err := w.svc.CreateList(ctx, w.bo, lists.ListInput{Name: "Both", Public: true})
			must(err)
			for _, e := range []int64{dup, other, kept} {
				must(w.svc.AddItem(ctx, w.bo, both, e, ""))
			}
			one, err := w.svc.CreateList(ctx, w.ann, lists.ListInput{Name: "One", Public: true})
			must(err)
			must(w.svc.AddItem(ctx, w.ann, one, dup, "the duplicate"))
			must(w.svc.Track(ctx, w.bo, kept, lists.TrackInput{Status: lists.Completed, Score: 9}))
			must(w.svc.Track(ctx, w.bo, dup, lists.TrackInput{Status: lists.Dropped, Score: 2}))
			must(w.svc.Track(ctx, w.ann, dup, lists.TrackInput{Status: lists.Watching, Score: 7}))

			if _, err := (&edit.Service{Store: w.store}).Merge(ctx, w.admin.ID, "duplicate", dup, kept); err != nil {
				t.Fatal(err)
			}
			ids := func(list int64) []int64 {
				_, items, err := w.svc.List(ctx, nil, list)
				must(err)
				var out []int64
				for i, it := range items {
					if it.Position != i+1 {
						t.Errorf("list %d: item %d at position %d", list, i, it.Position)
					}
					out = append(out, it.Entity.ID)
				}
				return out
			}
			if got := ids(both); !cmp.Equal(got, []int64{other, kept}) {
				t.Errorf("the list holding both: %v, want %v", got, []int64{other, kept})
			}
			if got := ids(one); !cmp.Equal(got, []int64{kept}) {
				t.Errorf("the list holding the duplicate: %v, want %v", got, []int64{kept})
			}
			if tr, err := w.store.Tracking(ctx, w.bo.ID, kept); err != nil || tr.Score != 9 {
				t.Errorf("bo's tracking of the kept work: %+v, %v", tr, err)
			}
			if tr, err := w.store.Tracking(ctx, w.ann.ID, kept); err != nil || tr.Score != 7 {
				t.Errorf("ann's tracking moved: %+v, %v", tr, err)
			}
			if sum, _ := w.svc.WorkSummary(ctx, kept); sum.Count != 2 || sum.Counts[9] != 1 || sum.Counts[7] != 1 {
				t.Errorf("kept work's scores: %+v", sum)
			}
			if sum, _ := w.svc.WorkSummary(ctx, dup); sum.Count != 0 {
				t.Errorf("the duplicate still has scores: %+v", sum)
			}
		})
	}
}
