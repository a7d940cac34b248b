package wiki

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Site is another database that knows works or people by its own ids. The wiki keeps those ids
// so that readers can follow them and other programs can find Kioku's page for an id they know.
type Site struct {
	// Name is the site's short name in addresses: /external/{name}/{id}.
	Name  string
	Label string
	// pattern is what a valid id looks like on the site.
	pattern *regexp.Regexp
	// url makes the address of an id's page on the site.
	url func(id string) string
	// Kinds are the kinds of entity the site's ids can name.
	Kinds []Kind
	// Shared is set for a site whose one id can name several of the wiki's pages: TMDB has one
	// id for a whole TV series, which the wiki splits into its seasons. Ids of other sites
	// belong to one page each. (The store's migration 0004 names the shared sites too.)
	Shared bool
}

// URL is the address of id's page on the site.
func (s Site) URL(id string) string { return s.url(id) }

// Valid reports whether id has the form the site's ids have.
func (s Site) Valid(id string) bool { return s.pattern.MatchString(id) }

func prefixURL(prefix string) func(string) string {
	return func(id string) string { return prefix + id }
}

// Sites lists every site whose ids the wiki keeps, in the order pages show them.
var Sites = []Site{
	{Name: "anidb", Label: "AniDB", pattern: regexp.MustCompile(`^[1-9]\d{0,8}$`), url: prefixURL("https://anidb.net/anime/"), Kinds: []Kind{KindWork}},
	{Name: "mal", Label: "MyAnimeList", pattern: regexp.MustCompile(`^[1-9]\d{0,8}$`), url: prefixURL("https://myanimelist.net/anime/"), Kinds: []Kind{KindWork}},
	{Name: "anilist", Label: "AniList", pattern: regexp.MustCompile(`^[1-9]\d{0,8}$`), url: prefixURL("https://anilist.co/anime/"), Kinds: []Kind{KindWork}},
	{Name: "bangumi", Label: "Bangumi", pattern: regexp.MustCompile(`^[1-9]\d{0,8}$`), url: prefixURL("https://bgm.tv/subject/"), Kinds: []Kind{KindWork}},
	// TMDB numbers films and TV series separately, so its ids carry their kind: "movie/123".
	{Name: "tmdb", Label: "TMDB", pattern: regexp.MustCompile(`^(movie/[1-9]\d{0,9}|tv/[1-9]\d{0,9}(/season/\d{1,4})?)$`), url: prefixURL("https://www.themoviedb.org/"),
		Kinds: []Kind{KindWork}, Shared: true},
	{Name: "madb", Label: "Media Arts Database", pattern: regexp.MustCompile(`^[CM][1-9]\d{0,9}$`), url: prefixURL("https://mediaarts-db.bunka.go.jp/id/"),
		Kinds: []Kind{KindWork, KindPerson, KindCompany, KindFranchise}},
	{Name: "wikidata", Label: "Wikidata", pattern: regexp.MustCompile(`^Q[1-9]\d{0,11}$`), url: prefixURL("https://www.wikidata.org/wiki/"),
		Kinds: []Kind{KindWork, KindPerson, KindCompany}},
	{Name: "viaf", Label: "VIAF", pattern: regexp.MustCompile(`^[1-9]\d{0,24}$`), url: prefixURL("https://viaf.org/viaf/"), Kinds: []Kind{KindPerson, KindCompany}},
}

// SiteNamed finds a site by its short name.
func SiteNamed(name string) (Site, bool) {
	for _, s := range Sites {
		if s.Name == name {
			return s, true
		}
	}
	return Site{}, false
}

// ExternalID is an entity's id on another site.
type ExternalID struct {
	Site   string `json:"site"`
	ID     string `json:"id"`
	Source string `json:"source,omitempty"`
}

// ItemKey identifies the id within its list: a site and an id can be listed once.
func (x ExternalID) ItemKey() string { return x.Site + ":" + x.ID }

// Describe shows the id in a diff.
func (x ExternalID) Describe(Names) string {
	if s, ok := SiteNamed(x.Site); ok {
		return s.Label + " " + x.ID
	}
	return x.Site + " " + x.ID
}

// URL is the address of the id's page on its site, or "" for an unknown site.
func (x ExternalID) URL() string {
	if s, ok := SiteNamed(x.Site); ok {
		return s.URL(x.ID)
	}
	return ""
}

// Label is the site's name for readers.
func (x ExternalID) Label() string {
	if s, ok := SiteNamed(x.Site); ok {
		return s.Label
	}
	return x.Site
}

// Source is where facts of a document came from: a record of a data set at a version, or a
// published source a person cited. Fields lists the document's plain fields (by their JSON
// names) that the source gave; list items name their source in their own Source field.
type Source struct {
	// Key names the source within the document: "{dataset}:{record}" for imported records.
	Key     string `json:"key"`
	Dataset string `json:"dataset"`
	Record  string `json:"record,omitempty"`
	Version string `json:"version,omitempty"`
	URL     string `json:"url,omitempty"`
	// Licence is how the source asks to be credited ("bangumi-data, CC BY 4.0").
	Licence string   `json:"licence,omitempty"`
	Fields  []string `json:"fields,omitempty"`
}

// ItemKey identifies the source within its list.
func (s Source) ItemKey() string { return s.Key }

// Describe shows the source in a diff.
func (s Source) Describe(Names) string {
	out := s.Dataset
	if s.Record != "" {
		out += " record " + s.Record
	}
	if s.Version != "" {
		out += " (version " + s.Version + ")"
	}
	if len(s.Fields) > 0 {
		out += ": " + strings.Join(s.Fields, ", ")
	}
	return out
}

// SourceKey is the key of a data set record's source entry.
func SourceKey(dataset, record string) string { return dataset + ":" + record }

// Title is one of a work's titles in one language.
type Title struct {
	Key      string `json:"key"`
	Language string `json:"language"`
	Kind     string `json:"kind"`
	Text     string `json:"text"`
	Source   string `json:"source,omitempty"`
}

// ItemKey identifies the title within its list.
func (t Title) ItemKey() string { return t.Key }

// Describe shows the title in a diff.
func (t Title) Describe(Names) string { return t.Language + " (" + t.Kind + "): " + t.Text }

// TitleKinds lists the kinds of title a work can have: its main title on a site, an official
// title in a language, a synonym, a short form.
var TitleKinds = []string{"main", "official", "synonym", "short"}

// languagePattern accepts BCP 47 tags as data sets write them: "ja", "en", "zh-Hans",
// "x-jat" (romanised Japanese).
var languagePattern = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,3}$`)

func (p *problems) externalIDs(kind Kind, ids []ExternalID) {
	seen := map[string]bool{}
	for _, x := range ids {
		s, ok := SiteNamed(x.Site)
		switch {
		case !ok:
			p.addf("%q is not a site whose ids the wiki keeps", x.Site)
		case !slices.Contains(s.Kinds, kind):
			p.addf("%s ids are not kept for a %s", s.Label, kind)
		case !s.Valid(x.ID):
			p.addf("%q is not a %s id", x.ID, s.Label)
		case seen[x.Site]:
			p.addf("%s is given two ids: a page has one id on each site", s.Label)
		}
		seen[x.Site] = true
	}
}

func (p *problems) titles(titles []Title) {
	for i, t := range titles {
		at := fmt.Sprintf("title %d", i+1)
		p.key(at, t.Key)
		p.required(at, t.Text)
		p.limit(at, t.Text, 300)
		if !languagePattern.MatchString(t.Language) {
			p.addf("%s: %q is not a language tag such as ja, en or zh-Hans", at, t.Language)
		}
		if !slices.Contains(TitleKinds, t.Kind) {
			p.addf("%s: %q is not one of %s", at, t.Kind, strings.Join(TitleKinds, ", "))
		}
	}
	p.unique("titles", keysOf(titles))
}

func (p *problems) sources(sources []Source) {
	for i, s := range sources {
		at := fmt.Sprintf("source %d", i+1)
		p.key(at, s.Key)
		p.required(at+": data set or publication", s.Dataset)
		p.limit(at, s.Dataset, 200)
		p.limit(at+": record", s.Record, 200)
		p.limit(at+": version", s.Version, 100)
		p.limit(at+": address", s.URL, 1000)
		p.limit(at+": licence", s.Licence, 500)
	}
	p.unique("sources", keysOf(sources))
}
