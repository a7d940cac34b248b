// Package demo fills an empty wiki with the Memories page and a slice of the real data sets, and
// makes a demo account. Every fact goes in through package edit's functions, the ones the
// site's forms call, so the demo data is exactly what a person could have entered; no HTTP is
// involved. The slice (every work of 1995 and 1996 in bangumi-data and the Media Arts
// Database, data/) is imported by the importer, as the full data sets would be.
//
//go:generate go run ./slice -data ../../../shared/data -out data
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"kioku/internal/auth"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

//go:embed memories.json
var memoriesJSON []byte

// Fixture is the Memories page as the fixture file describes it.
type Fixture struct {
	Work struct {
		Name           string `json:"name"`
		Kind           string `json:"kind"`
		Deck           string `json:"deck"`
		Description    string `json:"description"`
		Rating         string `json:"rating"`
		RuntimeMinutes int    `json:"runtime_minutes"`
		Segments       []struct {
			Name         string `json:"name"`
			OriginalName string `json:"original_name"`
			Romanized    string `json:"romanized"`
		} `json:"segments"`
		Releases []struct {
			Region   string `json:"region"`
			Language string `json:"language"`
			Name     string `json:"name"`
			Date     string `json:"date"`
		} `json:"releases"`
		Aliases []string `json:"aliases"`
		Credits []struct {
			Person string `json:"person"`
			Role   string `json:"role"`
			Note   string `json:"note"`
		} `json:"credits"`
	} `json:"work"`
	People []struct {
		Name       string `json:"name"`
		Summary    string `json:"summary"`
		BirthDate  string `json:"birth_date"`
		BirthPlace string `json:"birth_place"`
	} `json:"people"`
}

// Memories returns the embedded fixture.
func Memories() (*Fixture, error) {
	var f Fixture
	if err := json.Unmarshal(memoriesJSON, &f); err != nil {
		return nil, fmt.Errorf("demo: fixture: %w", err)
	}
	return &f, nil
}

// Account is the demo account's name: the account a person trying the demo signs in with. It is
// a moderator's, so that edits made with it show at once and the person trying the demo can open
// the queue, where the Newcomer's edit waits for review, and approve or reject it. Moderators are
// held to no hourly limit.
const Account = "demo"

// Loader is the name of the account that enters the fixture. The fixture is a small data set,
// so the loader is an importer's account, like the importer's "Import: <data set>": its edits
// are accepted at once, do not count against any hourly limit, and leave the demo account's
// whole limit to the person trying the demo; the history says who entered what; and nobody can
// sign up with the name, which has a colon, nor sign in to it.
const Loader = "Import: Memories fixture"

const (
	settingLoaded   = "demo.loaded"
	settingPassword = "demo.password"
)

// Load makes the demo account if there is none and, once per store, enters the fixture as edits
// saved by edits, in three changesets by the Loader account, and has the Newcomer propose an edit
// to the Memories page, which waits in the queue. It returns the demo account's password, to be
// shown to the person who started the demo.
//
// None of it counts against the demo account's hourly limit: the loader is an importer's account
// and the newcomer an account of its own, and the limit counts an account's own changesets.
func Load(ctx context.Context, edits *edit.Service, params auth.Params) (string, error) {
	s := edits.Store
	password, err := s.Setting(ctx, settingPassword)
	if errors.Is(err, store.ErrNotFound) {
		password = auth.NewToken()[:16]
		if _, err := s.CreateUser(ctx, Account, auth.Hash(password, params), string(auth.RoleModerator)); err != nil {
			return "", err
		}
		if err := s.SetSetting(ctx, settingPassword, password); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	} else if err := promote(ctx, s); err != nil {
		return "", err
	}
	f, err := Memories()
	if err != nil {
		return "", err
	}
	if _, err := s.Setting(ctx, settingLoaded); errors.Is(err, store.ErrNotFound) {
		loader, err := systemAccount(ctx, s, Loader, auth.RoleImporter, params)
		if err != nil {
			return "", err
		}
		if err := enter(ctx, edits, loader, f); err != nil {
			return "", fmt.Errorf("demo: %w", err)
		}
		if err := s.SetSetting(ctx, settingLoaded, "1"); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	// A store loaded before the newcomer was part of the demo gets the newcomer's edit now.
	if err := propose(ctx, edits, f, params); err != nil {
		return "", err
	}
	return password, nil
}

// promote makes the demo account of a store loaded when it was a trusted editor's a moderator's,
// as Load now makes it. An account with another role (an admin's, say, or one an admin demoted)
// keeps it.
func promote(ctx context.Context, s *store.Store) error {
	u, err := s.UserByName(ctx, Account)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if auth.Role(u.Role) != auth.RoleTrusted {
		return nil
	}
	return s.SetRole(ctx, u.ID, string(auth.RoleModerator))
}

// systemAccount finds or makes an account the demo saves edits with (Loader, Newcomer), of a
// role. Its password is a random one nobody is told.
func systemAccount(ctx context.Context, s *store.Store, name string, role auth.Role, params auth.Params) (int64, error) {
	u, err := s.UserByName(ctx, name)
	if err == nil {
		return u.ID, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	return s.CreateUser(ctx, name, auth.Hash(auth.NewToken(), params), string(role))
}

// enter saves every fact of the fixture in three changesets: the work with its credits, releases
// and aliases (making a page for each person credited), its segments, and what is known of the
// people.
func enter(ctx context.Context, edits *edit.Service, author int64, f *Fixture) error {
	fw := f.Work
	medium := wiki.MediumFilm
	if fw.Kind != "film" {
		medium = wiki.Medium(fw.Kind)
	}
	var workID int64
	people := map[string]wiki.Ref{} // by name, as credited
	_, err := edits.Apply(ctx, author, "New page for "+fw.Name+", with its credits, releases and aliases", func(c *edit.Changes) error {
		w := &wiki.Work{Name: fw.Name, Medium: medium, Deck: fw.Deck, Description: fw.Description,
			Rating: fw.Rating, RuntimeMinutes: fw.RuntimeMinutes}
		for _, cr := range fw.Credits {
			in := edit.CreditInput{Person: edit.Choice{Name: cr.Person}, Role: cr.Role, Note: cr.Note}
			if err := edit.AddCredit(ctx, c, w, in); err != nil {
				return fmt.Errorf("credit of %s: %w", cr.Person, err)
			}
			people[cr.Person] = w.Credits[len(w.Credits)-1].Person
		}
		for _, r := range fw.Releases {
			edit.AddRelease(w, edit.ReleaseInput{Region: r.Region, Language: r.Language, Title: r.Name, Date: r.Date})
			if r.Region == "JP" {
				// The Japanese release is the first: it gives the work its start date and
				// language, by which the real data sets' records of the film find its page.
				w.StartDate, w.OriginalLanguage = r.Date, r.Language
			}
		}
		edit.SetAliases(w, fw.Aliases)
		var err error
		workID, err = c.Create(ctx, wiki.KindWork, w)
		return err
	})
	if err != nil {
		return err
	}
	_, err = edits.Apply(ctx, author, "Segments of "+fw.Name, func(c *edit.Changes) error {
		for i, seg := range fw.Segments {
			in := edit.EpisodeInput{Number: i + 1, Segment: true, Name: seg.Name, OriginalName: seg.OriginalName, Romanized: seg.Romanized}
			if _, err := edit.AddEpisode(ctx, c, workID, in); err != nil {
				return fmt.Errorf("segment %s: %w", seg.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = edits.Apply(ctx, author, "About the people credited on "+fw.Name, func(c *edit.Changes) error {
		for _, p := range f.People {
			ref, ok := people[p.Name]
			if !ok {
				return fmt.Errorf("person %q has no credit on %s", p.Name, fw.Name)
			}
			e, doc, err := c.Current(ctx, int64(ref))
			if err != nil {
				return err
			}
			person := doc.(*wiki.Person)
			person.Summary, person.BirthDate, person.BirthPlace = p.Summary, p.BirthDate, p.BirthPlace
			if err := c.Update(ctx, e.ID, e.Head, person); err != nil {
				return fmt.Errorf("person %s: %w", p.Name, err)
			}
		}
		return nil
	})
	return err
}
