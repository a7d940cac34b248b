package wiki

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Every string of every document passes through Clean before it is checked and saved, whoever
// wrote it (a form, the importer, the API): the rules for text are here once.

// MaxLine is the longest single-line value a document may hold, in characters, where the field
// has no limit of its own (names and titles have shorter ones, in Validate).
const MaxLine = 1000

// MaxItems is the most entries a list of a document may have (the longest series in the data
// sets credits a few hundred people).
const MaxItems = 5000

// Clean makes every string of doc canonical and reports the strings no document may hold. It
// brings text to Unicode NFC (so that a name typed on two keyboards is one name), removes
// bidirectional controls everywhere and invisible characters from single-line fields (a title
// of zero-width spaces is no title), and turns the line ends of multi-line text into "\n". It
// refuses invalid UTF-8, control characters (tab and newline are allowed in multi-line text
// only), strings past their length limit and lists past MaxItems, naming the field.
func Clean(doc Document) error {
	v := reflect.ValueOf(doc)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return Invalid("not a document")
	}
	c := cleaner{path: make([]step, 0, 8)}
	c.structure(v.Elem())
	return c.p.err()
}

// cleaner walks a document. Its path names where it is ("credits", 2, "note"), and is spelt
// out only to say what is wrong, since a document's hundreds of strings are almost always fine.
type cleaner struct {
	p    problems
	path []step
}

type step struct {
	label string
	index int // from 1, for an entry of a list; 0 for a field
}

func (c *cleaner) where() string {
	var b strings.Builder
	for i, s := range c.path {
		switch {
		case s.index > 0:
			b.WriteString(" " + strconv.Itoa(s.index))
		case i > 0:
			b.WriteString(": " + s.label)
		default:
			b.WriteString(s.label)
		}
	}
	return b.String()
}

// field is what the cleaner needs of a struct field, worked out once per type.
type field struct {
	index int
	label string
	multi bool
}

var fieldsOf sync.Map // reflect.Type → []field

func cleanFields(t reflect.Type) []field {
	if f, ok := fieldsOf.Load(t); ok {
		return f.([]field)
	}
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		switch k := f.Type.Kind(); {
		case k == reflect.String, k == reflect.Struct,
			k == reflect.Slice && (f.Type.Elem().Kind() == reflect.String || f.Type.Elem().Kind() == reflect.Struct):
		default:
			continue // numbers, flags, references
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		label := strings.ToLower(f.Tag.Get("wiki"))
		if label == "" {
			label = strings.ReplaceAll(name, "_", " ")
		}
		out = append(out, field{index: i, label: label, multi: multiLine[name]})
	}
	fieldsOf.Store(t, out)
	return out
}

// multiLine names the fields (by their JSON names) written as paragraphs of wiki text.
var multiLine = map[string]bool{"description": true, "summary": true, "deck": true}

func (c *cleaner) structure(v reflect.Value) {
	for _, f := range cleanFields(v.Type()) {
		c.path = append(c.path, step{label: f.label})
		c.value(f.multi, v.Field(f.index))
		c.path = c.path[:len(c.path)-1]
	}
}

func (c *cleaner) value(multi bool, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		s, problem := CleanText(v.String(), multi)
		if problem != "" {
			c.p.addf("%s %s", c.where(), problem)
			return
		}
		if v.String() != s {
			v.SetString(s)
		}
	case reflect.Struct:
		c.structure(v)
	case reflect.Slice:
		if v.Len() > MaxItems {
			c.p.addf("%s has more than %d entries", c.where(), MaxItems)
			return
		}
		for i := range v.Len() {
			c.path = append(c.path, step{index: i + 1})
			c.value(multi, v.Index(i))
			c.path = c.path[:len(c.path)-1]
		}
	}
}

// CleanText returns s made canonical as Clean does, or a problem with it ("is not valid UTF-8",
// "holds a control character (U+001B)", "is longer than 1000 characters"), for a field of one
// line or of several.
func CleanText(s string, multi bool) (string, string) {
	if !utf8.ValidString(s) {
		return "", "is not valid UTF-8"
	}
	if multi {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	for _, r := range s {
		if (r < 0x20 || r >= 0x7f && r < 0xa0) && !(multi && (r == '\n' || r == '\t')) {
			return "", fmt.Sprintf("holds a control character (%U), which text may not", r)
		}
	}
	if strings.IndexFunc(s, func(r rune) bool { return r >= 0x80 && invisible(r, multi) }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if invisible(r, multi) {
				return -1
			}
			return r
		}, s)
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	limit := MaxLine
	if multi {
		limit = MaxText
	}
	if utf8.RuneCountInString(s) > limit {
		return "", fmt.Sprintf("is longer than %d characters", limit)
	}
	return s, ""
}

// invisible reports whether r is removed from text: bidirectional embeddings, overrides and
// isolates everywhere (they make text read other than it is stored), and in single-line fields
// also the characters that take no space (zero-width space and joiners, direction marks, word
// joiner, byte order mark, soft hyphen), which names and titles have no use for.
func invisible(r rune, multi bool) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case multi:
		return false
	}
	switch r {
	case 0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF:
		return true
	}
	return false
}
