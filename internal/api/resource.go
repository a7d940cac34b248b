package api

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"kioku/internal/images"
	"kioku/internal/store"
	"kioku/internal/wiki"
)

// An entity is written as one JSON object: the entity's own fields (metaFields) followed by its
// document's fields, in the order the document's Go struct declares them, under the same JSON
// names the revisions store. References (wiki.Ref) are written resolved, as a Ref object, and
// external ids carry the address of their page. Both this writer and the OpenAPI schemas walk
// the document types by reflection, so a field added to a document appears in both at once.

// entityMeta is what every entity has, whatever its kind, written before its document's fields.
type entityMeta struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	// Name is the entity's name, its document's name.
	Name string `json:"name"`
	// Revision is the number of the current revision, UpdatedAt when it was accepted.
	Revision  int       `json:"revision"`
	UpdatedAt time.Time `json:"updated_at"`
	// Locked entities may be changed only by trusted editors.
	Locked  bool   `json:"locked"`
	APIURL  string `json:"api_url"`
	SiteURL string `json:"site_url"`
}

var (
	metaType = reflect.TypeFor[entityMeta]()
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
	// metaFields are the JSON names of entityMeta's fields.
	metaFields = func() []string {
		var out []string
		for _, f := range fieldsOf(metaType) {
			out = append(out, f.name)
		}
		return out
	}()
)

// Ref is a resolved reference to another entity.
type Ref struct {
	ID int64 `json:"id"`
	// Kind, Name and the addresses are left out when the entity has no page (any more).
	Kind    string `json:"kind,omitempty"`
	Name    string `json:"name,omitempty"`
	APIURL  string `json:"api_url,omitempty"`
	SiteURL string `json:"site_url,omitempty"`
}

// refOf resolves a reference with the entities read for it.
func refOf(id int64, refs map[int64]store.Entity) Ref {
	e, ok := refs[id]
	if !ok {
		return Ref{ID: id}
	}
	return Ref{ID: id, Kind: string(e.Kind), Name: e.Name, APIURL: entityURL(e), SiteURL: e.Path()}
}

var (
	refType        = reflect.TypeFor[wiki.Ref]()
	externalIDType = reflect.TypeFor[wiki.ExternalID]()
	imageType      = reflect.TypeFor[wiki.Image]()
)

// docField is one JSON field of a document struct.
type docField struct {
	name      string
	index     int
	omitempty bool
	typ       reflect.Type
}

var fieldCache sync.Map // reflect.Type → []docField

// fieldsOf lists the JSON fields of a struct type in declaration order.
func fieldsOf(t reflect.Type) []docField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]docField)
	}
	var out []docField
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, docField{name: name, index: i, omitempty: slices.Contains(strings.Split(opts, ","), "omitempty"), typ: sf.Type})
	}
	fieldCache.Store(t, out)
	return out
}

// docType is the Go type of a kind's document.
func docType(k wiki.Kind) reflect.Type {
	d, err := wiki.New(k)
	if err != nil {
		panic(err) // every collection's kind is a known kind
	}
	return reflect.TypeOf(d).Elem()
}

// fieldNames lists every field of a collection's entities, in the order they are written.
func fieldNames(c collection) []string {
	out := slices.Clone(metaFields)
	for _, f := range fieldsOf(docType(c.Kind)) {
		if f.name != "name" {
			out = append(out, f.name)
		}
	}
	return out
}

// rowFields are the fields a list can give from its rows alone, without reading documents:
// the entity's own, and a work's facts the store keeps beside it.
func rowFields(k wiki.Kind) []string {
	if k == wiki.KindWork {
		return append(slices.Clone(metaFields), "medium", "original_title", "start_date", "end_date", "episodes")
	}
	return metaFields
}

// fieldSet is the fields a reader picked; nil means the default.
type fieldSet map[string]bool

// has reports whether field f is to be written; a nil set keeps every field.
func (s fieldSet) has(f string) bool { return s == nil || s[f] }

// needsDocument reports whether writing these fields of kind k needs the entities' documents.
func (s fieldSet) needsDocument(k wiki.Kind) bool {
	if s == nil {
		return true
	}
	rows := rowFields(k)
	for f := range s {
		if !slices.Contains(rows, f) {
			return true
		}
	}
	return false
}

// parseFields reads the fields parameter: field names separated by commas. The id is always
// written. Without it, a list writes the row fields and a single entity every field.
func parseFields(c collection, v url.Values, list bool) (fieldSet, error) {
	s := single(v, "fields")
	if s == "" {
		if list {
			set := fieldSet{}
			for _, f := range rowFields(c.Kind) {
				set[f] = true
			}
			return set, nil
		}
		return nil, nil
	}
	return pickFields(c.Path, fieldNames(c), s)
}

// pickFields reads a fields parameter s (not empty) naming some of all, the fields of what
// ("works"); the id is always written.
func pickFields(what string, all []string, s string) (fieldSet, error) {
	names := strings.Split(s, ",")
	if len(names) > MaxFields {
		return nil, badRequest("at most %d fields may be picked", MaxFields)
	}
	set := fieldSet{"id": true}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if !slices.Contains(all, n) {
			return nil, badRequest("%s have no field %q; their fields are %s", what, clip(n), strings.Join(all, ", "))
		}
		set[n] = true
	}
	return set, nil
}

// writer writes entities and documents as JSON, resolving references with refs.
type writer struct {
	buf  bytes.Buffer
	refs map[int64]store.Entity
	// comma is whether the object being written already has a member.
	comma bool
}

// entity writes e with its document doc (nil when not read), keeping the fields in keep.
func (w *writer) entity(e store.Entity, doc wiki.Document, keep fieldSet) {
	w.buf.WriteByte('{')
	w.comma = false
	meta := entityMeta{ID: e.ID, Kind: string(e.Kind), Name: e.Name, Revision: e.Head, UpdatedAt: e.UpdatedAt,
		Locked: e.Locked, APIURL: entityURL(e), SiteURL: e.Path()}
	w.fields(reflect.ValueOf(meta), keep.has)
	if doc != nil {
		w.fields(reflect.ValueOf(doc).Elem(), func(name string) bool { return name != "name" && keep.has(name) })
	}
	w.buf.WriteByte('}')
}

// document writes a document alone, as a revision holds it.
func (w *writer) document(doc wiki.Document) {
	w.value(reflect.ValueOf(doc).Elem())
}

func (w *writer) member(name string) {
	if w.comma {
		w.buf.WriteByte(',')
	}
	w.comma = true
	w.str(name)
	w.buf.WriteByte(':')
}

// fields writes the members of struct v that keep accepts, leaving out empty omitempty ones.
func (w *writer) fields(v reflect.Value, keep func(string) bool) {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if !keep(f.name) || (f.omitempty && fv.IsZero()) || (f.omitempty && fv.Kind() == reflect.Slice && fv.Len() == 0) {
			continue
		}
		w.member(f.name)
		w.value(fv)
	}
	if v.Type() == externalIDType {
		if u := v.Interface().(wiki.ExternalID).URL(); u != "" {
			w.member("url")
			w.str(u)
		}
	}
	if v.Type() == imageType {
		im := v.Interface().(wiki.Image)
		w.member("url")
		w.str(images.URL(im.Key, 0))
		w.member("thumbnail_url")
		w.str(images.URL(im.Key, images.Thumbnail(im.Width)))
	}
}

func (w *writer) value(v reflect.Value) {
	if v.Type() == timeType {
		w.str(v.Interface().(time.Time).UTC().Format(time.RFC3339Nano))
		return
	}
	if v.Type() == refType {
		w.value(reflect.ValueOf(refOf(v.Int(), w.refs)))
		return
	}
	if v.Type() == rawType {
		w.buf.Write(v.Bytes())
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		w.value(v.Elem()) // fields leaves out nil ones, which are all omitempty
	case reflect.String:
		w.str(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		w.buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Slice:
		w.buf.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.value(v.Index(i))
		}
		w.buf.WriteByte(']')
	case reflect.Struct:
		outer := w.comma
		w.buf.WriteByte('{')
		w.comma = false
		w.fields(v, func(string) bool { return true })
		w.buf.WriteByte('}')
		w.comma = outer
	default:
		panic("api: no JSON form for " + v.Type().String()) // documents hold only the kinds above
	}
}

// str writes s as a JSON string. Invalid UTF-8 (which validation refuses anyway) becomes U+FFFD.
func (w *writer) str(s string) {
	const hex = "0123456789abcdef"
	b := &w.buf
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			// Valid JSON, but not valid JavaScript in older engines.
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
