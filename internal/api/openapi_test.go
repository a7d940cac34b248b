package api

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// spec loads the OpenAPI document with kin-openapi, which must find it valid.
func spec(t *testing.T) *openapi3.T {
	t.Helper()
	data, err := json.Marshal(Document())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

// fill sets every field of v, recursively, to a value that is not empty, so that nothing is
// left out for omitempty.
func fill(v reflect.Value) {
	switch {
	case v.Kind() == reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem())
		v.Set(p)
	case v.Type() == reflect.TypeFor[wiki.Medium]():
		v.SetString(string(wiki.MediumFilm))
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(time.Date(1995, 12, 23, 0, 0, 0, 0, time.UTC)))
	case v.Kind() == reflect.String:
		v.SetString("x")
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		v.SetInt(1)
	case v.Kind() == reflect.Bool:
		v.SetBool(true)
	case v.Kind() == reflect.Slice && v.Type() != reflect.TypeFor[json.RawMessage]():
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0))
		v.Set(s)
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}

// check validates a JSON body against a component schema, and checks that the body has every
// property the schema lists: the schema and the Go type agree in both directions.
func check(t *testing.T, doc *openapi3.T, schema string, body []byte) {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v in %s", schema, err, body)
	}
	s := doc.Components.Schemas[schema].Value
	if err := s.VisitJSON(v); err != nil {
		t.Errorf("%s: a full value does not follow its schema: %v\n%s", schema, err, body)
	}
	for name := range s.Properties {
		if _, ok := v[name]; !ok {
			t.Errorf("%s: the schema has %q, which the Go type does not write", schema, name)
		}
	}
	v["not_in_the_schema"] = 1
	if s.VisitJSON(v) == nil {
		t.Errorf("%s: a property the schema does not list passed", schema)
	}
}

// TestSchemasMatchTheGoTypes writes a value of every response type with every field set and
// checks it against the document's schema for it.
func TestSchemasMatchTheGoTypes(t *testing.T) {
	doc := spec(t)
	refs := map[int64]store.Entity{1: {ID: 1, Kind: wiki.KindPerson, Head: 1, Name: "x", Segment: "person"}}
	for _, c := range collections {
		d, _ := wiki.New(c.Kind)
		fill(reflect.ValueOf(d).Elem())
		w := writer{refs: refs}
		w.document(d)
		check(t, doc, c.Schema+"Document", w.buf.Bytes())

		w = writer{refs: refs}
		w.entity(store.Entity{ID: 2, Kind: c.Kind, Head: 3, Name: "x", Segment: "x", UpdatedAt: time.Now(), Locked: true}, d, nil)
		check(t, doc, c.Schema, w.buf.Bytes())

		// A write's body holds the document in its stored form.
		stored, err := wiki.Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(EntityWrite{Base: 1, Summary: "x", Document: stored})
		check(t, doc, c.Schema+"Write", body)
		body, _ = json.Marshal(ChangesetWrite{Summary: "x", Changes: []ChangeWrite{{Kind: string(c.Kind), ID: 1, Base: 1, Document: stored}}})
		check(t, doc, "ChangesetWrite", body)
		// Or as the reads write it.
		w = writer{refs: refs}
		w.entity(store.Entity{ID: 2, Kind: c.Kind, Head: 3, Name: "x", Segment: "x", UpdatedAt: time.Now(), Locked: true}, d, nil)
		body, _ = json.Marshal(EntityWrite{Base: 1, Summary: "x", Document: w.buf.Bytes()})
		check(t, doc, c.Schema+"Write", body)
	}
	conflict := &ConflictProblem{}
	fill(reflect.ValueOf(conflict).Elem())
	conflict.Current = json.RawMessage(`{"name":"x"}`)
	data, _ := json.Marshal(conflict)
	check(t, doc, "ConflictProblem", data)
	for name, v := range map[string]any{
		"Revision": &Revision{}, "Diff": &Diff{}, "Ref": &Ref{}, "RevisionList": &Page[Revision]{}, "Root": &Root{},
		"WriteResult": &WriteResult{}, "FeedPage": &FeedPage{}, "InvalidProblem": &InvalidProblem{},
		"Changeset": &Changeset{},
	} {
		fill(reflect.ValueOf(v).Elem())
		if cs, ok := v.(*Changeset); ok {
			cs.Status = store.StatusAccepted // one of an enum
		}
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		check(t, doc, name, data)
	}
	// Every collection has its five addresses.
	for _, c := range collections {
		for _, p := range []string{"", "/{id}", "/{id}/revisions", "/{id}/revisions/{n}", "/{id}/diff"} {
			if doc.Paths.Find(Prefix+"/"+c.Path+p) == nil {
				t.Errorf("the document has no %s", Prefix+"/"+c.Path+p)
			}
		}
	}
	if !slices.Equal(metaFields[:3], []string{"id", "kind", "name"}) {
		t.Errorf("entities start with %v", metaFields)
	}
}
