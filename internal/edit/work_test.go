package edit_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// newWork creates a work as author and returns its id.
func newWork(t *testing.T, svc *edit.Service, author int64, name string) int64 {
	t.Helper()
	id, _, err := svc.Create(context.Background(), author, "new", wiki.KindWork, &wiki.Work{Name: name, Medium: wiki.MediumFilm})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// current reads the current document of entity id.
func current[D wiki.Document](t *testing.T, s *store.Store, id int64) D {
	t.Helper()
	ctx := context.Background()
	e, err := s.Entity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Revision(ctx, id, e.Head)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := wiki.Decode(e.Kind, r.Document)
	if err != nil {
		t.Fatal(err)
	}
	return doc.(D)
}

// head is the current revision of entity id.
func head(t *testing.T, s *store.Store, id int64) int {
	t.Helper()
	e, err := s.Entity(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e.Head
}

// wantInvalid fails unless err is a validation error saying want.
func wantInvalid(t *testing.T, what string, err error, want string) {
	t.Helper()
	var ve *wiki.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: err = %v, want a validation error saying %q", what, err, want)
	}
}

func count(t *testing.T, s *store.Store, query string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestParseChoice(t *testing.T) {
	tests := []struct {
		text     string
		forceNew bool
		want     edit.Choice
	}{
		{"Satoshi Kon", false, edit.Choice{Name: "Satoshi Kon"}},
		{"  Satoshi \t Kon ", false, edit.Choice{Name: "Satoshi Kon"}},
		{"Satoshi Kon (#12)", false, edit.Choice{Name: "Satoshi Kon", ID: 12}},
		{"Satoshi Kon(#12)", false, edit.Choice{Name: "Satoshi Kon", ID: 12}},
		{"(#12)", false, edit.Choice{ID: 12}},
		{"Satoshi Kon (#12)", true, edit.Choice{Name: "Satoshi Kon (#12)", New: true}},
		{"Satoshi Kon (#twelve)", false, edit.Choice{Name: "Satoshi Kon (#twelve)"}},
		{"Kon (#1234567890123456789012)", false, edit.Choice{Name: "Kon (#1234567890123456789012)"}},
		{"", false, edit.Choice{}},
		{"   ", true, edit.Choice{New: true}},
	}
	for _, tt := range tests {
		got := edit.ParseChoice(tt.text, tt.forceNew)
		if got != tt.want {
			t.Errorf("ParseChoice(%q, %v) = %+v, want %+v", tt.text, tt.forceNew, got, tt.want)
		}
		if tt.want.ID != 0 {
			if again := edit.ParseChoice(got.String(), false); again != got {
				t.Errorf("ParseChoice(%q) = %+v, want %+v back", got.String(), again, got)
			}
		}
	}
}

// A credit that names a person with no page makes the page in the same changeset, whether the
// changeset is accepted at once or waits for review.
func TestAddCreditCreatesPerson(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		work := newWork(t, svc, ann, "Memories")
		res, err := svc.UpdateWork(ctx, ann, "writer", work, 1, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			return edit.AddCredit(ctx, c, w, edit.CreditInput{Person: edit.ParseChoice(" Satoshi  Kon ", false), Role: " Writer ", Note: " Script "})
		})
		if err != nil {
			t.Fatal(err)
		}
		kon, err := s.EntitiesByName(ctx, wiki.KindPerson, "Satoshi Kon")
		if err != nil || len(kon) != 1 {
			t.Fatalf("people named Satoshi Kon = %v, %v; want one", kon, err)
		}
		if res.Status != store.StatusAccepted || !slices.Contains(res.Entities, kon[0].ID) || !slices.Contains(res.Entities, work) {
			t.Errorf("result = %+v, want one accepted changeset with the work and %d", res, kon[0].ID)
		}
		for _, id := range []int64{work, kon[0].ID} {
			e, _ := s.Entity(ctx, id)
			r, err := s.Revision(ctx, id, e.Head)
			if err != nil || r.ChangesetID != res.Changeset {
				t.Errorf("entity %d: head revision in changeset %d (%v), want %d", id, r.ChangesetID, err, res.Changeset)
			}
		}
		w := current[*wiki.Work](t, s, work)
		want := []wiki.Credit{{Key: w.Credits[0].Key, Person: wiki.Ref(kon[0].ID), Role: "Writer", Note: "Script"}}
		if diff := cmp.Diff(w.Credits, want); diff != "" {
			t.Errorf("credits (-got +want):\n%s", diff)
		}
		// The same name again picks the same person.
		_, err = svc.UpdateWork(ctx, ann, "director", work, 2, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			return edit.AddCredit(ctx, c, w, edit.CreditInput{Person: edit.Choice{Name: "satoshi kon"}, Role: "Director"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM entities WHERE kind = 'person'`); n != 1 {
			t.Errorf("person pages = %d, want 1", n)
		}

		// A new editor's changeset waits for review; a person named twice in it is proposed once.
		bob := mustUserAs(t, s, "bob", auth.RoleEditor)
		res, err = svc.UpdateWork(ctx, bob, "cast", work, 3, func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			megumi := edit.Choice{Name: "Megumi Hayashibara"}
			if err := edit.AddCredit(ctx, c, w, edit.CreditInput{Person: megumi, Role: "Theme song"}); err != nil {
				return err
			}
			return edit.AddCast(ctx, c, w, edit.CastInput{Character: edit.Choice{Name: "Eva Friedel"},
				Voices: []edit.VoiceInput{{Language: "ja", Person: megumi}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != store.StatusPending || len(res.Entities) != 3 {
			t.Errorf("result = %+v, want a pending changeset of the work, a person and a character", res)
		}
		if list, _ := s.EntitiesByName(ctx, wiki.KindPerson, "Megumi Hayashibara"); len(list) != 0 {
			t.Errorf("the proposed person has a page before review: %v", list)
		}
		if got := head(t, s, work); got != 3 {
			t.Errorf("work head = %d after a pending edit, want 3", got)
		}
	})
}

// A plain name that two pages share is refused with both listed; "Name (#id)" picks one, and
// New makes a third.
func TestPickAmbiguousName(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		var ids []int64
		for _, summary := range []string{"Animator.", "Composer."} {
			id, _, err := svc.Create(ctx, ann, "new", wiki.KindPerson, &wiki.Person{Name: "Hiroshi Tanaka", Summary: summary})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		work := newWork(t, svc, ann, "Tokyo Story")
		credit := func(ch edit.Choice) error {
			_, err := svc.UpdateWork(ctx, ann, "music", work, head(t, s, work), func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddCredit(ctx, c, w, edit.CreditInput{Person: ch, Role: "Music"})
			})
			return err
		}
		err := credit(edit.Choice{Name: "Hiroshi Tanaka"})
		for _, id := range ids {
			wantInvalid(t, "ambiguous name", err, "Hiroshi Tanaka (#"+strconv.FormatInt(id, 10)+")")
		}
		wantInvalid(t, "ambiguous name", err, "person: several pages are named")
		if got := head(t, s, work); got != 1 {
			t.Errorf("work head after a refused credit = %d, want 1", got)
		}

		if err := credit(edit.ParseChoice("Hiroshi Tanaka (#"+strconv.FormatInt(ids[1], 10)+")", false)); err != nil {
			t.Fatal(err)
		}
		if got := current[*wiki.Work](t, s, work).Credits[0].Person; got != wiki.Ref(ids[1]) {
			t.Errorf("credit names %d, want %d", got, ids[1])
		}
		wantInvalid(t, "id of another kind", credit(edit.Choice{Name: "Tokyo Story", ID: work}), "person: there is no person #")
		if err := credit(edit.ParseChoice("Hiroshi Tanaka", true)); err != nil {
			t.Fatalf("a new Hiroshi Tanaka: %v", err)
		}
		if list, _ := s.EntitiesByName(ctx, wiki.KindPerson, "Hiroshi Tanaka"); len(list) != 3 {
			t.Errorf("people named Hiroshi Tanaka = %d, want 3", len(list))
		}
	})
}

func TestAddCastWithVoices(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		work := newWork(t, svc, ann, "Memories")
		ogawa, _, err := svc.Create(ctx, ann, "new", wiki.KindPerson, &wiki.Person{Name: "Shinji Ogawa"})
		if err != nil {
			t.Fatal(err)
		}
		cast := func(in edit.CastInput) error {
			_, err := svc.UpdateWork(ctx, ann, "cast", work, head(t, s, work), func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddCast(ctx, c, w, in)
			})
			return err
		}
		wantInvalid(t, "voices without a character", cast(edit.CastInput{Voices: []edit.VoiceInput{{Language: "ja", Person: edit.Choice{Name: "X"}}}}),
			"name the character the voice actors play")
		wantInvalid(t, "voice without a language", cast(edit.CastInput{Character: edit.Choice{Name: "Heintz"},
			Voices: []edit.VoiceInput{{Person: edit.Choice{Name: "Shinji Ogawa"}}}}), `voice actor "Shinji Ogawa" needs the language`)
		err = cast(edit.CastInput{Character: edit.Choice{Name: "Heintz Beckner"}, Role: " Main ", Voices: []edit.VoiceInput{
			{Language: " ja ", Person: edit.ParseChoice("Shinji Ogawa (#"+strconv.FormatInt(ogawa, 10)+")", false)},
			{Language: "en", Person: edit.Choice{Name: "Richard Epcar"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		heintz, _ := s.EntitiesByName(ctx, wiki.KindCharacter, "Heintz Beckner")
		epcar, _ := s.EntitiesByName(ctx, wiki.KindPerson, "Richard Epcar")
		if len(heintz) != 1 || len(epcar) != 1 {
			t.Fatalf("character %v and voice actor %v, want one page each", heintz, epcar)
		}
		w := current[*wiki.Work](t, s, work)
		want := []wiki.CastMember{{Key: w.Cast[0].Key, Character: wiki.Ref(heintz[0].ID), Role: "Main", Voices: []wiki.Voice{
			{Language: "ja", Person: wiki.Ref(ogawa)}, {Language: "en", Person: wiki.Ref(epcar[0].ID)}}}}
		if diff := cmp.Diff(w.Cast, want); diff != "" {
			t.Errorf("cast (-got +want):\n%s", diff)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM entities WHERE kind = 'character'`); n != 1 {
			t.Errorf("character pages = %d after refused edits and one accepted, want 1", n)
		}
	})
}

// The other sections: releases, companies, references, aliases, franchise, relations, episodes,
// in-place edits and removals.
func TestWorkSections(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		work := newWork(t, svc, ann, "Memories")
		other := newWork(t, svc, ann, "Akira")
		update := func(fn func(ctx context.Context, c *edit.Changes, w *wiki.Work) error) error {
			_, err := svc.UpdateWork(ctx, ann, "edit", work, head(t, s, work), fn)
			return err
		}
		err := update(func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			edit.AddRelease(w, edit.ReleaseInput{Region: " jp ", Language: "ja", Title: " メモリーズ ", Date: "1995-12-23"})
			edit.AddRelease(w, edit.ReleaseInput{Region: "US", Language: "en", Title: "Memories", Date: "2004-02-24"})
			edit.SetAliases(w, []string{" Magnetic Rose ", "", "Cannon Fodder", "Magnetic Rose"})
			if err := edit.AddCompany(ctx, c, w, edit.CompanyInput{Company: edit.Choice{Name: "Studio 4°C"}, Role: "Animation studio"}); err != nil {
				return err
			}
			if err := edit.AddRef(ctx, c, work, &w.Genres, wiki.KindGenre, edit.Choice{Name: "Science fiction"}, true); err != nil {
				return err
			}
			if err := edit.AddRef(ctx, c, work, &w.Similar, wiki.KindWork, edit.Choice{Name: "Akira"}, false); err != nil {
				return err
			}
			if err := edit.SetFranchise(ctx, c, w, edit.Choice{Name: "Otomo works"}); err != nil {
				return err
			}
			if err := edit.AddRelation(ctx, c, work, w, edit.RelationInput{Type: "Spin-off", Work: edit.Choice{Name: "Akira"}}); err != nil {
				return err
			}
			return edit.AddCredit(ctx, c, w, edit.CreditInput{Person: edit.Choice{Name: "Yoko Kanno"}, Role: "Music"})
		})
		if err != nil {
			t.Fatal(err)
		}
		w := current[*wiki.Work](t, s, work)
		if got, want := w.Releases[0], (wiki.Release{Key: w.Releases[0].Key, Region: "JP", Language: "ja", Title: "メモリーズ", Date: "1995-12-23"}); got != want {
			t.Errorf("release = %+v, want %+v", got, want)
		}
		if diff := cmp.Diff(w.Aliases, []string{"Magnetic Rose", "Cannon Fodder"}); diff != "" {
			t.Errorf("aliases (-got +want):\n%s", diff)
		}
		if len(w.Companies) != 1 || len(w.Genres) != 1 || w.Franchise == 0 || len(w.Relations) != 1 || w.Relations[0].Work != wiki.Ref(other) {
			t.Errorf("work = %+v, want a company, a genre, a franchise and a relation to %d", w, other)
		}
		if diff := cmp.Diff(w.Similar, []wiki.Ref{wiki.Ref(other)}); diff != "" {
			t.Errorf("similar (-got +want):\n%s", diff)
		}

		refused := []struct {
			name string
			fn   func(ctx context.Context, c *edit.Changes, w *wiki.Work) error
			says string
		}{
			{"credit without role", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddCredit(ctx, c, w, edit.CreditInput{Person: edit.Choice{Name: "Someone"}, Role: " "})
			}, "the new credit needs a role"},
			{"credit without person", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddCredit(ctx, c, w, edit.CreditInput{Role: "Music"})
			}, "person is required"},
			{"company without role", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddCompany(ctx, c, w, edit.CompanyInput{Company: edit.Choice{Name: "Madhouse"}})
			}, "the company needs a role"},
			{"bad release date", func(_ context.Context, _ *edit.Changes, w *wiki.Work) error {
				edit.AddRelease(w, edit.ReleaseInput{Region: "FR", Title: "Memories", Date: "23.12.1995"})
				return nil
			}, "is not a date"},
			{"genre twice", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddRef(ctx, c, work, &w.Genres, wiki.KindGenre, edit.Choice{Name: "science  fiction"}, true)
			}, "science fiction is already listed"},
			{"similar to itself", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddRef(ctx, c, work, &w.Similar, wiki.KindWork, edit.Choice{ID: work}, false)
			}, "a work cannot point to itself"},
			{"similar to no work", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddRef(ctx, c, work, &w.Similar, wiki.KindWork, edit.Choice{Name: "Nothing"}, true)
			}, `Work: there is no work named "Nothing"`},
			{"relation of no kind", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddRelation(ctx, c, work, w, edit.RelationInput{Type: "Cousin", Work: edit.Choice{Name: "Akira"}})
			}, "choose the kind of relation"},
			{"relation to itself", func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
				return edit.AddRelation(ctx, c, work, w, edit.RelationInput{Type: "Sequel", Work: edit.Choice{Name: "Memories"}})
			}, "a work cannot be related to itself"},
			{"edit a missing credit", func(_ context.Context, _ *edit.Changes, w *wiki.Work) error {
				return edit.EditCredit(w, "nope", "Music", "")
			}, "there is no credit"},
			{"nameless episode", func(ctx context.Context, c *edit.Changes, _ *wiki.Work) error {
				_, err := edit.AddEpisode(ctx, c, work, edit.EpisodeInput{Segment: true})
				return err
			}, "give the episode or segment a name"},
			{"nothing", func(context.Context, *edit.Changes, *wiki.Work) error { return nil }, "the edit changes nothing"},
		}
		before := count(t, s, `SELECT COUNT(*) FROM revisions`)
		for _, tt := range refused {
			wantInvalid(t, tt.name, update(tt.fn), tt.says)
		}
		if after := count(t, s, `SELECT COUNT(*) FROM revisions`); after != before {
			t.Errorf("revisions went from %d to %d after refused edits", before, after)
		}

		// In-place edits and removals, and an episode, in one changeset.
		var episode int64
		err = update(func(ctx context.Context, c *edit.Changes, w *wiki.Work) error {
			if err := edit.EditCredit(w, w.Credits[0].Key, " Music ", " Magnetic Rose "); err != nil {
				return err
			}
			w.Releases = edit.RemoveItems(w.Releases, []string{w.Releases[1].Key, "unknown"})
			w.Genres = edit.RemoveItems(w.Genres, []string{w.Genres[0].ItemKey()})
			if err := edit.SetFranchise(ctx, c, w, edit.Choice{}); err != nil {
				return err
			}
			var err error
			episode, err = edit.AddEpisode(ctx, c, work, edit.EpisodeInput{Number: 1, Segment: true, Name: " Magnetic Rose ",
				OriginalName: "彼女の想いで", Romanized: "Kanojo no Omoide"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		w = current[*wiki.Work](t, s, work)
		if w.Credits[0].Role != "Music" || w.Credits[0].Note != "Magnetic Rose" || len(w.Releases) != 1 || w.Releases[0].Region != "JP" ||
			len(w.Genres) != 0 || w.Franchise != 0 {
			t.Errorf("work after edits and removals = %+v", w)
		}
		ep := current[*wiki.Episode](t, s, episode)
		if diff := cmp.Diff(ep, &wiki.Episode{Work: wiki.Ref(work), Number: 1, Segment: true, Name: "Magnetic Rose",
			OriginalName: "彼女の想いで", Romanized: "Kanojo no Omoide"}); diff != "" {
			t.Errorf("episode (-got +want):\n%s", diff)
		}

		// A segment's number is its own; an episode may share it with a segment.
		for _, tt := range []struct {
			in    edit.EpisodeInput
			valid bool
		}{
			{edit.EpisodeInput{Number: 1, Segment: true, Name: "Stink Bomb"}, false},
			{edit.EpisodeInput{Number: 1, Name: "Episode one"}, true},
			{edit.EpisodeInput{Number: 2, Segment: true, Name: "Stink Bomb"}, true},
		} {
			_, err := svc.Apply(ctx, ann, "episode", func(c *edit.Changes) error {
				_, err := edit.AddEpisode(ctx, c, work, tt.in)
				return err
			})
			var ve *wiki.ValidationError
			if tt.valid != (err == nil) || !tt.valid && !errors.As(err, &ve) {
				t.Errorf("%+v: %v, want valid %v", tt.in, err, tt.valid)
			}
		}
	})
}

// UpdateWork edits from the revision it is given: what others changed since is merged in, and
// a revision that does not exist is refused.
func TestUpdateWorkFromBase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := &edit.Service{Store: s}
		ann := mustUser(t, s, "ann")
		work := newWork(t, svc, ann, "Memories")
		for _, region := range []string{"JP", "US"} {
			_, err := svc.UpdateWork(ctx, ann, "release", work, 1, func(_ context.Context, _ *edit.Changes, w *wiki.Work) error {
				edit.AddRelease(w, edit.ReleaseInput{Region: region, Title: "Memories"})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := len(current[*wiki.Work](t, s, work).Releases); got != 2 {
			t.Errorf("releases after two edits from revision 1 = %d, want 2", got)
		}
		_, err := svc.UpdateWork(ctx, ann, "x", work, 7, func(context.Context, *edit.Changes, *wiki.Work) error { return nil })
		wantInvalid(t, "base from the future", err, "revision 7 of Memories does not exist")
		person, _, err := svc.Create(ctx, ann, "new", wiki.KindPerson, &wiki.Person{Name: "Satoshi Kon"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.UpdateWork(ctx, ann, "x", person, 1, func(context.Context, *edit.Changes, *wiki.Work) error { return nil })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateWork of a person: err = %v, want store.ErrNotFound", err)
		}
		_, err = svc.Update(ctx, ann, "born", person, 1, func(_ context.Context, _ *edit.Changes, doc wiki.Document) error {
			doc.(*wiki.Person).BirthDate = "1963-10-12"
			return nil
		})
		if err != nil || current[*wiki.Person](t, s, person).BirthDate != "1963-10-12" {
			t.Errorf("Update of a person: %v", err)
		}
	})
}

// TestAddReleaseCodes: a release's country and language typed as names are kept as their codes,
// so that one release is not both Japan/Japanese and JP/ja.
func TestAddReleaseCodes(t *testing.T) {
	w := &wiki.Work{Name: "Memories", Medium: wiki.MediumFilm}
	edit.AddRelease(w, edit.ReleaseInput{Region: "Japan", Language: "Japanese", Title: "メモリーズ"})
	edit.AddRelease(w, edit.ReleaseInput{Region: "us", Language: "EN", Title: "Memories"})
	if r := w.Releases; r[0].Region != "JP" || r[0].Language != "ja" || r[1].Region != "US" || r[1].Language != "en" {
		t.Errorf("releases %+v, want JP/ja and US/en", r)
	}
	if err := w.Validate(); err != nil {
		t.Error(err)
	}
}
