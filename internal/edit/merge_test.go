package edit_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// mergeFixture is a wiki with one person under two pages: "Satoshi Kon" (dup), credited on
// Memories and voicing a character of Paprika, and "今敏 / Kon Satoshi" (kept), credited on
// Paprika and, in the same role as dup, on Perfect Blue.
type mergeFixture struct {
	s                          *store.Store
	svc                        *edit.Service
	mod, ann                   int64
	dup, kept, char            int64
	memories, paprika, perfect int64
}

func newMergeFixture(t *testing.T, s *store.Store) *mergeFixture {
	t.Helper()
	ctx := context.Background()
	f := &mergeFixture{s: s, svc: &edit.Service{Store: s}, mod: mustUserAs(t, s, "mod", auth.RoleModerator), ann: mustUser(t, s, "ann")}
	_, err := f.svc.Apply(ctx, f.ann, "New pages", func(c *edit.Changes) error {
		var err error
		if f.dup, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon", BirthPlace: "Sapporo", BirthDate: "1963-10-12",
			ExternalIDs: []wiki.ExternalID{{Site: "madb", ID: "M100"}, {Site: "wikidata", ID: "Q1"}}}); err != nil {
			return err
		}
		if f.kept, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Kon Satoshi", NativeName: "今敏", BirthDate: "1963-10-13",
			ExternalIDs: []wiki.ExternalID{{Site: "wikidata", ID: "Q2"}}}); err != nil {
			return err
		}
		if f.char, err = c.Create(ctx, wiki.KindCharacter, &wiki.Character{Name: "Paprika"}); err != nil {
			return err
		}
		if f.memories, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm,
			Credits: []wiki.Credit{{Key: "c1", Person: wiki.Ref(f.dup), Role: "Writer", Note: "Magnetic Rose"}}}); err != nil {
			return err
		}
		if f.paprika, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Paprika", Medium: wiki.MediumFilm,
			Credits: []wiki.Credit{{Key: "c1", Person: wiki.Ref(f.kept), Role: "Director"}},
			Cast: []wiki.CastMember{{Key: "m1", Character: wiki.Ref(f.char), Role: "Main",
				Voices: []wiki.Voice{{Language: "ja", Person: wiki.Ref(f.dup)}}}}}); err != nil {
			return err
		}
		f.perfect, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Perfect Blue", Medium: wiki.MediumFilm,
			Credits: []wiki.Credit{{Key: "c1", Person: wiki.Ref(f.kept), Role: "Director"},
				{Key: "c2", Person: wiki.Ref(f.dup), Role: "director", Note: "his first film"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// heads reads the current documents of the given entities as JSON, to compare states.
func heads(t *testing.T, s *store.Store, ids ...int64) map[int64]string {
	t.Helper()
	docs, err := s.HeadDocumentsByID(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for id, h := range docs {
		out[id] = string(h.Document)
	}
	return out
}

func headDoc[D wiki.Document](t *testing.T, s *store.Store, id int64) D {
	t.Helper()
	e, err := s.Entity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Revision(context.Background(), id, e.Head)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := wiki.Decode(e.Kind, r.Document)
	if err != nil {
		t.Fatal(err)
	}
	return doc.(D)
}

func creditTargets(t *testing.T, s *store.Store, person int64) []int64 {
	t.Helper()
	links, err := s.LinksTo(context.Background(), person, wiki.RelCredit, wiki.RelVoice)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, l := range links {
		out = append(out, l.From.ID)
	}
	slices.Sort(out)
	return out
}

func peopleFound(t *testing.T, s *store.Store, q string) []int64 {
	t.Helper()
	res, err := search.Search(context.Background(), s, search.Query{Text: q, Kinds: []wiki.Kind{wiki.KindPerson}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range res.Results {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

func TestMergePeopleAndRevert(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newMergeFixture(t, s)
		reader := mustUserAs(t, s, "reader", auth.RoleEditor)
		if err := s.Watch(ctx, reader, f.dup); err != nil {
			t.Fatal(err)
		}
		all := []int64{f.dup, f.kept, f.char, f.memories, f.paprika, f.perfect}
		before := heads(t, s, all...)
		if got := peopleFound(t, s, "satoshi kon"); len(got) != 2 {
			t.Fatalf("before the merge, search finds %v, want both pages", got)
		}

		res, err := f.svc.Merge(ctx, f.mod, "", f.dup, f.kept)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != store.StatusAccepted {
			t.Fatalf("merge status = %s", res.Status)
		}
		if u, err := s.UserByID(ctx, f.mod); err != nil || u.Points != 0 {
			t.Errorf("moderator's points after the merge = %d, %v; want none (a merge adds no facts)", u.Points, err)
		}

		// The merged page is a redirect, with its history.
		e, err := s.Entity(ctx, f.dup)
		if err != nil || e.MergedInto != f.kept {
			t.Fatalf("merged entity = %+v, %v; want a redirect to %d", e, err, f.kept)
		}
		revs, err := s.Revisions(ctx, f.dup)
		if err != nil || len(revs) != 2 || revs[0].ChangesetID != res.Changeset {
			t.Fatalf("history of the merged page = %+v, %v; want its revision and the merge's", revs, err)
		}
		// Every reference follows: the credit, the voice, and the second credit in one role is
		// one credit, with the note it had.
		if got, want := creditTargets(t, s, f.kept), []int64{f.memories, f.paprika, f.paprika, f.perfect}; !slices.Equal(got, want) {
			t.Errorf("works crediting the kept page = %v, want %v", got, want)
		}
		if got := creditTargets(t, s, f.dup); len(got) != 0 {
			t.Errorf("works still crediting the merged page: %v", got)
		}
		perfect := headDoc[*wiki.Work](t, s, f.perfect)
		if len(perfect.Credits) != 1 || perfect.Credits[0].Note != "his first film" {
			t.Errorf("Perfect Blue's credits = %+v, want one Director credit with the note", perfect.Credits)
		}
		paprika := headDoc[*wiki.Work](t, s, f.paprika)
		if v := paprika.Cast[0].Voices; len(v) != 1 || int64(v[0].Person) != f.kept {
			t.Errorf("Paprika's voice = %+v, want the kept page", v)
		}
		// The kept page took what it lacked and kept its own values.
		kept := headDoc[*wiki.Person](t, s, f.kept)
		if kept.BirthPlace != "Sapporo" || kept.BirthDate != "1963-10-13" || !slices.Contains(kept.Aliases, "Satoshi Kon") {
			t.Errorf("kept page = %+v; want the birth place taken, its birth date kept and the alias", kept)
		}
		if !slices.Contains(kept.ExternalIDs, wiki.ExternalID{Site: "madb", ID: "M100"}) || slices.Contains(kept.ExternalIDs, wiki.ExternalID{Site: "wikidata", ID: "Q1"}) {
			t.Errorf("kept ids = %+v; want madb M100 taken and its own wikidata id kept", kept.ExternalIDs)
		}
		cs, err := s.Changeset(ctx, res.Changeset)
		if err != nil || !strings.Contains(cs.Summary, "birth date") || !strings.Contains(cs.Summary, "Wikidata Q1") {
			t.Errorf("summary = %q, %v; want it to name the birth date and the id left on the redirect", cs.Summary, err)
		}
		// Ids lead to the kept page, or to the redirect that leads on.
		if x, err := s.EntityByExternalID(ctx, "madb", "M100"); err != nil || x.ID != f.kept {
			t.Errorf("madb M100 = %d, %v; want the kept page", x.ID, err)
		}
		if x, err := s.EntityByExternalID(ctx, "wikidata", "Q1"); err != nil || x.ID != f.dup || x.MergedInto != f.kept {
			t.Errorf("wikidata Q1 = %+v, %v; want the redirect", x, err)
		}
		// Search finds one page, by either name.
		for _, q := range []string{"satoshi kon", "kon satoshi"} {
			if got := peopleFound(t, s, q); !slices.Equal(got, []int64{f.kept}) {
				t.Errorf("search %q finds %v, want only the kept page %d", q, got, f.kept)
			}
		}
		if list, err := s.EntitiesByName(ctx, wiki.KindPerson, "Satoshi Kon"); err != nil || len(list) != 0 {
			t.Errorf("pages named Satoshi Kon = %+v, %v; want none (the redirect is left out)", list, err)
		}
		if w, err := s.Watched(ctx, reader); err != nil || len(w) != 1 || w[0].ID != f.kept {
			t.Errorf("watchlist = %+v, %v; want the kept page", w, err)
		}
		// The redirect cannot be edited.
		_, err = f.svc.Apply(ctx, f.ann, "", func(c *edit.Changes) error {
			return c.Update(ctx, f.dup, e.Head, &wiki.Person{Name: "Satoshi Kon"})
		})
		var ve *wiki.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("edit of the redirect: err = %v, want a validation error", err)
		}

		// Reverting the merge, from the merged page's history, restores everything.
		if _, err := f.svc.Revert(ctx, f.mod, f.dup, 1, ""); err != nil {
			t.Fatal(err)
		}
		after := heads(t, s, all...)
		for _, id := range all {
			if after[id] != before[id] {
				t.Errorf("entity %d after the revert:\n%s\nwant\n%s", id, after[id], before[id])
			}
		}
		if e, _ := s.Entity(ctx, f.dup); e.MergedInto != 0 {
			t.Errorf("merged page after the revert redirects to %d", e.MergedInto)
		}
		if got, want := creditTargets(t, s, f.dup), []int64{f.memories, f.paprika, f.perfect}; !slices.Equal(got, want) {
			t.Errorf("works crediting the merged page after the revert = %v, want %v", got, want)
		}
		if got := peopleFound(t, s, "satoshi kon"); len(got) != 2 {
			t.Errorf("after the revert, search finds %v, want both pages", got)
		}
		if x, err := s.EntityByExternalID(ctx, "madb", "M100"); err != nil || x.ID != f.dup {
			t.Errorf("madb M100 after the revert = %d, %v; want the merged page", x.ID, err)
		}
		// A second revert finds nothing to undo.
		if _, err := f.svc.RevertMerge(ctx, f.mod, res.Changeset, ""); !errors.As(err, &ve) {
			t.Errorf("second revert: err = %v, want a validation error", err)
		}
	})
}

// An edit made before the merge and approved after it points to the kept page.
func TestMergeQueuedEditFollows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newMergeFixture(t, s)
		newbie := mustUserAs(t, s, "newbie", auth.RoleEditor)
		res, err := f.svc.UpdateWork(ctx, newbie, "music", f.memories, 1, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			w.Credits = append(w.Credits, wiki.Credit{Key: "c9", Person: wiki.Ref(f.dup), Role: "Music"})
			return nil
		})
		if err != nil || res.Status != store.StatusPending {
			t.Fatalf("queued edit = %+v, %v", res, err)
		}
		if _, err := f.svc.Merge(ctx, f.mod, "same person", f.dup, f.kept); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Approve(ctx, res.Changeset, f.mod); err != nil {
			t.Fatal(err)
		}
		w := headDoc[*wiki.Work](t, s, f.memories)
		for _, c := range w.Credits {
			if int64(c.Person) != f.kept {
				t.Errorf("credit %+v points to %d, want the kept page %d", c, c.Person, f.kept)
			}
		}
		if len(w.Credits) != 2 {
			t.Errorf("credits = %+v, want the writer and the music", w.Credits)
		}
	})
}

func TestMergeRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newMergeFixture(t, s)
		var other, locked int64
		_, err := f.svc.Apply(ctx, f.ann, "", func(c *edit.Changes) error {
			var err error
			if other, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Someone"}); err != nil {
				return err
			}
			locked, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Locked"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetLocked(ctx, f.mod, locked, true); err != nil {
			t.Fatal(err)
		}
		newbie := mustUserAs(t, s, "newbie", auth.RoleEditor)
		var waiting int64
		if _, err := f.svc.Update(ctx, newbie, "note", f.char, 1, func(ctx context.Context, c *edit.Changes, doc wiki.Document) error {
			doc.(*wiki.Character).Summary = "A dream detective."
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.Apply(ctx, newbie, "", func(c *edit.Changes) error {
			var err error
			waiting, err = c.Create(ctx, wiki.KindPerson, &wiki.Person{Name: "Not yet"})
			return err
		})
		if err != nil || res.Status != store.StatusPending {
			t.Fatal(res, err)
		}
		redirect := other
		if _, err := f.svc.Merge(ctx, f.mod, "", redirect, f.kept); err != nil {
			t.Fatal(err)
		}
		var other2 int64
		if _, err := f.svc.Apply(ctx, f.ann, "", func(c *edit.Changes) error {
			var err error
			other2, err = c.Create(ctx, wiki.KindCharacter, &wiki.Character{Name: "Chiba"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name       string
			by         int64
			from, into int64
			want       string
		}{
			{"into itself", f.mod, f.dup, f.dup, "into itself"},
			{"across kinds", f.mod, f.dup, f.memories, "one kind"},
			{"into a redirect", f.mod, f.dup, redirect, "redirects to another page"},
			{"from a redirect", f.mod, redirect, f.dup, "already merged"},
			{"locked", f.mod, locked, f.dup, "locked"},
			{"pending edits", f.mod, other2, f.char, "waiting for review"},
			{"no page yet", f.mod, waiting, f.dup, "no page yet"},
			{"no such page", f.mod, 999999, f.dup, "no page #999999"},
			{"not a moderator", f.ann, f.dup, f.kept, "Only moderators"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := heads(t, s, f.dup, f.kept, f.memories)
				_, err := f.svc.Merge(ctx, tc.by, "", tc.from, tc.into)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want one saying %q", err, tc.want)
				}
				var ve *wiki.ValidationError
				var re *wiki.RefusedError
				if !errors.As(err, &ve) && !errors.As(err, &re) {
					t.Errorf("err = %T, want a validation error or a refusal", err)
				}
				if after := heads(t, s, f.dup, f.kept, f.memories); !equalMaps(before, after) {
					t.Errorf("a refused merge changed pages")
				}
			})
		}
	})
}

// Two works merge: the kept one takes the other's credits, genres and ids, relations between
// them vanish, and episodes follow unless both have one of a number.
func TestMergeWorks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newMergeFixture(t, s)
		var genre, dupWork, ep1, ep2 int64
		_, err := f.svc.Apply(ctx, f.ann, "", func(c *edit.Changes) error {
			var err error
			if genre, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Thriller"}); err != nil {
				return err
			}
			if dupWork, err = c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Pāfekuto burū", Medium: wiki.MediumFilm, StartDate: "1997",
				Genres:      []wiki.Ref{wiki.Ref(genre)},
				ExternalIDs: []wiki.ExternalID{{Site: "anidb", ID: "12"}},
				Credits:     []wiki.Credit{{Key: "x1", Person: wiki.Ref(f.dup), Role: "Director"}},
				Relations:   []wiki.Relation{{Key: "r1", Type: "Alternative version", Work: wiki.Ref(f.perfect)}}}); err != nil {
				return err
			}
			if ep1, err = edit.AddEpisode(ctx, c, dupWork, edit.EpisodeInput{Number: 1, Name: "One"}); err != nil {
				return err
			}
			ep2, err = edit.AddEpisode(ctx, c, f.perfect, edit.EpisodeInput{Number: 1, Name: "Uno"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Both have an episode 1: refused until those are merged.
		if _, err := f.svc.Merge(ctx, f.mod, "", dupWork, f.perfect); err == nil || !strings.Contains(err.Error(), "episode 1") {
			t.Fatalf("merge of works with one episode number each: err = %v", err)
		}
		if _, err := f.svc.Merge(ctx, f.mod, "", ep1, ep2); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Merge(ctx, f.mod, "", dupWork, f.perfect); err != nil {
			t.Fatal(err)
		}
		w := headDoc[*wiki.Work](t, s, f.perfect)
		if len(w.Relations) != 0 || !slices.Contains(w.Genres, wiki.Ref(genre)) || w.StartDate != "1997" ||
			!slices.Contains(w.Aliases, "Pāfekuto burū") || len(w.ExternalIDs) != 1 || len(w.Credits) != 2 {
			t.Errorf("kept work = %+v", w)
		}
		if x, err := s.EntityByExternalID(ctx, "anidb", "12"); err != nil || x.ID != f.perfect {
			t.Errorf("anidb 12 = %d, %v; want the kept work", x.ID, err)
		}
		if rows, err := s.WorksStarting(ctx, "1997", "1998", "", 10); err != nil || len(rows) != 1 || rows[0].ID != f.perfect {
			t.Errorf("works of 1997 = %+v, %v; want only the kept one", rows, err)
		}
		links, err := s.LinksTo(ctx, f.perfect, wiki.RelEpisodeOf)
		if err != nil || len(links) != 1 {
			t.Errorf("episodes of the kept work = %+v, %v; want one (the other was merged)", links, err)
		}
	})
}

func equalMaps(a, b map[int64]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Genres merge like people: the works' lists name the kept genre once. A genre more than
// MaxMergeReferrers works name is refused whole.
func TestMergeTopics(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newMergeFixture(t, s)
		var scifi, sf, common, other int64
		var works []int64
		_, err := f.svc.Apply(ctx, f.ann, "", func(c *edit.Changes) error {
			var err error
			if scifi, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Sci-fi"}); err != nil {
				return err
			}
			if sf, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Science fiction", Summary: "Imagined science."}); err != nil {
				return err
			}
			if common, err = c.Create(ctx, wiki.KindGenre, &wiki.Topic{Name: "Drama"}); err != nil {
				return err
			}
			if other, err = c.Create(ctx, wiki.KindTheme, &wiki.Topic{Name: "Dreams"}); err != nil {
				return err
			}
			for i := range 2 {
				id, err := c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Work " + string(rune('A'+i)),
					Genres: []wiki.Ref{wiki.Ref(scifi), wiki.Ref(sf)}[:i+1]})
				if err != nil {
					return err
				}
				works = append(works, id)
			}
			for range edit.MaxMergeReferrers + 1 {
				if _, err := c.Create(ctx, wiki.KindWork, &wiki.Work{Name: "Drama", Genres: []wiki.Ref{wiki.Ref(common)}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Merge(ctx, f.mod, "", scifi, other); err == nil || !strings.Contains(err.Error(), "one kind") {
			t.Errorf("genre into theme: err = %v", err)
		}
		if _, err := f.svc.Merge(ctx, f.mod, "", common, sf); err == nil || !strings.Contains(err.Error(), "more than 500 pages") {
			t.Errorf("genre of %d works: err = %v", edit.MaxMergeReferrers+1, err)
		}
		if _, err := f.svc.Merge(ctx, f.mod, "", scifi, sf); err != nil {
			t.Fatal(err)
		}
		for _, id := range works {
			if got := headDoc[*wiki.Work](t, s, id).Genres; !slices.Equal(got, []wiki.Ref{wiki.Ref(sf)}) {
				t.Errorf("genres of work %d = %v, want only the kept one", id, got)
			}
		}
		if got := headDoc[*wiki.Topic](t, s, sf); !slices.Equal(got.Aliases, []string{"Sci-fi"}) {
			t.Errorf("kept genre's aliases = %v", got.Aliases)
		}
	})
}

// Merges chain: A into B, then B into C. A reference to A made later goes to C; the first merge
// is reverted only after the second.
func TestMergeChain(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newMergeFixture(t, s)
		third, _, err := f.svc.Create(ctx, f.ann, "", wiki.KindPerson, &wiki.Person{Name: "S. Kon"})
		if err != nil {
			t.Fatal(err)
		}
		first, err := f.svc.Merge(ctx, f.mod, "", f.dup, f.kept)
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.svc.Merge(ctx, f.mod, "", f.kept, third)
		if err != nil {
			t.Fatal(err)
		}
		if got := creditTargets(t, s, third); len(got) != 4 {
			t.Errorf("works crediting the last page = %v, want all four credits", got)
		}
		_, err = f.svc.UpdateWork(ctx, f.ann, "", f.memories, headOf(t, s, f.memories), func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			w.Credits = append(w.Credits, wiki.Credit{Key: "c8", Person: wiki.Ref(f.dup), Role: "Screenplay"})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if w := headDoc[*wiki.Work](t, s, f.memories); int64(w.Credits[len(w.Credits)-1].Person) != third {
			t.Errorf("a new credit of the first page points to %d, want %d", w.Credits[len(w.Credits)-1].Person, third)
		}
		if _, err := f.svc.RevertMerge(ctx, f.mod, first.Changeset, ""); err == nil || !strings.Contains(err.Error(), "revert that merge first") {
			t.Errorf("revert of the first merge before the second: err = %v", err)
		}
		if _, err := f.svc.RevertMerge(ctx, f.mod, second.Changeset, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RevertMerge(ctx, f.mod, first.Changeset, ""); err != nil {
			t.Fatal(err)
		}
		if e, _ := s.Entity(ctx, f.dup); e.MergedInto != 0 {
			t.Errorf("first page still redirects to %d", e.MergedInto)
		}
	})
}

func headOf(t *testing.T, s *store.Store, id int64) int {
	t.Helper()
	e, err := s.Entity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e.Head
}
