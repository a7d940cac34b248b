package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"kioku/internal/wiki"
)

// A write takes a document in its stored form, where a reference is the entity's id, or in the
// form the reads write it, so that a program can GET an entity, change a field and PUT it back:
// a reference may be the Ref object a read gives ({"id": 12, "name": "…", "api_url": "…"}), of
// which only the id counts; an external id may carry its url and a picture its url and
// thumbnail_url, which are made from the rest; and the document may hold the entity's own fields
// (entityMeta), which are the address's or read-only. readForm turns such a document into its
// stored form before the strict decoding, which still refuses any field neither form has.

// docMeta is what a document in read form says of its entity.
type docMeta struct {
	// ID and Kind, when given, must be the entity's; Revision, when given, is the revision the
	// document was read at, the write's base when it names none.
	ID       int64
	Kind     string
	Revision int
}

var (
	// refFields are the members of a reference in read form, derived members those made from
	// the rest of an external id and a picture.
	refFields     = fieldNamesOf(reflect.TypeFor[Ref]())
	derivedFields = map[reflect.Type][]string{externalIDType: {"url"}, imageType: {"url", "thumbnail_url"}}
)

func fieldNamesOf(t reflect.Type) []string {
	var out []string
	for _, f := range fieldsOf(t) {
		out = append(out, f.name)
	}
	return out
}

// readForm turns a document of type t sent in read form into its stored form, and returns what
// its entity's own fields say. A document already in stored form comes back as it was; what is
// neither form is left for the strict decoding to refuse.
func readForm(t reflect.Type, data []byte, at string) ([]byte, docMeta, error) {
	var meta docMeta
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return data, meta, nil // the strict decoding says what is wrong
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return data, meta, nil
	}
	own := fieldNamesOf(t)
	for _, name := range metaFields {
		val, ok := obj[name]
		if !ok || slices.Contains(own, name) {
			continue
		}
		delete(obj, name)
		var err error
		switch name {
		case "id":
			meta.ID, err = wholeNumber(val)
		case "kind":
			var ok bool
			if meta.Kind, ok = val.(string); !ok {
				err = fmt.Errorf("a %T where the API takes a string", val)
			}
		case "revision":
			var n int64
			n, err = wholeNumber(val)
			meta.Revision = int(n)
		case "locked":
			if _, ok := val.(bool); !ok {
				err = fmt.Errorf("a %T where the API takes a boolean", val)
			}
		default: // updated_at and the addresses, not read but of their type
			if _, ok := val.(string); !ok {
				err = fmt.Errorf("a %T where the API takes a string", val)
			}
		}
		if err != nil {
			return nil, meta, badRequest("%s.%s: %v", at, name, err)
		}
	}
	if err := storedForm(t, obj, at); err != nil {
		return nil, meta, err
	}
	out, err := json.Marshal(obj)
	return out, meta, err
}

// storedForm rewrites, in place, the value v of Go type t from read form to stored form.
func storedForm(t reflect.Type, v any, at string) error {
	switch {
	case t == refType:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for name := range obj {
			if !slices.Contains(refFields, name) {
				return badRequest("%s: unknown field %q: a reference is an id, or an object of %v whose id counts", at, clip(name), refFields)
			}
		}
		if _, ok := obj["id"]; !ok {
			return badRequest("%s: a reference written as an object needs its id", at)
		}
		return nil // replaced by its id by the caller, which holds the container
	case t.Kind() == reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		for i := range list {
			elemAt := at + "[" + strconv.Itoa(i) + "]"
			if err := storedForm(t.Elem(), list[i], elemAt); err != nil {
				return err
			}
			list[i] = refID(t.Elem(), list[i])
		}
	case t.Kind() == reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for _, name := range derivedFields[t] {
			delete(obj, name)
		}
		for _, f := range fieldsOf(t) {
			val, ok := obj[f.name]
			if !ok {
				continue
			}
			if err := storedForm(f.typ, val, at+"."+f.name); err != nil {
				return err
			}
			obj[f.name] = refID(f.typ, val)
		}
	}
	return nil
}

// refID is a value of type t in stored form: a reference's id for a reference in read form.
func refID(t reflect.Type, v any) any {
	if obj, ok := v.(map[string]any); ok && t == refType {
		return obj["id"]
	}
	return v
}

// wholeNumber reads a JSON number that is a whole number.
func wholeNumber(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("a %T where the API takes a number", v)
	}
	i, err := n.Int64()
	if err != nil {
		return 0, fmt.Errorf("%s is not a whole number", clip(n.String()))
	}
	return i, nil
}

// checkMeta refuses a document whose own fields name another entity than the one written: id
// (0 for a new one) of kind k.
func checkMeta(meta docMeta, id int64, k wiki.Kind, at string) []string {
	var problems []string
	if meta.ID != 0 && meta.ID != id {
		if id == 0 {
			problems = append(problems, fmt.Sprintf("%s.id: the document is of entity %d; to change it, give its id (and base) in the change", at, meta.ID))
		} else {
			problems = append(problems, fmt.Sprintf("%s.id: the document is of entity %d, not %d", at, meta.ID, id))
		}
	}
	if meta.Kind != "" && meta.Kind != string(k) {
		problems = append(problems, fmt.Sprintf("%s.kind: the document is of a %s, not a %s", at, clip(meta.Kind), k))
	}
	return problems
}
