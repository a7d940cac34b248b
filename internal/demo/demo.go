// Package demo fills an empty wiki with the Memories page and makes a demo account. Every fact
// goes in through the site's own edit forms, posted to the site's handler as a signed-in editor
// would post them, so the demo data is exactly what a person could have entered.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"

	"kioku/internal/auth"
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

// Account is the demo account's name. It is a trusted editor's, so that edits made with it show
// at once.
const Account = "demo"

const (
	settingLoaded   = "demo.loaded"
	settingPassword = "demo.password"
)

// Load makes the demo account if there is none and, once per store, enters the fixture through
// the forms served by site. It returns the account's password, to be shown to the person who
// started the demo.
func Load(ctx context.Context, s *store.Store, site http.Handler, params auth.Params) (string, error) {
	password, err := s.Setting(ctx, settingPassword)
	if errors.Is(err, store.ErrNotFound) {
		password = auth.NewToken()[:16]
		if _, err := s.CreateUser(ctx, Account, auth.Hash(password, params), string(auth.RoleTrusted)); err != nil {
			return "", err
		}
		if err := s.SetSetting(ctx, settingPassword, password); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	if _, err := s.Setting(ctx, settingLoaded); err == nil {
		return password, nil
	}
	f, err := Memories()
	if err != nil {
		return "", err
	}
	c, err := signIn(site, password)
	if err != nil {
		return "", err
	}
	if err := enter(ctx, s, c, f); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return password, s.SetSetting(ctx, settingLoaded, "1")
}

// enter posts every fact of the fixture.
func enter(ctx context.Context, s *store.Store, c *client, f *Fixture) error {
	w := f.Work
	medium := wiki.MediumFilm
	if w.Kind != "film" {
		medium = wiki.Medium(w.Kind)
	}
	loc, err := c.post("/new/work", url.Values{"name": {w.Name}, "medium": {string(medium)}, "deck": {w.Deck},
		"description": {w.Description}, "rating": {w.Rating}, "runtime_minutes": {strconv.Itoa(w.RuntimeMinutes)},
		"edit_summary": {"New page for " + w.Name}})
	if err != nil {
		return err
	}
	id, _, err := wiki.ParseRef(loc[strings.LastIndex(loc, "/")+1:])
	if err != nil {
		return err
	}
	section := func(name string, v url.Values) error {
		e, err := s.Entity(ctx, id)
		if err != nil {
			return err
		}
		v.Set("base", strconv.Itoa(e.Head))
		_, err = c.post(e.Path()+"/edit/"+name, v)
		return err
	}
	for _, cr := range w.Credits {
		if err := section("credits", url.Values{"person": {cr.Person}, "role": {cr.Role}, "note": {cr.Note},
			"edit_summary": {"Credit: " + cr.Person}}); err != nil {
			return err
		}
	}
	for _, r := range w.Releases {
		if err := section("releases", url.Values{"region": {r.Region}, "language": {r.Language}, "title": {r.Name},
			"date": {r.Date}, "edit_summary": {"Release in " + r.Region}}); err != nil {
			return err
		}
	}
	if err := section("aliases", url.Values{"aliases": {strings.Join(w.Aliases, "\n")}, "edit_summary": {"Aliases"}}); err != nil {
		return err
	}
	for i, seg := range w.Segments {
		if err := section("episodes", url.Values{"number": {strconv.Itoa(i + 1)}, "name": {seg.Name},
			"original_name": {seg.OriginalName}, "romanized": {seg.Romanized}, "segment": {"1"},
			"edit_summary": {"Segment " + seg.Name}}); err != nil {
			return err
		}
	}
	for _, p := range f.People {
		list, err := s.EntitiesByName(ctx, wiki.KindPerson, p.Name)
		if err != nil {
			return err
		}
		if len(list) != 1 {
			return fmt.Errorf("person %q: %d pages", p.Name, len(list))
		}
		_, err = c.post(list[0].Path()+"/edit", url.Values{"base": {strconv.Itoa(list[0].Head)}, "name": {p.Name},
			"summary": {p.Summary}, "edit_summary": {"About " + p.Name}, "birth_date": {p.BirthDate}, "birth_place": {p.BirthPlace}})
		if err != nil {
			return err
		}
	}
	return nil
}

// client posts forms to the site's handler in process, with a session cookie and CSRF token.
type client struct {
	site   http.Handler
	cookie *http.Cookie
	csrf   string
}

func signIn(site http.Handler, password string) (*client, error) {
	c := &client{site: site}
	rec := c.do("/login", url.Values{"name": {Account}, "password": {password}})
	if rec.Code != http.StatusSeeOther {
		return nil, fmt.Errorf("demo: sign-in answered %d", rec.Code)
	}
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "kioku_session" {
			c.cookie = ck
		}
	}
	if c.cookie == nil {
		return nil, errors.New("demo: sign-in set no session cookie")
	}
	// The CSRF token is in every form the site serves.
	req := httptest.NewRequest(http.MethodGet, "/new/work", nil)
	req.AddCookie(c.cookie)
	page := httptest.NewRecorder()
	site.ServeHTTP(page, req)
	body := page.Body.String()
	const marker = `name="csrf" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		return nil, errors.New("demo: no CSRF token in the new-work form")
	}
	rest := body[i+len(marker):]
	c.csrf = rest[:strings.IndexByte(rest, '"')]
	return c, nil
}

func (c *client) do(path string, v url.Values) *httptest.ResponseRecorder {
	if c.csrf != "" {
		v.Set("csrf", c.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	rec := httptest.NewRecorder()
	c.site.ServeHTTP(rec, req)
	return rec
}

// post sends a form and returns where the site redirected to; anything but a redirect is an
// error carrying the page's text.
func (c *client) post(path string, v url.Values) (string, error) {
	rec := c.do(path, v)
	if rec.Code != http.StatusSeeOther {
		return "", fmt.Errorf("POST %s: %d: %s", path, rec.Code, rec.Body.String())
	}
	return rec.Header().Get("Location"), nil
}
