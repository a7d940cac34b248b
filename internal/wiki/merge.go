package wiki

import (
	"fmt"
	"reflect"
	"slices"
)

// Conflict is a field or list item that both sides changed differently since their common base.
type Conflict struct {
	Field  string // the field's label
	Theirs string // the value as it is now
	Ours   string // the value the edit proposed
}

// Merge applies the change from base to ours on top of theirs, field by field: a field or list
// item that only one side changed takes that side's value; one that both changed the same way
// is kept; one that both changed differently is a conflict and keeps theirs. base, theirs and
// ours must be documents of one kind; none is modified.
func Merge(base, theirs, ours Document, names Names) (Document, []Conflict) {
	out := Clone(theirs)
	bv, tv, ov := reflect.ValueOf(base).Elem(), reflect.ValueOf(theirs).Elem(), reflect.ValueOf(ours).Elem()
	rv := reflect.ValueOf(out).Elem()
	var conflicts []Conflict
	for i, label := range fieldLabels(bv.Type()) {
		b, t, o := bv.Field(i), tv.Field(i), ov.Field(i)
		switch {
		case b.Kind() == reflect.Slice && b.Type().Elem().Implements(itemType):
			merged, cs := mergeItems(label, b, t, o, names)
			rv.Field(i).Set(merged)
			conflicts = append(conflicts, cs...)
		case b.Kind() == reflect.Slice && b.Type().Elem().Kind() == reflect.String:
			rv.Field(i).Set(reflect.ValueOf(mergeStrings(b.Interface().([]string), t.Interface().([]string), o.Interface().([]string))))
		default:
			switch {
			case equal(o, b):
			case equal(t, b) || equal(t, o):
				rv.Field(i).Set(o)
			default:
				conflicts = append(conflicts, Conflict{Field: label, Theirs: describeScalar(t, names), Ours: describeScalar(o, names)})
			}
		}
	}
	return out, conflicts
}

func equal(a, b reflect.Value) bool { return reflect.DeepEqual(a.Interface(), b.Interface()) }

// mergeItems merges a keyed list. The result keeps theirs' order and appends the items only
// ours added, in ours' order.
func mergeItems(label string, b, t, o reflect.Value, names Names) (reflect.Value, []Conflict) {
	bi, ti, oi := indexItems(b), indexItems(t), indexItems(o)
	out := reflect.MakeSlice(t.Type(), 0, t.Len()+o.Len())
	var conflicts []Conflict
	describe := func(v reflect.Value) string { return v.Interface().(Item).Describe(names) }
	for i := range t.Len() {
		tItem := t.Index(i)
		key := tItem.Interface().(Item).ItemKey()
		bj, inBase := bi[key]
		oj, inOurs := oi[key]
		switch {
		case !inBase:
			// Added by theirs; ours cannot hold the same fresh key.
			out = reflect.Append(out, tItem)
		case !inOurs:
			// Ours removed it: honour that unless theirs changed it meanwhile.
			if !equal(tItem, b.Index(bj)) {
				conflicts = append(conflicts, Conflict{Field: label, Theirs: describe(tItem), Ours: "(removed)"})
				out = reflect.Append(out, tItem)
			}
		default:
			bItem, oItem := b.Index(bj), o.Index(oj)
			switch {
			case equal(oItem, bItem):
				out = reflect.Append(out, tItem)
			case equal(tItem, bItem) || equal(tItem, oItem):
				out = reflect.Append(out, oItem)
			default:
				conflicts = append(conflicts, Conflict{Field: label, Theirs: describe(tItem), Ours: describe(oItem)})
				out = reflect.Append(out, tItem)
			}
		}
	}
	for i := range o.Len() {
		oItem := o.Index(i)
		key := oItem.Interface().(Item).ItemKey()
		_, inBase := bi[key]
		_, inTheirs := ti[key]
		switch {
		case !inBase && !inTheirs:
			out = reflect.Append(out, oItem)
		case inBase && !inTheirs && !equal(oItem, b.Index(bi[key])):
			// Theirs removed an item that ours changed.
			conflicts = append(conflicts, Conflict{Field: label, Theirs: "(removed)", Ours: describe(oItem)})
		}
	}
	if out.Len() == 0 {
		// An empty list is stored as none, as a decoded document has it.
		return reflect.Zero(t.Type()), conflicts
	}
	return out, conflicts
}

// mergeStrings merges a list of plain strings (aliases) as a set: what ours removed goes, what
// ours added comes, everything theirs did stays.
func mergeStrings(base, theirs, ours []string) []string {
	var out []string
	for _, s := range theirs {
		if slices.Contains(base, s) && !slices.Contains(ours, s) {
			continue
		}
		out = append(out, s)
	}
	for _, s := range ours {
		if !slices.Contains(base, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// String describes the conflict in one line.
func (c Conflict) String() string {
	return fmt.Sprintf("%s: now %q, the edit wants %q", c.Field, c.Theirs, c.Ours)
}
