package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

type homePage struct {
	Imported []store.WorkRow
	Edited   []store.WorkRow
	People   []store.Entity
	Kinds    []wiki.Kind
	Counts   map[string]int // entities with a page, by kind
	Years    []store.YearCount
}

// Home shows the wiki's size, the works lately imported and lately edited by people, and the
// years to browse. Counting a whole wiki takes a while, so readers who are not signed in get
// the page from the page cache, like any entity page.
func (a *App) Home(w http.ResponseWriter, r *http.Request) error {
	return a.cached(w, r, "/", func() ([]byte, error) { return a.home(r) })
}

func (a *App) home(r *http.Request) ([]byte, error) {
	ctx := r.Context()
	p := homePage{Kinds: creatable}
	var err error
	if p.Imported, err = a.store.RecentWorks(ctx, true, 12); err != nil {
		return nil, err
	}
	if p.Edited, err = a.store.RecentWorks(ctx, false, 12); err != nil {
		return nil, err
	}
	if p.People, err = a.store.RecentEntities(ctx, wiki.KindPerson, 12); err != nil {
		return nil, err
	}
	counts, err := a.store.KindCounts(ctx)
	if err != nil {
		return nil, err
	}
	p.Counts = make(map[string]int, len(counts))
	for k, n := range counts {
		p.Counts[string(k)] = n
	}
	if p.Years, err = a.store.WorkYears(ctx); err != nil {
		return nil, err
	}
	return a.renderBytes(r, "home", "Kioku", p)
}

type searchPage struct {
	Query   string
	Results []store.Entity
}

// Search finds pages by name. Full multi-script search comes with its own index; this looks
// names up in every kind.
func (a *App) Search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := searchPage{Query: q}
	if q != "" {
		for _, k := range wiki.Kinds {
			list, err := a.store.SearchNames(r.Context(), k, q, 20)
			if err != nil {
				return err
			}
			p.Results = append(p.Results, list...)
		}
	}
	return a.render(w, r, http.StatusOK, "search", "Search", p)
}

// Lookup answers the edit forms' name suggestions: /lookup?kind=person&q=sat gives
// [{"id":12,"name":"Satoshi Kon","label":"Satoshi Kon (#12)"}].
func (a *App) Lookup(w http.ResponseWriter, r *http.Request) error {
	kind := wiki.Kind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		return badRequest("unknown kind %q", kind)
	}
	type suggestion struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Label string `json:"label"`
	}
	out := []suggestion{}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		list, err := a.store.SearchNames(r.Context(), kind, q, 10)
		if err != nil {
			return err
		}
		for _, e := range list {
			out = append(out, suggestion{ID: e.ID, Name: e.Name, Label: fmt.Sprintf("%s (#%d)", e.Name, e.ID)})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}
