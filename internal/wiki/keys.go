package wiki

import "reflect"

// FillKeys gives every list item of doc that has a key field but no key a new key: an item sent
// without one (through the API) is a new item. Items with keys keep them, so that edits to
// them merge with other edits of the same list.
func FillKeys(doc Document) {
	fillKeys(reflect.ValueOf(doc))
}

func fillKeys(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fillKeys(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			fillKeys(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				fillKeys(v.Field(i))
			}
		}
		if k := v.FieldByName("Key"); k.IsValid() && k.Kind() == reflect.String && k.CanSet() && k.String() == "" {
			k.SetString(NewKey())
		}
	}
}
