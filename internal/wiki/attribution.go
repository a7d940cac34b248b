package wiki

import (
	"reflect"
	"slices"
	"strings"
)

// JSONName is the name a document's field has in its JSON form, which sources use to say which
// plain fields they gave.
func JSONName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

var sourceSliceType = reflect.TypeFor[[]Source]()

// sourcesField returns the document's list of sources, or an invalid value for a kind that
// keeps none.
func sourcesField(v reflect.Value) reflect.Value {
	for i := range v.NumField() {
		if v.Field(i).Type() == sourceSliceType {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

// Reattribute keeps doc's sources honest after an edit from old: a plain field or list item that
// the edit changed no longer names a source that the edit left as it was, because the value is
// then a person's, not the source's. An edit that brings a source's new values (an import)
// changes that source's entry too (its version, its fields), and its attributions stand. old
// may be nil for a new entity; doc is changed in place.
func Reattribute(old, doc Document) {
	if old == nil || reflect.ValueOf(old).IsNil() {
		return
	}
	ov, nv := reflect.ValueOf(old).Elem(), reflect.ValueOf(doc).Elem()
	ns := sourcesField(nv)
	if !ns.IsValid() || ns.Len() == 0 {
		return
	}
	os := sourcesField(ov)
	// unchanged holds the keys of sources this edit did not touch: their attributions can go
	// stale.
	unchanged := map[string]bool{}
	for i := range ns.Len() {
		s := ns.Index(i).Interface().(Source)
		for j := range os.Len() {
			if o := os.Index(j).Interface().(Source); o.Key == s.Key && reflect.DeepEqual(o, s) {
				unchanged[s.Key] = true
			}
		}
	}
	if len(unchanged) == 0 {
		return
	}
	t := nv.Type()
	var changed []string
	for i := range t.NumField() {
		f, a, b := t.Field(i), ov.Field(i), nv.Field(i)
		if b.Kind() == reflect.Slice {
			if b.Type().Elem().Implements(itemType) && b.Type() != sourceSliceType {
				unsourceItems(a, b, unchanged)
			}
			continue
		}
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			changed = append(changed, JSONName(f))
		}
	}
	for i := range ns.Len() {
		s := ns.Index(i).Addr().Interface().(*Source)
		if !unchanged[s.Key] {
			continue
		}
		s.Fields = slices.DeleteFunc(slices.Clone(s.Fields), func(f string) bool { return slices.Contains(changed, f) })
		if len(s.Fields) == 0 {
			s.Fields = nil
		}
	}
}

// unsourceItems clears the Source of every item of list b that differs from its version in a
// while naming a source in unchanged.
func unsourceItems(a, b reflect.Value, unchanged map[string]bool) {
	et := b.Type().Elem()
	if et.Kind() != reflect.Struct {
		return
	}
	sf, ok := et.FieldByName("Source")
	if !ok || sf.Type.Kind() != reflect.String {
		return
	}
	old := indexItems(a)
	for i := range b.Len() {
		item := b.Index(i)
		src := item.FieldByIndex(sf.Index)
		if !unchanged[src.String()] {
			continue
		}
		j, ok := old[item.Interface().(Item).ItemKey()]
		if !ok || !reflect.DeepEqual(a.Index(j).Interface(), item.Interface()) {
			src.SetString("")
		}
	}
}

// SourcesOf returns the sources a document keeps, or nil.
func SourcesOf(doc Document) []Source {
	if list := SourceList(doc); list != nil {
		return *list
	}
	return nil
}

// SourceList is the document's list of sources, to change in place; nil for a kind that keeps
// none.
func SourceList(doc Document) *[]Source {
	v := sourcesField(reflect.ValueOf(doc).Elem())
	if !v.IsValid() {
		return nil
	}
	return v.Addr().Interface().(*[]Source)
}
