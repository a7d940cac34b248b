package wiki

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// Filled counts what Diff finds between an empty document and random documents of every kind,
// with empty and nil lists, repeated list items and zero values among them.
func TestFilled(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, kind := range Kinds {
		for range 200 {
			doc, err := New(kind)
			if err != nil {
				t.Fatal(err)
			}
			fillRandom(r, reflect.ValueOf(doc).Elem(), 0)
			empty, _ := New(kind)
			if got, want := Filled(doc), len(Diff(empty, doc, nil)); got != want {
				t.Fatalf("%s: Filled = %d, Diff finds %d changes in %+v", kind, got, want, doc)
			}
		}
	}
}

// fillRandom gives v random values, zero about half the time.
func fillRandom(r *rand.Rand, v reflect.Value, depth int) {
	if r.IntN(2) == 0 && depth > 0 {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillRandom(r, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		n := r.IntN(4)
		if n == 0 {
			if r.IntN(2) == 0 {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // empty, not nil
			}
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillRandom(r, s.Index(i), depth+1)
			if i > 0 && r.IntN(3) == 0 {
				s.Index(i).Set(s.Index(i - 1)) // the same item twice
			}
		}
		v.Set(s)
	case reflect.String:
		v.SetString([]string{"", "a", "b"}[r.IntN(3)])
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(r.IntN(3)))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Float64:
		v.SetFloat(float64(r.IntN(3)))
	}
}
