package importer

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"kioku/internal/search"
	"kioku/internal/wiki"
)

// fold brings a record's contribution into an entity's current document. cur is the document
// as it is; prev is what the record contributed the last time it was imported (nil the first
// time); next is what it contributes now. Plain fields and list items are taken one by one:
//
//   - a value the page lacks is filled;
//   - a value still equal to what the record gave last time follows the record;
//   - a value the record gives for the first time where the page has another, given by another
//     source, stays as it is: the first source to give a fact keeps it;
//   - a value a person changed since the last import stays, and when the record's value changed
//     too, the record's new value goes to the review queue instead.
//
// fold returns the document to save now and, when some values must be reviewed, the document
// to propose on top of it (nil otherwise). Neither cur nor prev nor next is modified.
func fold(cur, prev, next wiki.Document, source string) (accepted, proposed wiki.Document) {
	accepted = wiki.Clone(cur)
	proposed = wiki.Clone(cur)
	av, pv := reflect.ValueOf(accepted).Elem(), reflect.ValueOf(proposed).Elem()
	cv, nv := reflect.ValueOf(cur).Elem(), reflect.ValueOf(next).Elem()
	var ov reflect.Value
	if prev != nil {
		ov = reflect.ValueOf(prev).Elem()
	}
	attributed := otherAttributions(cur, source)
	review := false
	var fields, proposedFields []string
	t := cv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type == reflect.TypeFor[[]wiki.Source]() {
			continue
		}
		name := wiki.JSONName(f)
		c, n := cv.Field(i), nv.Field(i)
		var o reflect.Value
		if ov.IsValid() {
			o = ov.Field(i)
		}
		if c.Kind() == reflect.Slice && c.Type().Elem().Implements(reflect.TypeFor[wiki.Item]()) {
			a, p, r := foldItems(c, o, n)
			av.Field(i).Set(a)
			pv.Field(i).Set(p)
			review = review || r
			continue
		}
		if c.Kind() == reflect.Slice {
			a := foldStrings(c, o, n)
			av.Field(i).Set(a)
			pv.Field(i).Set(a)
			continue
		}
		switch {
		case n.IsZero() && (!o.IsValid() || o.IsZero()):
			// The record says nothing of this field.
		case n.IsZero():
			// The record no longer gives a value: take it away if the page still has the
			// record's old one.
			if equal(c, o) {
				av.Field(i).Set(n)
				pv.Field(i).Set(n)
			}
		case equal(c, n):
			fields = append(fields, name)
		case c.Kind() == reflect.String && search.Key(c.String()) != "" && search.Key(c.String()) == search.Key(n.String()):
			// The same words in another case or spacing ("MEMORIES", "Memories"): what the
			// page has stands, and is no conflict; unless another source wrote it in one case
			// throughout ("attack on titan") and the record writes it as a title is written.
			if attributed[name] && oneCase(c.String()) && !oneCase(n.String()) {
				av.Field(i).Set(n)
				pv.Field(i).Set(n)
				fields = append(fields, name)
			}
		case c.IsZero() || (o.IsValid() && equal(c, o)):
			av.Field(i).Set(n)
			pv.Field(i).Set(n)
			fields = append(fields, name)
		case attributed[name] || (o.IsValid() && equal(o, n)):
			// Another source gave the value, or the record's value did not change and a person's
			// edit stands.
		default:
			pv.Field(i).Set(n)
			proposedFields = append(proposedFields, name)
			review = true
		}
	}
	fields = keepDatesInOrder(cur, accepted, fields)
	proposedFields = keepDatesInOrder(cur, proposed, proposedFields)
	for _, s := range wiki.SourcesOf(next) {
		if s.Key == source {
			putSource(accepted, s)
			putSource(proposed, s)
		}
	}
	setFields(accepted, source, fields)
	setFields(proposed, source, append(slices.Clone(fields), proposedFields...))
	if !review {
		return accepted, nil
	}
	return accepted, proposed
}

// oneCase reports whether s has letters of one case only: all small or all capitals.
func oneCase(s string) bool {
	upper, lower := false, false
	for _, r := range s {
		upper = upper || unicode.IsUpper(r)
		lower = lower || unicode.IsLower(r)
	}
	return upper != lower
}

// keepDatesInOrder undoes what fold took from the record into doc of a pair of dates, a work's
// start and end or a person's birth and death, that would put the end before the start: two
// sources that disagree on a date (a film's premiere and its release) must not make a page that
// cannot be saved. The record's date gives way to the page's, and fields, the fields the record
// is credited with, loses it.
func keepDatesInOrder(cur, doc wiki.Document, fields []string) []string {
	switch d := doc.(type) {
	case *wiki.Work:
		c := cur.(*wiki.Work)
		return inOrder(&d.StartDate, &d.EndDate, c.StartDate, c.EndDate, "start_date", "end_date", fields)
	case *wiki.Person:
		c := cur.(*wiki.Person)
		return inOrder(&d.BirthDate, &d.DeathDate, c.BirthDate, c.DeathDate, "birth_date", "death_date", fields)
	}
	return fields
}

// inOrder is keepDatesInOrder for one pair of dates, from and until, which were wasFrom and
// wasUntil on the page, and whose fields are called fromField and untilField.
func inOrder(from, until *string, wasFrom, wasUntil, fromField, untilField string, fields []string) []string {
	if *from == "" || *until == "" || !wiki.DateBefore(*until, *from) {
		return fields
	}
	for _, d := range []struct {
		v     *string
		was   string
		field string
	}{{from, wasFrom, fromField}, {until, wasUntil, untilField}} {
		if *d.v != d.was {
			*d.v = d.was
			fields = slices.DeleteFunc(fields, func(f string) bool { return f == d.field })
		}
	}
	return fields
}

// foldItems folds keyed list items the way fold does plain fields; items are matched by key,
// and a record's items have keys made from the record, so the same item keeps its key from
// one import to the next.
func foldItems(c, o, n reflect.Value) (accepted, proposed reflect.Value, review bool) {
	ci, ni := index(c), index(n)
	oi := map[string]int{}
	if o.IsValid() {
		oi = index(o)
	}
	accepted = reflect.MakeSlice(c.Type(), 0, c.Len()+n.Len())
	proposed = reflect.MakeSlice(c.Type(), 0, c.Len()+n.Len())
	for i := range c.Len() {
		item := c.Index(i)
		key := item.Interface().(wiki.Item).ItemKey()
		oj, inPrev := oi[key]
		nj, inNext := ni[key]
		switch {
		case !inPrev && !inNext:
			// Not the record's: someone else's item.
			accepted, proposed = reflect.Append(accepted, item), reflect.Append(proposed, item)
		case !inNext:
			// The record dropped it: drop it too unless a person changed it since.
			if !equal(item, o.Index(oj)) {
				accepted, proposed = reflect.Append(accepted, item), reflect.Append(proposed, item)
			}
		case sameContent(item, n.Index(nj)):
			// The page says what the record says, perhaps on another source's word, which
			// stands: the first source to give a fact keeps it.
			accepted, proposed = reflect.Append(accepted, item), reflect.Append(proposed, item)
		case inPrev && equal(item, o.Index(oj)):
			accepted, proposed = reflect.Append(accepted, n.Index(nj)), reflect.Append(proposed, n.Index(nj))
		case inPrev && equal(o.Index(oj), n.Index(nj)):
			// A person changed the item and the record did not: the person's version stands.
			accepted, proposed = reflect.Append(accepted, item), reflect.Append(proposed, item)
		default:
			accepted, proposed = reflect.Append(accepted, item), reflect.Append(proposed, n.Index(nj))
			review = true
		}
	}
	for i := range n.Len() {
		item := n.Index(i)
		key := item.Interface().(wiki.Item).ItemKey()
		if _, ok := ci[key]; ok {
			continue
		}
		if _, removed := oi[key]; removed {
			// It was on the page once and a person removed it: leave it out.
			continue
		}
		if duplicate(c, item) || sameFact(c, item) {
			continue
		}
		accepted, proposed = reflect.Append(accepted, item), reflect.Append(proposed, item)
	}
	if accepted.Len() == 0 {
		accepted = reflect.Zero(c.Type())
	}
	if proposed.Len() == 0 {
		proposed = reflect.Zero(c.Type())
	}
	return accepted, proposed, review
}

// duplicate reports whether list already holds item's content under another key: the same
// title from two sources, the same credit entered by a person.
func duplicate(list, item reflect.Value) bool {
	for i := range list.Len() {
		if sameContent(list.Index(i), item) {
			return true
		}
	}
	return false
}

// sameFact reports whether list already holds an item that states the same fact as item in
// other words: a credit of the same person in the same role (from another data set, with its
// own note), a second id on a site, the same title in the same language. The page may hold one
// such item only, and the first stands.
func sameFact(list, item reflect.Value) bool {
	want := identity(item.Interface())
	if want == "" {
		return false
	}
	for i := range list.Len() {
		if identity(list.Index(i).Interface()) == want {
			return true
		}
	}
	return false
}

// identity names the fact a list item states, for sameFact; "" for items without one.
func identity(item any) string {
	switch it := item.(type) {
	case wiki.Credit:
		return fmt.Sprint("credit|", it.Person, "|", strings.ToLower(strings.TrimSpace(it.Role)))
	case wiki.CompanyCredit:
		return fmt.Sprint("company|", it.Company, "|", strings.ToLower(strings.TrimSpace(it.Role)))
	case wiki.CastMember:
		return fmt.Sprint("cast|", it.Character)
	case wiki.ExternalID:
		return "id|" + it.Site
	case wiki.Title:
		return "title|" + it.Language + "|" + search.Key(it.Text)
	}
	return ""
}

// sameContent reports whether two list items say the same, whatever their keys and sources.
func sameContent(a, b reflect.Value) bool { return reflect.DeepEqual(content(a), content(b)) }

func content(v reflect.Value) any {
	if v.Kind() != reflect.Struct {
		return v.Interface()
	}
	cp := reflect.New(v.Type()).Elem()
	cp.Set(v)
	for _, name := range []string{"Key", "Source"} {
		if f := cp.FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
			f.SetString("")
		}
	}
	return cp.Interface()
}

// foldStrings folds a list of plain strings (aliases) as a set: the record's new strings come,
// the strings it dropped go when the page still has them.
func foldStrings(c, o, n reflect.Value) reflect.Value {
	cur := c.Interface().([]string)
	next := n.Interface().([]string)
	var prev []string
	if o.IsValid() {
		prev = o.Interface().([]string)
	}
	var out []string
	for _, s := range cur {
		if slices.Contains(prev, s) && !slices.Contains(next, s) {
			continue
		}
		out = append(out, s)
	}
	for _, s := range next {
		if !slices.Contains(out, s) && !slices.Contains(prev, s) {
			out = append(out, s)
		}
	}
	return reflect.ValueOf(out)
}

func index(v reflect.Value) map[string]int {
	m := make(map[string]int, v.Len())
	for i := range v.Len() {
		m[v.Index(i).Interface().(wiki.Item).ItemKey()] = i
	}
	return m
}

func equal(a, b reflect.Value) bool { return reflect.DeepEqual(a.Interface(), b.Interface()) }

// otherAttributions lists the plain fields that sources other than source gave.
func otherAttributions(doc wiki.Document, source string) map[string]bool {
	out := map[string]bool{}
	for _, s := range wiki.SourcesOf(doc) {
		if s.Key == source {
			continue
		}
		for _, f := range s.Fields {
			out[f] = true
		}
	}
	return out
}

// setFields records in doc's entry for source which plain fields the source gave.
func setFields(doc wiki.Document, source string, fields []string) {
	list := wiki.SourceList(doc)
	if list == nil {
		return
	}
	slices.Sort(fields)
	fields = slices.Compact(fields)
	if len(fields) == 0 {
		fields = nil
	}
	for i := range *list {
		if (*list)[i].Key == source {
			(*list)[i].Fields = fields
		}
	}
}

// putSource adds s to doc's sources, or replaces the entry with its key.
func putSource(doc wiki.Document, s wiki.Source) {
	list := wiki.SourceList(doc)
	if list == nil {
		return
	}
	for i := range *list {
		if (*list)[i].Key == s.Key {
			(*list)[i] = s
			return
		}
	}
	*list = append(*list, s)
}

// givenFields lists the plain fields a contribution gives a value for.
func givenFields(doc wiki.Document) []string {
	v := reflect.ValueOf(doc).Elem()
	var out []string
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() != reflect.Slice && !f.IsZero() {
			out = append(out, wiki.JSONName(v.Type().Field(i)))
		}
	}
	return out
}
