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
	// Moved is a list item kept but put in another place among the others: Old and New give
	// its place before and after ("3. Satoshi Kon, Writer").
	Moved Op = "moved"
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

// Filled counts the changes Diff finds between an empty document and doc, without describing
// them: what a page's first revision earns, worked out for every page an import makes.
func Filled(doc Document) int {
	v := reflect.ValueOf(doc).Elem()
	n := 0
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Slice && (f.Type().Elem().Implements(itemType) || f.Type().Elem().Kind() == reflect.String):
			n += f.Len() // every item is added
		case !reflect.DeepEqual(reflect.Zero(f.Type()).Interface(), f.Interface()):
			n++
		}
	}
	return n
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
	var kept []int // for each item in both, in the old order, its place in the new list
	for i := range a.Len() {
		if j, ok := cur[a.Index(i).Interface().(Item).ItemKey()]; ok {
			kept = append(kept, j)
		}
	}
	for _, j := range moved(kept) {
		it := b.Index(j).Interface().(Item)
		i := old[it.ItemKey()]
		out = append(out, Change{Field: label, Op: Moved, Old: fmt.Sprintf("%d. %s", i+1, a.Index(i).Interface().(Item).Describe(names)),
			New: fmt.Sprintf("%d. %s", j+1, it.Describe(names))})
	}
	return out
}

// moved takes the new places of the items two lists share, in their old order, and returns the
// places of the fewest items that, moved, account for the new order: those outside a longest
// increasing run of places. The others kept their order relative to each other.
func moved(places []int) []int {
	if len(places) < 2 {
		return nil
	}
	// Patience sorting: tails[k] is the index in places of the smallest last element of an
	// increasing run of length k+1; prev links each element to the one before it in its run.
	tails := make([]int, 0, len(places))
	prev := make([]int, len(places))
	for i, p := range places {
		k, _ := slices.BinarySearchFunc(tails, p, func(t, p int) int { return places[t] - p })
		if k > 0 {
			prev[i] = tails[k-1]
		} else {
			prev[i] = -1
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	inRun := make([]bool, len(places))
	for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
		inRun[i] = true
	}
	var out []int
	for i, p := range places {
		if !inRun[i] {
			out = append(out, p)
		}
	}
	slices.Sort(out)
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
	var kept []int
	for _, s := range as {
		if j := slices.Index(bs, s); j >= 0 {
			kept = append(kept, j)
		}
	}
	for _, j := range moved(kept) {
		out = append(out, Change{Field: label, Op: Moved, Old: fmt.Sprintf("%d. %s", slices.Index(as, bs[j])+1, bs[j]),
			New: fmt.Sprintf("%d. %s", j+1, bs[j])})
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
