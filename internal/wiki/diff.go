package wiki

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
)

// Item is an element of a document list with a stable identity: credits, releases, cast,
// references. Diffs and merges match items by key, not by position.
type Item interface {
	ItemKey() string
	Describe(Names) string
}

var itemType = reflect.TypeFor[Item]()

// Op says what happened to a field or a list item between two revisions.
type Op string

// The operations a diff reports.
const (
	Changed Op = "changed"
	Added   Op = "added"
	Removed Op = "removed"
)

// Change is one difference between two documents, described for a reader.
type Change struct {
	Field string // the field's label, such as "Credits"
	Op    Op
	Old   string // empty when added
	New   string // empty when removed
}

// Diff lists the differences from a to b field by field, in the order the document declares its
// fields; list items are matched by key. a may be nil, for an entity's first revision. names
// finds the names of referenced entities.
func Diff(a, b Document, names Names) []Change {
	bv := reflect.ValueOf(b).Elem()
	av := reflect.New(bv.Type()).Elem()
	if a != nil && !reflect.ValueOf(a).IsNil() {
		av = reflect.ValueOf(a).Elem()
	}
	var out []Change
	for i, label := range fieldLabels(bv.Type()) {
		out = append(out, diffField(label, av.Field(i), bv.Field(i), names)...)
	}
	return out
}

// labels holds each document type's field labels, worked out once: an import diffs a hundred
// thousand first revisions.
var labels sync.Map // reflect.Type → []string

// fieldLabels lists the labels of a document type's fields, in order.
func fieldLabels(t reflect.Type) []string {
	if l, ok := labels.Load(t); ok {
		return l.([]string)
	}
	out := make([]string, t.NumField())
	for i := range out {
		f := t.Field(i)
		if out[i] = f.Tag.Get("wiki"); out[i] == "" {
			out[i] = f.Name
		}
	}
	labels.Store(t, out)
	return out
}

func diffField(label string, a, b reflect.Value, names Names) []Change {
	switch {
	case a.Kind() == reflect.Slice && a.Type().Elem().Implements(itemType):
		return diffItems(label, a, b, names)
	case a.Kind() == reflect.Slice && a.Type().Elem().Kind() == reflect.String:
		return diffStrings(label, a, b)
	case reflect.DeepEqual(a.Interface(), b.Interface()):
		return nil
	}
	return []Change{{Field: label, Op: Changed, Old: describeScalar(a, names), New: describeScalar(b, names)}}
}

func describeScalar(v reflect.Value, names Names) string {
	if r, ok := v.Interface().(Ref); ok {
		return names.Name(int64(r))
	}
	if v.IsZero() {
		return ""
	}
	if v.Kind() == reflect.Bool {
		if v.Bool() {
			return "yes"
		}
		return "no"
	}
	return fmt.Sprint(v.Interface())
}

func diffItems(label string, a, b reflect.Value, names Names) []Change {
	old := indexItems(a)
	cur := indexItems(b)
	var out []Change
	for i := range a.Len() {
		it := a.Index(i).Interface().(Item)
		if j, ok := cur[it.ItemKey()]; !ok {
			out = append(out, Change{Field: label, Op: Removed, Old: it.Describe(names)})
		} else if nv := b.Index(j).Interface(); !reflect.DeepEqual(it, nv) {
			out = append(out, Change{Field: label, Op: Changed, Old: it.Describe(names), New: nv.(Item).Describe(names)})
		}
	}
	for i := range b.Len() {
		it := b.Index(i).Interface().(Item)
		if _, ok := old[it.ItemKey()]; !ok {
			out = append(out, Change{Field: label, Op: Added, New: it.Describe(names)})
		}
	}
	return out
}

func diffStrings(label string, a, b reflect.Value) []Change {
	as, bs := a.Interface().([]string), b.Interface().([]string)
	var out []Change
	for _, s := range as {
		if !slices.Contains(bs, s) {
			out = append(out, Change{Field: label, Op: Removed, Old: s})
		}
	}
	for _, s := range bs {
		if !slices.Contains(as, s) {
			out = append(out, Change{Field: label, Op: Added, New: s})
		}
	}
	return out
}

func indexItems(v reflect.Value) map[string]int {
	m := make(map[string]int, v.Len())
	for i := range v.Len() {
		m[v.Index(i).Interface().(Item).ItemKey()] = i
	}
	return m
}
