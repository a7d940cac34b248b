package edit

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// Choice is an entity a person names in an edit: a plain name, to be matched against the pages
// of that name; a picked id; or, with New, a new page of that name even when one exists, for two
// people who share a name (ID is then ignored).
type Choice struct {
	Name string
	ID   int64
	New  bool
}

// IsZero reports whether the choice names nothing.
func (ch Choice) IsZero() bool { return ch.Name == "" && ch.ID == 0 }

// chosenID matches an entity picked from a suggestion list: "Satoshi Kon (#12)". Eighteen digits
// always fit an int64.
var chosenID = regexp.MustCompile(`^(?s)(.*?)\s*\(#(\d{1,18})\)$`)

// ParseChoice reads the wiki's way of naming an entity in text: "Satoshi Kon (#12)" picks entity
// 12, "Satoshi Kon" is a name to look up. forceNew asks for a new entity named by the whole text.
// Runs of spaces count as one.
func ParseChoice(text string, forceNew bool) Choice {
	text = strings.Join(strings.Fields(text), " ")
	if forceNew {
		return Choice{Name: text, New: true}
	}
	if m := chosenID.FindStringSubmatch(text); m != nil {
		id, _ := strconv.ParseInt(m[2], 10, 64)
		return Choice{Name: m[1], ID: id}
	}
	return Choice{Name: text}
}

// String writes the choice the way ParseChoice reads it.
func (ch Choice) String() string {
	name := strings.Join(strings.Fields(ch.Name), " ")
	if ch.ID != 0 && !ch.New {
		return strings.TrimSpace(fmt.Sprintf("%s (#%d)", name, ch.ID))
	}
	return name
}

// Pick finds the entity of a kind that ch names, for the form field or input called field. A
// picked id must be an entity of that kind. A plain name picks the one entity with that name, or,
// when none has it and create is given, creates create(name) in this changeset. New creates one
// even when the name is taken. Several entities with the name is a *wiki.ValidationError that
// lists them as "Name (#id)", so the person can choose.
func (c *Changes) Pick(ctx context.Context, kind wiki.Kind, field string, ch Choice, create func(name string) wiki.Document) (wiki.Ref, error) {
	// The name is looked up as it will be saved: "José" typed in either Unicode form is one name.
	name, problem := wiki.CleanText(ch.Name, false)
	if problem != "" {
		return 0, wiki.Invalid("%s %s", field, problem)
	}
	name = strings.Join(strings.Fields(name), " ")
	if ch.ID != 0 && !ch.New {
		found, err := c.tx.EntitiesByID(ctx, []int64{ch.ID})
		if err != nil {
			return 0, err
		}
		if e, ok := found[ch.ID]; ok && e.Kind == kind {
			return wiki.Ref(ch.ID), nil
		}
		if k, ok := c.created[ch.ID]; ok && k == kind {
			return wiki.Ref(ch.ID), nil
		}
		return 0, wiki.Invalid("%s: there is no %s #%d", field, kind, ch.ID)
	}
	if name == "" {
		return 0, wiki.Invalid("%s is required", field)
	}
	var list []store.Entity
	if !ch.New {
		var err error
		if list, err = c.tx.EntitiesByName(ctx, kind, name); err != nil {
			return 0, err
		}
		list = append(list, c.proposedNamed(kind, name)...)
	}
	switch {
	case len(list) == 1:
		return wiki.Ref(list[0].ID), nil
	case len(list) > 1:
		choices := make([]string, len(list))
		for i, e := range list {
			choices[i] = Choice{Name: e.Name, ID: e.ID}.String()
		}
		return 0, wiki.Invalid("%s: several pages are named %q; write one of %s, or tick “new” to add another",
			field, name, strings.Join(choices, ", "))
	case create == nil:
		return 0, wiki.Invalid("%s: there is no %s named %q", field, kind, name)
	}
	id, err := c.Create(ctx, kind, create(name))
	return wiki.Ref(id), err
}

// proposedNamed lists the entities of a kind with this name that this changeset creates and
// that have no page yet because the changeset waits for review, so that naming a new person
// twice in one changeset makes one page, as it does in an accepted changeset.
func (c *Changes) proposedNamed(kind wiki.Kind, name string) []store.Entity {
	var out []store.Entity
	for id, p := range c.proposed {
		if c.created[id] == kind && store.NameKey(p.doc.Title()) == store.NameKey(name) {
			out = append(out, store.Entity{ID: id, Kind: kind, Name: p.doc.Title()})
		}
	}
	slices.SortFunc(out, func(a, b store.Entity) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// NewNamed returns what Pick needs to create an entity of kind from a name alone: a person,
// character or company, or a franchise, genre, theme or concept. It returns nil for works and
// episodes, whose pages need more than a name.
func NewNamed(kind wiki.Kind) func(name string) wiki.Document {
	switch kind {
	case wiki.KindPerson:
		return func(name string) wiki.Document { return &wiki.Person{Name: name} }
	case wiki.KindCharacter:
		return func(name string) wiki.Document { return &wiki.Character{Name: name} }
	case wiki.KindCompany:
		return func(name string) wiki.Document { return &wiki.Company{Name: name} }
	case wiki.KindFranchise, wiki.KindGenre, wiki.KindTheme, wiki.KindConcept:
		return func(name string) wiki.Document { return &wiki.Topic{Name: name} }
	}
	return nil
}
