package wiki

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Work is an anime (series, film, OVA, ...) or a source work such as a manga. It owns every
// relation its page shows: releases, credits, cast, genres, themes and links to other works.
type Work struct {
	Name   string `json:"name" wiki:"Name"`
	Medium Medium `json:"medium" wiki:"Medium"`
	// OriginalTitle is the title in the work's original language, OriginalLanguage that
	// language ("ja"), OriginalTitleKana its kana reading.
	OriginalTitle     string `json:"original_title,omitempty" wiki:"Original title"`
	OriginalTitleKana string `json:"original_title_kana,omitempty" wiki:"Original title (kana reading)"`
	OriginalLanguage  string `json:"original_language,omitempty" wiki:"Original language"`
	Deck              string `json:"deck,omitempty" wiki:"Deck"`
	Description       string `json:"description,omitempty" wiki:"Description"`
	// StartDate and EndDate are when the work first and last aired or was released: a full
	// date, or only a year and month, or a year, when no more is known.
	StartDate      string          `json:"start_date,omitempty" wiki:"Start date"`
	EndDate        string          `json:"end_date,omitempty" wiki:"End date"`
	Episodes       int             `json:"episodes,omitempty" wiki:"Episodes"`
	EpisodeMinutes int             `json:"episode_minutes,omitempty" wiki:"Episode length (minutes)"`
	Rating         string          `json:"rating,omitempty" wiki:"Rating"`
	RuntimeMinutes int             `json:"runtime_minutes,omitempty" wiki:"Runtime (minutes)"`
	Titles         []Title         `json:"titles,omitempty" wiki:"Titles"`
	ExternalIDs    []ExternalID    `json:"external_ids,omitempty" wiki:"External ids"`
	Releases       []Release       `json:"releases,omitempty" wiki:"Releases"`
	Credits        []Credit        `json:"credits,omitempty" wiki:"Credits"`
	Cast           []CastMember    `json:"cast,omitempty" wiki:"Characters"`
	Companies      []CompanyCredit `json:"companies,omitempty" wiki:"Companies"`
	Aliases        []string        `json:"aliases,omitempty" wiki:"Aliases"`
	Genres         []Ref           `json:"genres,omitempty" wiki:"Genres"`
	Themes         []Ref           `json:"themes,omitempty" wiki:"Themes"`
	Franchise      Ref             `json:"franchise,omitempty" wiki:"Franchise"`
	Similar        []Ref           `json:"similar,omitempty" wiki:"Similar works"`
	Associations   []Ref           `json:"associations,omitempty" wiki:"Associations"`
	Relations      []Relation      `json:"relations,omitempty" wiki:"Related works"`
	Sources        []Source        `json:"sources,omitempty" wiki:"Sources"`
	// Images are the page\'s pictures (its gallery); MainImage the key of the one that heads it.
	Images    []Image `json:"images,omitempty" wiki:"Images"`
	MainImage string  `json:"main_image,omitempty" wiki:"Main image"`
	// MergedInto makes the work a redirect to another (see wiki.MergedInto).
	MergedInto Ref `json:"merged_into,omitempty" wiki:"Merged into"`
}

// Release is one regional release of a work: where, in which language, under which title, when.
type Release struct {
	Key      string `json:"key"`
	Region   string `json:"region"`
	Language string `json:"language"`
	Title    string `json:"title"`
	Date     string `json:"date,omitempty"`
	// Format is the medium of a disc release ("DVD", "Blu-ray"), Catalog its product number.
	Format  string `json:"format,omitempty"`
	Catalog string `json:"catalog,omitempty"`
	Source  string `json:"source,omitempty"`
}

// ItemKey identifies the release within its list.
func (r Release) ItemKey() string { return r.Key }

// Describe shows the release in a diff.
func (r Release) Describe(Names) string {
	return joinNonEmpty(" · ", r.Region, r.Language, r.Title, r.Date, r.Format, r.Catalog)
}

// Credit is one person's role on a work, with an optional note ("Score of the Magnetic Rose
// segment").
type Credit struct {
	Key    string `json:"key"`
	Person Ref    `json:"person"`
	Role   string `json:"role"`
	// RoleText is the role as the source wrote it, when that was not in English ("演出").
	RoleText string `json:"role_text,omitempty"`
	Note     string `json:"note,omitempty"`
	Source   string `json:"source,omitempty"`
}

// ItemKey identifies the credit within its list.
func (c Credit) ItemKey() string { return c.Key }

// Describe shows the credit in a diff.
func (c Credit) Describe(n Names) string {
	s := n.Name(int64(c.Person)) + " — " + c.Role
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	return s
}

// CastMember is a character appearing in a work, with its voice actors per language.
type CastMember struct {
	Key       string  `json:"key"`
	Character Ref     `json:"character"`
	Role      string  `json:"role,omitempty"`
	Voices    []Voice `json:"voices,omitempty"`
	Note      string  `json:"note,omitempty"`
	Source    string  `json:"source,omitempty"`
}

// ItemKey identifies the cast member within its list.
func (c CastMember) ItemKey() string { return c.Key }

// Describe shows the cast member in a diff.
func (c CastMember) Describe(n Names) string {
	s := n.Name(int64(c.Character))
	if c.Role != "" {
		s += " (" + c.Role + ")"
	}
	var vs []string
	for _, v := range c.Voices {
		vs = append(vs, v.Language+": "+n.Name(int64(v.Person)))
	}
	if len(vs) > 0 {
		s += " — " + strings.Join(vs, ", ")
	}
	return s
}

// Voice is the person who voices a character in one language.
type Voice struct {
	Language string `json:"language"`
	Person   Ref    `json:"person"`
}

// CompanyCredit is a company's part in a work: animation studio, producer, licensor.
type CompanyCredit struct {
	Key      string `json:"key"`
	Company  Ref    `json:"company"`
	Role     string `json:"role"`
	RoleText string `json:"role_text,omitempty"`
	Source   string `json:"source,omitempty"`
}

// ItemKey identifies the company credit within its list.
func (c CompanyCredit) ItemKey() string { return c.Key }

// Describe shows the company credit in a diff.
func (c CompanyCredit) Describe(n Names) string { return n.Name(int64(c.Company)) + " — " + c.Role }

// Relation links a work to another: sequel, prequel, adaptation, segment of, ...
type Relation struct {
	Key  string `json:"key"`
	Type string `json:"type"`
	Work Ref    `json:"work"`
}

// ItemKey identifies the relation within its list.
func (r Relation) ItemKey() string { return r.Key }

// Describe shows the relation in a diff.
func (r Relation) Describe(n Names) string { return r.Type + ": " + n.Name(int64(r.Work)) }

// RelationTypes lists the relations a work can have to another.
var RelationTypes = []string{"Sequel", "Prequel", "Side story", "Adaptation of", "Adapted as", "Segment of", "Spin-off", "Alternative version", "Compilation"}

// CastRoles lists the prominence a character can have in a work.
var CastRoles = []string{"Main", "Supporting", "Minor"}

// CompanyRoles lists the parts a company can play in a work.
var CompanyRoles = []string{"Animation studio", "Producer", "Licensor", "Distributor"}

// Ratings lists the content ratings offered by forms.
var Ratings = []string{"G", "PG", "PG-13", "R", "NC-17", "Not rated"}

// Title returns the work's name.
func (w *Work) Title() string { return w.Name }

// Refs lists every entity the work points to.
func (w *Work) Refs() []Target {
	var ids []Target
	for _, c := range w.Credits {
		ids = append(ids, refs(KindPerson, c.Person)...)
	}
	for _, c := range w.Cast {
		ids = append(ids, refs(KindCharacter, c.Character)...)
		for _, v := range c.Voices {
			ids = append(ids, refs(KindPerson, v.Person)...)
		}
	}
	for _, c := range w.Companies {
		ids = append(ids, refs(KindCompany, c.Company)...)
	}
	for _, r := range w.Relations {
		ids = append(ids, refs(KindWork, r.Work)...)
	}
	ids = append(ids, refs(KindGenre, w.Genres...)...)
	ids = append(ids, refs(KindTheme, w.Themes...)...)
	ids = append(ids, refs(KindWork, w.Similar...)...)
	ids = append(ids, refs(KindConcept, w.Associations...)...)
	ids = append(ids, refs(KindFranchise, w.Franchise)...)
	ids = append(ids, refs(KindWork, w.MergedInto)...)
	return ids
}

// Validate reports every problem with the work.
func (w *Work) Validate() error {
	var p problems
	p.required("name", w.Name)
	p.limit("name", w.Name, 300)
	if w.Medium != "" && !w.Medium.Valid() {
		p.addf("medium %q is not one of the known media", w.Medium)
	}
	p.limit("deck", w.Deck, 1000)
	p.text("description", w.Description, MaxText)
	if w.Rating != "" && !slices.Contains(Ratings, w.Rating) {
		p.addf("rating %q is not one of %s", w.Rating, strings.Join(Ratings, ", "))
	}
	p.limit("original title", w.OriginalTitle, 300)
	p.limit("original title (kana reading)", w.OriginalTitleKana, 300)
	if w.OriginalLanguage != "" && !languagePattern.MatchString(w.OriginalLanguage) {
		p.addf("original language %q is not a language tag such as ja", w.OriginalLanguage)
	}
	p.date("start date", w.StartDate)
	p.date("end date", w.EndDate)
	if w.StartDate != "" && w.EndDate != "" && DateBefore(w.EndDate, w.StartDate) {
		p.addf("the end date %s is before the start date %s", w.EndDate, w.StartDate)
	}
	if w.Episodes < 0 || w.Episodes > 100_000 {
		p.addf("episodes must be between 0 and 100000")
	}
	if w.EpisodeMinutes < 0 || w.EpisodeMinutes > 100_000 {
		p.addf("episode length must be between 0 and 100000 minutes")
	}
	p.titles(w.Titles)
	p.externalIDs(KindWork, w.ExternalIDs)
	p.sources(w.Sources)
	if w.RuntimeMinutes < 0 || w.RuntimeMinutes > 100_000 {
		p.addf("runtime must be between 0 and 100000 minutes")
	}
	for i, r := range w.Releases {
		at := fmt.Sprintf("release %d", i+1)
		p.key(at, r.Key)
		p.required(at+": region", r.Region)
		p.required(at+": title", r.Title)
		p.limit(at+": title", r.Title, 300)
		p.date(at+": date", r.Date)
		p.limit(at+": region", r.Region, 40)
		if code, ok := CanonicalRegion(r.Region); r.Region != "" && (!ok || code != r.Region) {
			p.addf("%s: region %q is not a country's ISO 3166 code, such as JP", at, r.Region)
		}
		if tag, ok := CanonicalLanguage(r.Language); r.Language != "" && (!ok || tag != r.Language) {
			p.addf("%s: language %q is not a language's BCP 47 tag, such as ja", at, r.Language)
		}
		p.limit(at+": format", r.Format, 40)
		p.limit(at+": catalog number", r.Catalog, 100)
	}
	for i, c := range w.Credits {
		at := fmt.Sprintf("credit %d", i+1)
		p.key(at, c.Key)
		p.ref(at+": person", c.Person)
		p.required(at+": role", c.Role)
		p.limit(at+": role", c.Role, 100)
		p.limit(at+": note", c.Note, 1000)
		p.limit(at+": original role", c.RoleText, 200)
	}
	for i, c := range w.Cast {
		at := fmt.Sprintf("character %d", i+1)
		p.key(at, c.Key)
		p.ref(at+": character", c.Character)
		if c.Role != "" && !slices.Contains(CastRoles, c.Role) {
			p.addf("%s: role %q is not one of %s", at, c.Role, strings.Join(CastRoles, ", "))
		}
		p.limit(at+": note", c.Note, 1000)
		for j, v := range c.Voices {
			vat := fmt.Sprintf("%s: voice %d", at, j+1)
			p.ref(vat+": person", v.Person)
			p.required(vat+": language", v.Language)
			if v.Language != "" && !languagePattern.MatchString(v.Language) {
				p.addf("%s: language %q is not a language, such as ja or Japanese", vat, v.Language)
			}
		}
	}
	for i, c := range w.Companies {
		at := fmt.Sprintf("company %d", i+1)
		p.key(at, c.Key)
		p.ref(at, c.Company)
		p.required(at+": role", c.Role)
		p.limit(at+": role", c.Role, 100)
		p.limit(at+": original role", c.RoleText, 200)
	}
	for i, r := range w.Relations {
		at := fmt.Sprintf("relation %d", i+1)
		p.key(at, r.Key)
		p.ref(at+": work", r.Work)
		if !slices.Contains(RelationTypes, r.Type) {
			p.addf("%s: type %q is not one of %s", at, r.Type, strings.Join(RelationTypes, ", "))
		}
	}
	for _, a := range w.Aliases {
		p.required("alias", a)
		p.limit("alias", a, 300)
	}
	p.unique("credits", keysOf(w.Credits))
	personRoles := make([]string, len(w.Credits))
	for i, c := range w.Credits {
		personRoles[i] = fmt.Sprint(c.Person, "|", strings.ToLower(strings.TrimSpace(c.Role)))
	}
	p.unique("credits (one person in one role)", personRoles)
	p.unique("releases", keysOf(w.Releases))
	releases := make([]string, len(w.Releases))
	for i, r := range w.Releases {
		releases[i] = strings.Join([]string{strings.ToLower(r.Region), strings.ToLower(r.Language), r.Title, r.Date, r.Format, r.Catalog}, "|")
	}
	p.unique("releases (the same release twice)", releases)
	p.unique("characters", keysOf(w.Cast))
	characters := make([]string, len(w.Cast))
	for i, c := range w.Cast {
		characters[i] = strconv.FormatInt(int64(c.Character), 10)
	}
	p.unique("characters (one character twice)", characters)
	companies := make([]string, len(w.Companies))
	for i, c := range w.Companies {
		companies[i] = strconv.FormatInt(int64(c.Company), 10) + "|" + strings.ToLower(strings.TrimSpace(c.Role))
	}
	p.unique("companies (one company in one role twice)", companies)
	p.unique("relations", keysOf(w.Relations))
	p.unique("companies", keysOf(w.Companies))
	p.unique("genres", keysOf(w.Genres))
	p.unique("themes", keysOf(w.Themes))
	p.unique("similar works", keysOf(w.Similar))
	p.unique("associations", keysOf(w.Associations))
	p.unique("aliases", w.Aliases)
	p.unique("external ids", keysOf(w.ExternalIDs))
	p.images(w.Images, w.MainImage)
	return p.err()
}

func keysOf[T interface{ ItemKey() string }](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ItemKey()
	}
	return out
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, s := range parts {
		if s != "" {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, sep)
}
