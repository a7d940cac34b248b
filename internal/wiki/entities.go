package wiki

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"kioku/internal/wikitext"
)

// Episode is an episode of a series or a segment of an anthology, ordered within its work.
type Episode struct {
	Work         Ref    `json:"work" wiki:"Work"`
	Number       int    `json:"number" wiki:"Number"`
	Segment      bool   `json:"segment,omitempty" wiki:"Anthology segment"`
	Name         string `json:"name" wiki:"Name"`
	OriginalName string `json:"original_name,omitempty" wiki:"Original name"`
	Romanized    string `json:"romanized,omitempty" wiki:"Romanized name"`
	AirDate      string `json:"air_date,omitempty" wiki:"Air date"`
	Summary      string `json:"summary,omitempty" wiki:"Summary"`
	Description  string `json:"description,omitempty" wiki:"Description"`
	// Images are the page\'s pictures (its gallery); MainImage the key of the one that heads it.
	Images    []Image `json:"images,omitempty" wiki:"Images"`
	MainImage string  `json:"main_image,omitempty" wiki:"Main image"`
	// MergedInto makes the episode a redirect to another (see wiki.MergedInto).
	MergedInto Ref `json:"merged_into,omitempty" wiki:"Merged into"`
}

// Title returns the episode's name.
func (e *Episode) Title() string { return e.Name }

// Refs lists the work the episode belongs to, and the episode it was merged into.
func (e *Episode) Refs() []Target {
	return append(refs(KindWork, e.Work), refs(KindEpisode, e.MergedInto)...)
}

// Validate reports every problem with the episode.
func (e *Episode) Validate() error {
	var p problems
	p.required("name", e.Name)
	p.limit("name", e.Name, 300)
	p.ref("work", e.Work)
	if e.Number < 0 || e.Number > 100_000 {
		p.addf("number must be between 0 and 100000")
	}
	p.date("air date", e.AirDate)
	p.limit("original name", e.OriginalName, 300)
	p.limit("romanized name", e.Romanized, 300)
	p.text("summary", e.Summary, 2000)
	p.text("description", e.Description, MaxText)
	p.images(e.Images, e.MainImage)
	return p.err()
}

// Character is a fictional character appearing in works.
type Character struct {
	Name        string   `json:"name" wiki:"Name"`
	NativeName  string   `json:"native_name,omitempty" wiki:"Native name"`
	NameKana    string   `json:"name_kana,omitempty" wiki:"Name (kana reading)"`
	Summary     string   `json:"summary,omitempty" wiki:"Summary"`
	Description string   `json:"description,omitempty" wiki:"Description"`
	Sources     []Source `json:"sources,omitempty" wiki:"Sources"`
	Aliases     []string `json:"aliases,omitempty" wiki:"Aliases"`
	// Images are the page\'s pictures (its gallery); MainImage the key of the one that heads it.
	Images    []Image `json:"images,omitempty" wiki:"Images"`
	MainImage string  `json:"main_image,omitempty" wiki:"Main image"`
	// MergedInto makes the page a redirect to another of its kind (see wiki.MergedInto).
	MergedInto Ref `json:"merged_into,omitempty" wiki:"Merged into"`
}

// Title returns the character's name.
func (c *Character) Title() string { return c.Name }

// Refs returns only the character the page was merged into, if any: a character's appearances are owned by works.
func (c *Character) Refs() []Target { return refs(KindCharacter, c.MergedInto) }

// Validate reports every problem with the character.
func (c *Character) Validate() error {
	var p problems
	p.names(c.Name, c.NativeName)
	p.limit("name (kana reading)", c.NameKana, 300)
	p.text("summary", c.Summary, 2000)
	p.text("description", c.Description, MaxText)
	p.sources(c.Sources)
	p.aliases(c.Aliases)
	p.images(c.Images, c.MainImage)
	return p.err()
}

// Person is a real person: staff member or voice actor.
type Person struct {
	Name        string       `json:"name" wiki:"Name"`
	NativeName  string       `json:"native_name,omitempty" wiki:"Native name"`
	NameKana    string       `json:"name_kana,omitempty" wiki:"Name (kana reading)"`
	BirthDate   string       `json:"birth_date,omitempty" wiki:"Birth date"`
	BirthPlace  string       `json:"birth_place,omitempty" wiki:"Birth place"`
	DeathDate   string       `json:"death_date,omitempty" wiki:"Death date"`
	Summary     string       `json:"summary,omitempty" wiki:"Summary"`
	Description string       `json:"description,omitempty" wiki:"Description"`
	ExternalIDs []ExternalID `json:"external_ids,omitempty" wiki:"External ids"`
	Sources     []Source     `json:"sources,omitempty" wiki:"Sources"`
	Aliases     []string     `json:"aliases,omitempty" wiki:"Aliases"`
	// Images are the page\'s pictures (its gallery); MainImage the key of the one that heads it.
	Images    []Image `json:"images,omitempty" wiki:"Images"`
	MainImage string  `json:"main_image,omitempty" wiki:"Main image"`
	// MergedInto makes the page a redirect to another of its kind (see wiki.MergedInto).
	MergedInto Ref `json:"merged_into,omitempty" wiki:"Merged into"`
}

// Title returns the person's name.
func (p *Person) Title() string { return p.Name }

// Refs returns only the person the page was merged into, if any: a person's credits are owned by works.
func (p *Person) Refs() []Target { return refs(KindPerson, p.MergedInto) }

// Validate reports every problem with the person.
func (p *Person) Validate() error {
	var v problems
	v.names(p.Name, p.NativeName)
	v.limit("name (kana reading)", p.NameKana, 300)
	v.date("birth date", p.BirthDate)
	v.date("death date", p.DeathDate)
	if p.BirthDate != "" && p.DeathDate != "" && DateBefore(p.DeathDate, p.BirthDate) {
		v.addf("the death date %s is before the birth date %s", p.DeathDate, p.BirthDate)
	}
	v.limit("birth place", p.BirthPlace, 200)
	v.text("summary", p.Summary, 2000)
	v.text("description", p.Description, MaxText)
	v.externalIDs(KindPerson, p.ExternalIDs)
	v.unique("external ids", keysOf(p.ExternalIDs))
	v.sources(p.Sources)
	v.aliases(p.Aliases)
	v.images(p.Images, p.MainImage)
	return v.err()
}

// Company is a studio, producer, licensor or distributor.
type Company struct {
	Name        string       `json:"name" wiki:"Name"`
	NativeName  string       `json:"native_name,omitempty" wiki:"Native name"`
	NameKana    string       `json:"name_kana,omitempty" wiki:"Name (kana reading)"`
	Founded     string       `json:"founded,omitempty" wiki:"Founded"`
	Dissolved   string       `json:"dissolved,omitempty" wiki:"Dissolved"`
	Summary     string       `json:"summary,omitempty" wiki:"Summary"`
	Description string       `json:"description,omitempty" wiki:"Description"`
	ExternalIDs []ExternalID `json:"external_ids,omitempty" wiki:"External ids"`
	Sources     []Source     `json:"sources,omitempty" wiki:"Sources"`
	Aliases     []string     `json:"aliases,omitempty" wiki:"Aliases"`
	// Images are the page\'s pictures (its gallery); MainImage the key of the one that heads it.
	Images    []Image `json:"images,omitempty" wiki:"Images"`
	MainImage string  `json:"main_image,omitempty" wiki:"Main image"`
	// MergedInto makes the page a redirect to another of its kind (see wiki.MergedInto).
	MergedInto Ref `json:"merged_into,omitempty" wiki:"Merged into"`
}

// Title returns the company's name.
func (c *Company) Title() string { return c.Name }

// Refs returns only the company the page was merged into, if any: a company's works are owned by works.
func (c *Company) Refs() []Target { return refs(KindCompany, c.MergedInto) }

// Validate reports every problem with the company.
func (c *Company) Validate() error {
	var p problems
	p.names(c.Name, c.NativeName)
	p.limit("name (kana reading)", c.NameKana, 300)
	p.date("founded", c.Founded)
	p.date("dissolved", c.Dissolved)
	p.text("summary", c.Summary, 2000)
	p.text("description", c.Description, MaxText)
	p.externalIDs(KindCompany, c.ExternalIDs)
	p.unique("external ids", keysOf(c.ExternalIDs))
	p.sources(c.Sources)
	p.aliases(c.Aliases)
	p.images(c.Images, c.MainImage)
	return p.err()
}

// Topic is the document of a franchise, genre, theme or concept: a named page that works point
// to.
type Topic struct {
	Name        string       `json:"name" wiki:"Name"`
	NativeName  string       `json:"native_name,omitempty" wiki:"Native name"`
	Summary     string       `json:"summary,omitempty" wiki:"Summary"`
	Description string       `json:"description,omitempty" wiki:"Description"`
	ExternalIDs []ExternalID `json:"external_ids,omitempty" wiki:"External ids"`
	Sources     []Source     `json:"sources,omitempty" wiki:"Sources"`
	Aliases     []string     `json:"aliases,omitempty" wiki:"Aliases"`
	// Images are the page\'s pictures (its gallery); MainImage the key of the one that heads it.
	Images    []Image `json:"images,omitempty" wiki:"Images"`
	MainImage string  `json:"main_image,omitempty" wiki:"Main image"`
	// MergedInto makes the page a redirect to another of its kind (see wiki.MergedInto).
	MergedInto Ref `json:"merged_into,omitempty" wiki:"Merged into"`
}

// Title returns the topic's name.
func (t *Topic) Title() string { return t.Name }

// Refs returns nothing: works point to topics, not the other way. (A topic merged into another
// names it, but the document does not know which kind of topic it is: Merge checks it.)
func (t *Topic) Refs() []Target { return nil }

// Validate reports every problem with the topic.
func (t *Topic) Validate() error {
	var p problems
	p.names(t.Name, t.NativeName)
	p.text("summary", t.Summary, 2000)
	p.text("description", t.Description, MaxText)
	// Only franchises have ids elsewhere (a Media Arts Database film series); the check
	// against KindFranchise refuses them on genres and themes.
	p.externalIDs(KindFranchise, t.ExternalIDs)
	p.unique("external ids", keysOf(t.ExternalIDs))
	p.sources(t.Sources)
	p.aliases(t.Aliases)
	p.images(t.Images, t.MainImage)
	return p.err()
}

// ValidationError lists what is wrong with a document or a form, in words a person can act on.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "invalid: " + strings.Join(e.Problems, "; ")
}

// Invalid builds a ValidationError from one or more problems.
func Invalid(format string, args ...any) *ValidationError {
	return &ValidationError{Problems: []string{fmt.Sprintf(format, args...)}}
}

// ErrRefused is what errors.Is finds in every RefusedError.
var ErrRefused = errors.New("refused")

// RefusedError says why an account may not do what it asked (edit a page, keep another list,
// change a role); the reason is for the person. The edit, lists and accounts packages all refuse
// with it, so one answer (403 with the reason) serves them all.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return e.Reason }

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Refused builds a RefusedError whose reason is the formatted text.
func Refused(format string, args ...any) *RefusedError {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

type problems []string

func (p *problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p *problems) required(field, v string) {
	if strings.TrimSpace(v) == "" {
		p.addf("%s is required", field)
	}
}

func (p *problems) limit(field, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		p.addf("%s is longer than %d characters", field, n)
	}
	if !utf8.ValidString(v) {
		p.addf("%s is not valid UTF-8", field)
	}
}

// MaxText is the longest description, in characters: about forty printed pages.
const MaxText = 64_000

// text checks a field written in wiki text: its length, and a nesting the renderer can afford.
func (p *problems) text(field, v string, n int) {
	p.limit(field, v, n)
	if err := wikitext.Check(v); err != nil {
		p.addf("%s %v", field, err)
	}
}

func (p *problems) names(name, native string) {
	p.required("name", name)
	p.limit("name", name, 300)
	p.limit("native name", native, 300)
}

func (p *problems) key(field, key string) {
	if key == "" {
		p.addf("%s has no key", field)
	}
	p.limit(field+": key", key, 100)
}

func (p *problems) ref(field string, r Ref) {
	if r <= 0 {
		p.addf("%s is missing", field)
	}
}

// datePattern accepts a full date or, when only part is known, a year or a year and month.
var datePattern = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

func (p *problems) date(field, v string) {
	if v == "" {
		return
	}
	if !datePattern.MatchString(v) {
		p.addf("%s %q is not a date like 1995-12-23 (or 1995-12, or 1995)", field, v)
		return
	}
	if !ValidDate(v) {
		p.addf("%s %q is not a day of the calendar", field, v)
	}
}

// ValidDate reports whether v is a real partial date: "1995", "1995-12" or "1995-12-23", with
// a year from 1 and a day that the month has (no 2023-02-29).
func ValidDate(v string) bool {
	if !datePattern.MatchString(v) || v[:4] == "0000" {
		return false
	}
	if len(v) < len("2006-01-02") {
		return true
	}
	t, err := time.Parse(time.DateOnly, v)
	return err == nil && t.Format(time.DateOnly) == v
}

// DateBefore reports whether partial date a is certainly before partial date b: compared on
// the parts both have, a is earlier.
func DateBefore(a, b string) bool {
	n := min(len(a), len(b))
	return a[:n] < b[:n]
}

func (p *problems) unique(field string, keys []string) {
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			p.addf("%s lists the same entry twice", field)
			return
		}
		seen[k] = true
	}
}

// aliases checks a list of other names: each given, not too long, and listed once.
func (p *problems) aliases(list []string) {
	for _, a := range list {
		p.required("alias", a)
		p.limit("alias", a, 300)
	}
	p.unique("aliases", list)
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}
