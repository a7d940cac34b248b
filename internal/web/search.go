package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kioku/internal/search"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// perPage is the number of results on one page of /search.
const perPage = 20

// searchQuery decodes the parameters /search and /api/v1/search share: q, kind (repeatable),
// type (a work's medium, repeatable), from and to (years), genre and theme (ids), page and limit.
func searchQuery(v url.Values, defaultLimit, maxLimit int) (search.Query, error) {
	q := search.Query{Text: strings.TrimSpace(v.Get("q")), Limit: defaultLimit}
	if n := len([]rune(q.Text)); n > search.MaxQuery {
		return q, badRequest("the query has %d characters; at most %d are searched", n, search.MaxQuery)
	}
	for _, k := range v["kind"] {
		if k == "" {
			continue
		}
		if !wiki.Kind(k).Valid() {
			return q, badRequest("unknown kind %q", k)
		}
		if !slices.Contains(q.Kinds, wiki.Kind(k)) {
			q.Kinds = append(q.Kinds, wiki.Kind(k))
		}
	}
	for _, m := range v["type"] {
		if m == "" {
			continue
		}
		if !wiki.Medium(m).Valid() {
			return q, badRequest("unknown type %q", m)
		}
		if !slices.Contains(q.Media, wiki.Medium(m)) {
			q.Media = append(q.Media, wiki.Medium(m))
		}
	}
	number := func(name string, lo, hi int) (int, error) {
		raw := strings.TrimSpace(v.Get(name))
		if raw == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < lo || n > hi {
			return 0, badRequest("%s must be a whole number from %d to %d", name, lo, hi)
		}
		return n, nil
	}
	var err error
	if q.FromYear, err = number("from", 1800, 2200); err != nil {
		return q, err
	}
	if q.ToYear, err = number("to", 1800, 2200); err != nil {
		return q, err
	}
	for _, name := range []string{"genre", "theme"} {
		id, err := number(name, 0, 1<<53)
		if err != nil {
			return q, err
		}
		if id > 0 {
			q.Topics = append(q.Topics, int64(id))
		}
	}
	if q.Limit, err = number("limit", 1, maxLimit); err != nil {
		return q, err
	} else if q.Limit == 0 {
		q.Limit = defaultLimit
	}
	page, err := number("page", 1, search.MaxResults/perPage+1)
	if err != nil {
		return q, err
	}
	q.Offset = max(page-1, 0) * q.Limit
	return q, nil
}

type searchPage struct {
	Query        search.Query
	Results      []searchResult
	Total        int
	Page, Pages  int
	Prev, Next   string // addresses of the neighbouring pages
	Kinds        []wiki.Kind
	Media        []wiki.Medium
	Genres       []store.Entity
	Themes       []store.Entity
	Genre, Theme int64
	Filtered     bool
}

type searchResult struct {
	search.Result
	Parts []search.Part // the title that matched, with the matching part marked
	Thumb string        // the address of a small copy of the page's main image, if it has one
}

// Search is the results page. A query that is exactly the title or name of one entity goes
// straight to its page, unless the reader asked for the list (list=1) or filtered it.
func (a *App) Search(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q, err := searchQuery(v, perPage, perPage)
	if err != nil {
		return err
	}
	q.Limit = perPage
	p := searchPage{Query: q, Kinds: wiki.Kinds, Page: q.Offset/perPage + 1}
	for _, m := range wiki.Media {
		p.Media = append(p.Media, m.Medium)
	}
	p.Filtered = len(q.Kinds) > 0 || len(q.Media) > 0 || q.FromYear > 0 || q.ToYear > 0 || len(q.Topics) > 0
	p.Genre, _ = strconv.ParseInt(v.Get("genre"), 10, 64)
	p.Theme, _ = strconv.ParseInt(v.Get("theme"), 10, 64)
	topics, err := a.topicLists(r.Context())
	if err != nil {
		return err
	}
	p.Genres, p.Themes = topics.genres, topics.themes
	if q.Text != "" {
		res, err := search.Search(r.Context(), a.store, q)
		if err != nil {
			return searchError(err)
		}
		if res.Exact != 0 && p.Page == 1 && !p.Filtered && v.Get("list") == "" {
			for _, x := range res.Results {
				if x.ID == res.Exact {
					http.Redirect(w, r, x.Path(), http.StatusSeeOther)
					return nil
				}
			}
		}
		p.Total = res.Total
		p.Pages = (res.Total + perPage - 1) / perPage
		ids := make([]int64, len(res.Results))
		for i, x := range res.Results {
			ids[i] = x.ID
		}
		thumbs, err := a.thumbnails(r.Context(), ids)
		if err != nil {
			return err
		}
		for _, x := range res.Results {
			sr := searchResult{Result: x, Parts: search.Highlight(x.Matched.Text, q.Text), Thumb: thumbs[x.ID]}
			p.Results = append(p.Results, sr)
		}
		pageURL := func(n int) string {
			u := url.Values{}
			for k, vs := range v {
				if k != "page" {
					u[k] = vs
				}
			}
			u.Set("list", "1")
			if n > 1 {
				u.Set("page", strconv.Itoa(n))
			}
			return "/search?" + u.Encode()
		}
		if p.Page > 1 {
			p.Prev = pageURL(p.Page - 1)
		}
		if p.Page < p.Pages {
			p.Next = pageURL(p.Page + 1)
		}
	}
	title := "Search"
	if q.Text != "" {
		title = "Search: " + q.Text
	}
	return a.render(w, r, http.StatusOK, "search", title, p)
}

// topicLists are the genres and themes the filters of the results page offer, by name, read
// again after an edit was accepted.
type topicLists struct {
	generation     uint64
	genres, themes []store.Entity
}

// maxTopics bounds the genres and themes offered as filters.
const maxTopics = 300

func (a *App) topicLists(ctx context.Context) (*topicLists, error) {
	gen := a.cache.generation.Load()
	if t := a.topics.Load(); t != nil && t.generation == gen {
		return t, nil
	}
	t := &topicLists{generation: gen}
	var err error
	if t.genres, err = a.store.RecentEntities(ctx, wiki.KindGenre, maxTopics); err != nil {
		return nil, err
	}
	if t.themes, err = a.store.RecentEntities(ctx, wiki.KindTheme, maxTopics); err != nil {
		return nil, err
	}
	byName := func(a, b store.Entity) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(t.genres, byName)
	slices.SortFunc(t.themes, byName)
	a.topics.Store(t)
	return t, nil
}

// searchError turns what Search refuses into a bad request.
func searchError(err error) error {
	if errors.Is(err, search.ErrTooLong) {
		return badRequest("the query is too long; at most %d characters are searched", search.MaxQuery)
	}
	return err
}

// apiResult is one result of /api/v1/search and of the suggestions.
type apiResult struct {
	ID            int64  `json:"id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	URL           string `json:"url"`
	Type          string `json:"type,omitempty"`
	Year          int    `json:"year,omitempty"`
	OriginalTitle string `json:"original_title,omitempty"`
	Matched       string `json:"matched"`
	Label         string `json:"label"`
	// Work is an episode's work.
	Work *apiWork `json:"work,omitempty"`
}

type apiWork struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// SearchAPI is /api/v1/search?q=&kind=&limit=: the results of /search as JSON, for the
// suggestions of the search box and for programs. Errors are problem documents (RFC 9457).
func (a *App) SearchAPI(w http.ResponseWriter, r *http.Request) error {
	q, err := searchQuery(r.URL.Query(), 10, 50)
	if err == nil && q.Text != "" {
		var res search.Results
		res, err = search.Search(r.Context(), a.store, q)
		if err == nil {
			return writeJSON(w, http.StatusOK, map[string]any{"query": q.Text, "total": res.Total, "results": apiResults(res.Results)})
		}
		err = searchError(err)
	}
	if err == nil {
		return writeJSON(w, http.StatusOK, map[string]any{"query": q.Text, "total": 0, "results": []apiResult{}})
	}
	return err
}

func apiResults(list []search.Result) []apiResult {
	out := make([]apiResult, 0, len(list))
	for _, x := range list {
		res := apiResult{ID: x.ID, Kind: string(x.Kind), Name: x.Name, URL: x.Path(), Type: string(x.Medium),
			Year: x.Year, OriginalTitle: x.Original, Matched: x.Matched.Text}
		res.Label = fmt.Sprintf("%s (#%d)", x.Name, x.ID)
		if x.Work.ID != 0 {
			res.Work = &apiWork{Name: x.Work.Name, URL: x.Work.Path()}
		}
		out = append(out, res)
	}
	return out
}

// writeProblem answers a program with a problem document (RFC 9457) for an error page.
func writeProblem(w http.ResponseWriter, status int, page errorPage) error {
	detail := page.Message
	if len(page.Problems) > 0 {
		detail = strings.Join(page.Problems, "; ")
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": page.Heading, "status": status, "detail": detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// Lookup answers the edit forms' name pickers with the same search, within one kind:
// /lookup?kind=person&q=sat gives [{"id":12,"name":"Satoshi Kon","label":"Satoshi Kon (#12)",…}].
func (a *App) Lookup(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	kind := wiki.Kind(v.Get("kind"))
	if !kind.Valid() {
		return badRequest("unknown kind %q", kind)
	}
	q, err := searchQuery(url.Values{"q": {v.Get("q")}, "kind": {string(kind)}}, 10, 10)
	if err != nil {
		return err
	}
	out := []apiResult{}
	if q.Text != "" {
		res, err := search.Search(r.Context(), a.store, q)
		if err != nil {
			return searchError(err)
		}
		out = apiResults(res.Results)
	}
	return writeJSON(w, http.StatusOK, out)
}
