package wiki

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Two pages of one thing are merged by making one of them a redirect to the other: its next
// revision keeps its document with MergedInto set, so that its history stays readable and a
// revert of that revision brings the page back. A redirect has no links, search terms or facts
// (see Links); the page it was merged into takes what it knew (Absorb), and every document that
// pointed to it points to the kept page instead (Retarget).

// MergedInto returns the entity doc's page redirects to, or 0 when it is a page of its own.
func MergedInto(doc Document) int64 {
	if doc == nil || reflect.ValueOf(doc).IsNil() {
		return 0
	}
	if f := reflect.ValueOf(doc).Elem().FieldByName("MergedInto"); f.IsValid() {
		return f.Int()
	}
	return 0
}

// SetMergedInto makes doc a redirect to entity into, or (into = 0) a page of its own again.
func SetMergedInto(doc Document, into int64) {
	reflect.ValueOf(doc).Elem().FieldByName("MergedInto").SetInt(into)
}

// Retarget makes every reference of doc (the document of entity self) to entity from point to
// entity into instead, and reports whether it changed anything. Entries that become the same as
// another (one person credited twice in one role, one character cast twice) are made one, and a
// work that would become related or similar to itself loses that entry.
func Retarget(self int64, doc Document, from, into int64) bool {
	changed := false
	swap := func(r *Ref) {
		if int64(*r) == from {
			*r = Ref(into)
			changed = true
		}
	}
	switch d := doc.(type) {
	case *Work:
		for i := range d.Credits {
			swap(&d.Credits[i].Person)
		}
		for i := range d.Cast {
			swap(&d.Cast[i].Character)
			for j := range d.Cast[i].Voices {
				swap(&d.Cast[i].Voices[j].Person)
			}
		}
		for i := range d.Companies {
			swap(&d.Companies[i].Company)
		}
		for i := range d.Relations {
			swap(&d.Relations[i].Work)
		}
		for _, list := range [][]Ref{d.Genres, d.Themes, d.Similar, d.Associations} {
			for i := range list {
				swap(&list[i])
			}
		}
		swap(&d.Franchise)
	case *Episode:
		swap(&d.Work)
	}
	if changed {
		Tidy(self, doc)
	}
	return changed
}

// Tidy makes one of the entries of doc (the document of entity self) that say the same thing,
// keeping the first and what the later ones add to it (a note it lacks, voices), and drops the
// relations and similar works that name the work itself. A merge makes such entries; Validate
// refuses them.
func Tidy(self int64, doc Document) {
	switch d := doc.(type) {
	case *Work:
		d.Credits = tidyCredits(d.Credits)
		d.Cast = tidyCast(d.Cast)
		d.Companies = uniqueBy(d.Companies, func(c CompanyCredit) string {
			return strconv.FormatInt(int64(c.Company), 10) + "|" + strings.ToLower(strings.TrimSpace(c.Role))
		}, nil)
		d.Relations = slices.DeleteFunc(d.Relations, func(r Relation) bool { return int64(r.Work) == self })
		d.Relations = uniqueBy(d.Relations, func(r Relation) string { return r.Type + "|" + r.Work.ItemKey() }, nil)
		d.Similar = slices.DeleteFunc(d.Similar, func(r Ref) bool { return int64(r) == self })
		d.Genres, d.Themes = uniqueRefs(d.Genres), uniqueRefs(d.Themes)
		d.Similar, d.Associations = uniqueRefs(d.Similar), uniqueRefs(d.Associations)
		d.Titles = uniqueBy(d.Titles, func(t Title) string { return t.Language + "|" + t.Text }, nil)
		d.Releases = uniqueBy(d.Releases, func(r Release) string {
			return strings.Join([]string{strings.ToLower(r.Region), strings.ToLower(r.Language), r.Title, r.Date, r.Format, r.Catalog}, "|")
		}, nil)
		d.Aliases = tidyAliases(d.Name, d.Aliases)
	case *Person:
		d.Aliases = tidyAliases(d.Name, d.Aliases)
	case *Character:
		d.Aliases = tidyAliases(d.Name, d.Aliases)
	case *Company:
		d.Aliases = tidyAliases(d.Name, d.Aliases)
	case *Topic:
		d.Aliases = tidyAliases(d.Name, d.Aliases)
	}
}

// uniqueBy keeps the first of the items with one identity; merge, when given, lets the first
// take what a later one adds. An empty result is nil, as a decoded document has it.
func uniqueBy[T any](items []T, id func(T) string, merge func(first *T, later T)) []T {
	if len(items) < 2 {
		return items
	}
	at := make(map[string]int, len(items))
	out := items[:0:0]
	for _, it := range items {
		k := id(it)
		if i, ok := at[k]; ok {
			if merge != nil {
				merge(&out[i], it)
			}
			continue
		}
		at[k] = len(out)
		out = append(out, it)
	}
	return out
}

func uniqueRefs(refs []Ref) []Ref {
	return uniqueBy(refs, Ref.ItemKey, nil)
}

func tidyCredits(credits []Credit) []Credit {
	return uniqueBy(credits, func(c Credit) string {
		return c.Person.ItemKey() + "|" + strings.ToLower(strings.TrimSpace(c.Role))
	}, func(first *Credit, later Credit) {
		if first.Note == "" {
			first.Note = later.Note
		}
		if first.RoleText == "" {
			first.RoleText = later.RoleText
		}
	})
}

func tidyCast(cast []CastMember) []CastMember {
	out := uniqueBy(cast, func(c CastMember) string { return c.Character.ItemKey() }, func(first *CastMember, later CastMember) {
		first.Voices = append(slices.Clone(first.Voices), later.Voices...)
		if first.Role == "" {
			first.Role = later.Role
		}
		if first.Note == "" {
			first.Note = later.Note
		}
	})
	for i := range out {
		out[i].Voices = uniqueBy(out[i].Voices, func(v Voice) string { return v.Language + "|" + v.Person.ItemKey() }, nil)
	}
	return out
}

// tidyAliases drops the aliases that are the name itself or another alias again.
func tidyAliases(name string, aliases []string) []string {
	out := slices.DeleteFunc(slices.Clone(aliases), func(a string) bool { return strings.EqualFold(a, name) })
	out = uniqueBy(out, strings.ToLower, nil)
	if len(out) == 0 {
		return nil
	}
	return out
}

// Absorbed is what Absorb did with the merged document's facts that the kept one could not take.
type Absorbed struct {
	// Dropped are the labels of the plain fields where both documents had a value and they
	// differ: the kept document's value stays, the merged one's is in the merged page's history.
	Dropped []string
	// LeftIDs are the merged document's ids on sites where the kept one has another id: they
	// stay on the redirect, so that /external/ still finds it (and, through it, the kept page).
	LeftIDs []ExternalID
}

// Absorb returns kept (the document of entity into) with what merged (the document of the
// entity from, of the same kind) knows and it does not: its plain fields where kept has none,
// its list entries, its name as an alias where the kind keeps aliases, its ids on sites where
// kept has none, and its sources. References to from become references to into. Neither
// document is changed.
func Absorb(kept, merged Document, from, into int64) (Document, Absorbed) {
	out := Clone(kept)
	m := Clone(merged)
	Retarget(from, m, from, into)
	Retarget(into, out, from, into)
	ov, mv := reflect.ValueOf(out).Elem(), reflect.ValueOf(m).Elem()
	var res Absorbed
	labels := fieldLabels(ov.Type())
	var fromSources []string // the plain fields kept took from merged, by JSON name
	for i, label := range labels {
		sf := ov.Type().Field(i)
		o, x := ov.Field(i), mv.Field(i)
		switch {
		case sf.Name == "MergedInto":
		case sf.Type == reflect.TypeFor[[]ExternalID]():
			ids, left := absorbIDs(o.Interface().([]ExternalID), x.Interface().([]ExternalID))
			o.Set(reflect.ValueOf(ids))
			res.LeftIDs = left
		case sf.Type == sourceSliceType:
			// Below, once the fields taken are known.
		case sf.Type == imageSliceType:
			// A picture's key is its content: one both pages show is one entry.
			o.Set(reflect.ValueOf(absorbImages(o.Interface().([]Image), x.Interface().([]Image))))
		case o.Kind() == reflect.Slice && o.Type().Elem().Implements(itemType):
			o.Set(absorbItems(o, x))
		case o.Kind() == reflect.Slice && o.Type().Elem().Kind() == reflect.String:
			o.Set(reflect.AppendSlice(o, x))
		case x.IsZero() || reflect.DeepEqual(o.Interface(), x.Interface()):
		case o.IsZero():
			o.Set(x)
			fromSources = append(fromSources, JSONName(sf))
		case sf.Name == "Name" && ov.FieldByName("Aliases").IsValid():
			aliases := ov.FieldByName("Aliases")
			aliases.Set(reflect.Append(aliases, x))
		default:
			res.Dropped = append(res.Dropped, strings.ToLower(label))
		}
	}
	if list := SourceList(out); list != nil {
		*list = absorbSources(*list, SourcesOf(m), fromSources)
	}
	Tidy(into, out)
	return out, res
}

// absorbIDs adds the ids of merged on the sites kept has none for, and returns the others.
func absorbIDs(kept, merged []ExternalID) (out, left []ExternalID) {
	out = slices.Clone(kept)
	for _, x := range merged {
		if i := slices.IndexFunc(out, func(k ExternalID) bool { return k.Site == x.Site }); i < 0 {
			out = append(out, x)
		} else if out[i].ID != x.ID {
			left = append(left, x)
		}
	}
	return out, left
}

// absorbItems appends the entries of list x whose keys list o does not have. An entry whose key
// o has for another entry gets a key of its own.
func absorbItems(o, x reflect.Value) reflect.Value {
	out := reflect.AppendSlice(reflect.MakeSlice(o.Type(), 0, o.Len()+x.Len()), o)
	have := indexItems(o)
	for i := range x.Len() {
		it := x.Index(i)
		j, ok := have[it.Interface().(Item).ItemKey()]
		switch {
		case !ok:
		case reflect.DeepEqual(o.Index(j).Interface(), it.Interface()):
			continue
		case it.Kind() == reflect.Struct && it.FieldByName("Key").IsValid():
			fresh := reflect.New(it.Type()).Elem()
			fresh.Set(it)
			fresh.FieldByName("Key").SetString(NewKey())
			it = fresh
		default:
			continue // the same reference
		}
		out = reflect.Append(out, it)
	}
	if out.Len() == 0 {
		return reflect.Zero(o.Type())
	}
	return out
}

// absorbSources adds merged's sources to kept's. A source of merged keeps, of the plain fields it
// gave, those kept took from merged (taken); one that both name is one entry.
func absorbSources(kept, merged []Source, taken []string) []Source {
	out := slices.Clone(kept)
	for _, s := range merged {
		s.Fields = slices.DeleteFunc(slices.Clone(s.Fields), func(f string) bool { return !slices.Contains(taken, f) })
		if i := slices.IndexFunc(out, func(k Source) bool { return k.Key == s.Key }); i >= 0 {
			for _, f := range s.Fields {
				if !slices.Contains(out[i].Fields, f) {
					out[i].Fields = append(slices.Clone(out[i].Fields), f)
				}
			}
			continue
		}
		if len(s.Fields) == 0 {
			s.Fields = nil
		}
		out = append(out, s)
	}
	return out
}
