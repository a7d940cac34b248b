package api

import (
	"encoding/base64"
	"encoding/json"
	"hash/fnv"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Bounds on the work one request may ask for.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	// MaxFilters is how many filters one list may combine, MaxFields how many fields it may
	// pick, MaxCursor the longest cursor accepted (a name key is at most 300 characters).
	MaxFilters = 10
	MaxFields  = 60
	MaxCursor  = 2400
	// maxValue is the longest value a filter may have.
	maxValue = 300
)

// listParams is a decoded list request.
type listParams struct {
	query  store.ListQuery
	fields fieldSet
	// filter is the filters in a canonical form, which a cursor carries a hash of so that it
	// cannot continue another list.
	filter string
}

// parseList decodes limit, fields, filter, sort and cursor for a collection.
func parseList(c collection, v url.Values) (listParams, error) {
	p := listParams{query: store.ListQuery{Kind: c.Kind, Order: store.OrderID, Limit: DefaultLimit}}
	if err := onlyParams(v, "limit", "fields", "filter", "sort", "cursor"); err != nil {
		return p, err
	}
	limit, err := parseLimit(v)
	if err != nil {
		return p, err
	}
	p.query.Limit = limit
	if p.fields, err = parseFields(c, v, true); err != nil {
		return p, err
	}
	if p.filter, err = parseFilters(c, v["filter"], &p.query); err != nil {
		return p, err
	}
	if err := parseSort(c, single(v, "sort"), &p.query); err != nil {
		return p, err
	}
	if s := single(v, "cursor"); s != "" {
		var cur cursor
		if err := cur.decode(s); err != nil {
			return p, err
		}
		if cur.Order != string(p.query.Order) || cur.Desc != p.query.Desc || cur.Filter != hash(p.filter) {
			return p, badRequest("the cursor belongs to a list with another sort or filter")
		}
		if cur.ID <= 0 {
			return p, badRequest("the cursor is not one this API made")
		}
		p.query.After = &store.ListKey{Text: cur.Text, Time: time.Unix(0, cur.Time).UTC(), ID: cur.ID}
	}
	return p, nil
}

// single is the value of a parameter given at most once.
func single(v url.Values, name string) string {
	if len(v[name]) == 0 {
		return ""
	}
	return v[name][len(v[name])-1]
}

func parseLimit(v url.Values) (int, error) {
	s := single(v, "limit")
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, badRequest("limit must be a number from 1 to %d, not %q", MaxLimit, clip(s))
	}
	return n, nil
}

// clip shortens a value quoted back in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	for i := 40; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}

// parseFilters reads filters of the form name:value, several to a parameter separated by
// commas or in several filter parameters, into q; it returns them in a canonical form.
func parseFilters(c collection, params []string, q *store.ListQuery) (string, error) {
	var list []string
	for _, p := range params {
		for f := range strings.SplitSeq(p, ",") {
			if f = strings.TrimSpace(f); f != "" {
				list = append(list, f)
			}
		}
	}
	if len(list) > MaxFilters {
		return "", badRequest("at most %d filters may be combined", MaxFilters)
	}
	for _, f := range list {
		name, value, ok := strings.Cut(f, ":")
		if !ok || value == "" {
			return "", badRequest("filter %q is not of the form name:value", clip(f))
		}
		if len(value) > maxValue {
			return "", badRequest("filter %s: the value is longer than %d bytes", clip(name), maxValue)
		}
		if err := applyFilter(c, name, value, q); err != nil {
			return "", err
		}
	}
	slices.Sort(list)
	return strings.Join(list, ","), nil
}

// linkFilters are the filters on works that follow the reverse-lookup projection: the works
// that point to an entity in one of these ways.
var linkFilters = map[string][]wiki.Rel{
	"genre":     {wiki.RelGenre},
	"theme":     {wiki.RelTheme},
	"franchise": {wiki.RelFranchise},
	"concept":   {wiki.RelAssociation},
	"person":    {wiki.RelCredit, wiki.RelVoice},
	"character": {wiki.RelCast},
	"company":   {wiki.RelCompany},
}

// filterNames lists the filters a collection takes, for the documentation and for messages.
func filterNames(c collection) []string {
	out := []string{"name", "external"}
	switch c.Kind {
	case wiki.KindWork:
		out = append(out, "type", "year", "genre", "theme", "franchise", "concept", "person", "character", "company")
	case wiki.KindEpisode:
		out = append(out, "work")
	}
	return out
}

func applyFilter(c collection, name, value string, q *store.ListQuery) error {
	if site, ok := wiki.SiteNamed(name); ok {
		// anidb:4415 is short for external:anidb:4415.
		return externalFilter(c, site, value, q)
	}
	if !slices.Contains(filterNames(c), name) {
		return badRequest("unknown filter %q for %s: use one of %s, or a site's name such as anidb", clip(name), c.Path,
			strings.Join(filterNames(c), ", "))
	}
	switch name {
	case "name":
		q.Name = value
	case "external":
		siteName, id, ok := strings.Cut(value, ":")
		site, known := wiki.SiteNamed(siteName)
		if !ok || !known {
			return badRequest("filter external:%s is not of the form external:site:id with a known site", clip(value))
		}
		return externalFilter(c, site, id, q)
	case "type":
		m := wiki.Medium(value)
		if !m.Valid() {
			return badRequest("filter type:%s: not a known type (tv, film, ova, ona, special, music_video, manga, novel)", clip(value))
		}
		q.Medium = m
	case "year":
		from, to, err := parseYears(value)
		if err != nil {
			return err
		}
		q.StartFrom, q.StartBefore = max(q.StartFrom, from), minBound(q.StartBefore, to)
	case "work":
		id, err := parseID("filter work", value)
		if err != nil {
			return err
		}
		q.Links = append(q.Links, store.LinkFilter{Target: id, Rels: []wiki.Rel{wiki.RelEpisodeOf}})
	default:
		id, err := parseID("filter "+name, value)
		if err != nil {
			return err
		}
		q.Links = append(q.Links, store.LinkFilter{Target: id, Rels: linkFilters[name]})
	}
	return nil
}

func externalFilter(c collection, site wiki.Site, id string, q *store.ListQuery) error {
	if !site.Valid(id) {
		return badRequest("%q is not an id of %s", clip(id), site.Label)
	}
	if !slices.Contains(site.Kinds, c.Kind) {
		return badRequest("%s ids do not name %s", site.Label, c.Path)
	}
	q.External = append(q.External, wiki.ExternalID{Site: site.Name, ID: id})
	return nil
}

// parseYears reads "1995" or "1995-1996" (both included) as start-date bounds.
func parseYears(v string) (from, before string, err error) {
	a, b, ok := strings.Cut(v, "-")
	if !ok {
		b = a
	}
	y1, e1 := strconv.Atoi(a)
	y2, e2 := strconv.Atoi(b)
	if e1 != nil || e2 != nil || len(a) != 4 || len(b) != 4 || y1 < 1 || y2 < y1 {
		return "", "", badRequest("filter year:%s is not a year such as 1995 or a range such as 1995-1996", clip(v))
	}
	return a, strconv.Itoa(y2 + 1), nil
}

// minBound is the earlier of two upper bounds, "" meaning none.
func minBound(a, b string) string {
	if a == "" || (b != "" && b < a) {
		return b
	}
	return a
}

// parseID reads an entity id: a positive number. Anything else is a bad request, so that an id
// too large for any store is refused before it reaches one.
func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("%s: %q is not an id (a positive whole number)", what, clip(s))
	}
	return id, nil
}

// sorts maps the sort parameter's names to the store's orders.
var sorts = map[string]store.ListOrder{
	"id": store.OrderID, "name": store.OrderName, "year": store.OrderStart, "updated": store.OrderUpdated,
}

func parseSort(c collection, s string, q *store.ListQuery) error {
	if s == "" {
		return nil
	}
	name, desc := strings.CutPrefix(s, "-")
	order, ok := sorts[name]
	if !ok || (order == store.OrderStart && c.Kind != wiki.KindWork) {
		allowed := "id, name, updated"
		if c.Kind == wiki.KindWork {
			allowed = "id, name, year, updated"
		}
		return badRequest("cannot sort %s by %q: sort by one of %s, with - before it for descending order", c.Path, clip(s), allowed)
	}
	q.Order, q.Desc = order, desc
	return nil
}

// cursor is where the next page of a list starts, written opaquely into its URL: the last
// row's key in the list's order, with the order and the filters it was made for.
type cursor struct {
	Order  string `json:"o,omitempty"`
	Desc   bool   `json:"d,omitempty"`
	Filter uint32 `json:"f,omitempty"`
	Text   string `json:"t,omitempty"`
	Time   int64  `json:"u,omitempty"`
	ID     int64  `json:"i,omitempty"`
	// Before is, for a list of revisions, the number the next page is below.
	Before int `json:"b,omitempty"`
}

func (c cursor) encode() string {
	data, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(data)
}

func (c *cursor) decode(s string) error {
	if len(s) > MaxCursor {
		return badRequest("the cursor is longer than any this API makes")
	}
	data, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(data, c) != nil {
		return badRequest("the cursor is not one this API made")
	}
	return nil
}

// hash is a short fingerprint of a list's filters.
func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
