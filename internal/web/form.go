package web

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"kioku/internal/edit"
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
		if sf.Type == reflect.TypeFor[[]wiki.ExternalID]() {
			if _, isWork := doc.(*wiki.Work); !isWork { // a work's ids have a section of their own
				out = append(out, idsField(fv.Interface().([]wiki.ExternalID), i))
			}
			continue
		}
		if fv.Kind() == reflect.Slice || sf.Type == reflect.TypeFor[wiki.Ref]() || sf.Name == "MainImage" { // the gallery has a page of its own
			continue
		}
		f := formField{Name: name, Label: fieldLabel(sf), index: i}
		switch {
		case sf.Type == reflect.TypeFor[wiki.Medium]():
			f.Type, f.Value = "select", fv.String()
			// Some data sets do not say what type a work is.
			f.Options = append(f.Options, option{"", "(not known)"})
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

// idsField is the form input of a person's, company's or franchise's ids on other sites: a line
// per id, the site's name and the id.
func idsField(ids []wiki.ExternalID, index int) formField {
	var lines, sites []string
	for _, x := range ids {
		lines = append(lines, x.Site+" "+x.ID)
	}
	for _, s := range wiki.Sites {
		sites = append(sites, s.Name)
	}
	return formField{Name: "external_ids", Label: "Ids on other sites", Type: "textarea", Value: strings.Join(lines, "\n"),
		Help: "One per line: the site and the id, such as “wikidata Q1057342”. Sites: " + strings.Join(sites, ", ") + ".", index: index}
}

// parseIDs reads the lines of an ids input.
func parseIDs(text string) ([]wiki.ExternalID, error) {
	var ids []wiki.ExternalID
	for _, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			return nil, wiki.Invalid("ids on other sites: %q is not a site and an id, such as “wikidata Q1057342”", strings.TrimSpace(line))
		}
		if err := edit.SetExternalID(&ids, edit.ExternalIDInput{Site: fields[0], ID: fields[1]}); err != nil {
			return nil, err
		}
	}
	return ids, nil
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
		case reflect.Slice:
			ids, err := parseIDs(form.Get(f.Name))
			if err != nil {
				return err
			}
			fv.Set(reflect.ValueOf(ids))
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
