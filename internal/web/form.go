package web

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// formField is one input of a generated form for a document's plain fields.
type formField struct {
	Name     string
	Label    string
	Type     string // text, textarea, number, date, checkbox, select
	Value    string
	Checked  bool
	Options  []option
	Required bool
	Help     string
	index    int // of the document's struct field
}

type option struct {
	Value, Label string
}

// scalarFields lists the plain fields of doc (text, numbers, flags) as form inputs, in the
// order the document declares them. Lists and references have forms of their own.
func scalarFields(doc wiki.Document) []formField {
	v := reflect.ValueOf(doc).Elem()
	t := v.Type()
	var out []formField
	for i := range t.NumField() {
		sf := t.Field(i)
		fv := v.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if fv.Kind() == reflect.Slice || sf.Type == reflect.TypeFor[wiki.Ref]() {
			continue
		}
		f := formField{Name: name, Label: fieldLabel(sf), index: i}
		switch {
		case sf.Type == reflect.TypeFor[wiki.Medium]():
			f.Type, f.Value, f.Required = "select", fv.String(), true
			for _, m := range wiki.Media {
				f.Options = append(f.Options, option{string(m.Medium), m.Label})
			}
		case name == "rating":
			f.Type, f.Value = "select", fv.String()
			f.Options = append(f.Options, option{"", "(unknown)"})
			for _, r := range wiki.Ratings {
				f.Options = append(f.Options, option{r, r})
			}
		case fv.Kind() == reflect.Bool:
			f.Type, f.Checked = "checkbox", fv.Bool()
		case fv.Kind() == reflect.Int:
			f.Type = "number"
			if fv.Int() != 0 {
				f.Value = strconv.FormatInt(fv.Int(), 10)
			}
		case name == "description" || name == "summary" || name == "deck":
			f.Type, f.Value = "textarea", fv.String()
			f.Help = "Markdown; [[Title]] links to another page."
		case strings.HasSuffix(name, "date") || name == "founded":
			f.Type, f.Value, f.Help = "text", fv.String(), "YYYY-MM-DD, or YYYY-MM, or YYYY"
		default:
			f.Type, f.Value = "text", fv.String()
		}
		f.Required = f.Required || name == "name"
		out = append(out, f)
	}
	return out
}

func fieldLabel(sf reflect.StructField) string {
	if l := sf.Tag.Get("wiki"); l != "" {
		return l
	}
	return sf.Name
}

// applyScalars sets doc's plain fields from a form made by scalarFields. A field missing from
// the form is cleared, like an emptied input, except flags, which a browser leaves out when
// unchecked anyway.
func applyScalars(doc wiki.Document, form url.Values) error {
	v := reflect.ValueOf(doc).Elem()
	for _, f := range scalarFields(doc) {
		fv := v.Field(f.index)
		raw := strings.TrimSpace(form.Get(f.Name))
		switch fv.Kind() {
		case reflect.Bool:
			fv.SetBool(raw != "")
		case reflect.Int:
			n := 0
			if raw != "" {
				var err error
				if n, err = strconv.Atoi(raw); err != nil {
					return wiki.Invalid("%s must be a whole number, not %q", f.Label, raw)
				}
			}
			fv.SetInt(int64(n))
		case reflect.String:
			if f.Type == "textarea" {
				// Keep the writer's line breaks but not the browser's \r.
				raw = strings.TrimSpace(strings.ReplaceAll(form.Get(f.Name), "\r\n", "\n"))
			}
			fv.SetString(raw)
		}
	}
	return nil
}

// chosenID matches an entity picked from a suggestion list: "Satoshi Kon (#12)".
var chosenID = regexp.MustCompile(`^(?s)(.*?)\s*\(#(\d+)\)$`)

// pick finds the entity of a kind that a person typed the name of. "Name (#id)" picks that
// entity; a plain name picks the one entity with that name, or, when none has it and newDoc is
// given, creates one in the same changeset. forceNew creates a new entity even when the name is
// taken, for two people of one name. Several entities with the name is an error listing them,
// so the person can choose.
func pick(ctx context.Context, c *edit.Changes, kind wiki.Kind, field, input string, forceNew bool, newDoc func(name string) wiki.Document) (wiki.Ref, error) {
	input = strings.Join(strings.Fields(input), " ")
	if input == "" {
		return 0, wiki.Invalid("%s is required", field)
	}
	if m := chosenID.FindStringSubmatch(input); m != nil && !forceNew {
		id, _ := strconv.ParseInt(m[2], 10, 64)
		found, err := c.Tx().EntitiesByID(ctx, []int64{id})
		if err != nil {
			return 0, err
		}
		if e, ok := found[id]; ok && e.Kind == kind {
			return wiki.Ref(id), nil
		}
		return 0, wiki.Invalid("%s: there is no %s #%d", field, kind, id)
	}
	var list []store.Entity
	if !forceNew {
		var err error
		if list, err = c.Tx().EntitiesByName(ctx, kind, input); err != nil {
			return 0, err
		}
	}
	switch {
	case len(list) == 1:
		return wiki.Ref(list[0].ID), nil
	case len(list) > 1:
		choices := make([]string, len(list))
		for i, e := range list {
			choices[i] = fmt.Sprintf("%s (#%d)", e.Name, e.ID)
		}
		return 0, wiki.Invalid("%s: several pages are named %q; write one of %s, or tick “new” to add another",
			field, input, strings.Join(choices, ", "))
	case newDoc == nil:
		return 0, wiki.Invalid("%s: there is no %s named %q", field, kind, input)
	}
	id, err := c.Create(ctx, kind, newDoc(input))
	return wiki.Ref(id), err
}

// removed lists the keys a form asks to remove.
func removed(form url.Values) map[string]bool {
	out := map[string]bool{}
	for _, k := range form["remove"] {
		out[k] = true
	}
	return out
}

// keep drops the items whose keys the form asks to remove.
func keep[T wiki.Item](items []T, remove map[string]bool) []T {
	var out []T
	for _, it := range items {
		if !remove[it.ItemKey()] {
			out = append(out, it)
		}
	}
	return out
}

// blank reports whether all the named form values are empty: an add row left as it was.
func blank(form url.Values, names ...string) bool {
	for _, n := range names {
		if strings.TrimSpace(form.Get(n)) != "" {
			return false
		}
	}
	return true
}
