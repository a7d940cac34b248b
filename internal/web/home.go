package web

import (
	"net/http"

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
	return a.cached(w, r, "/", func(uint64) ([]byte, error) { return a.home(r) })
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
