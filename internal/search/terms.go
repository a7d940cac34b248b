package search

import (
	"strings"

	"kioku/internal/wiki"
)

// Field says which of an entity's names a term comes from. Lower fields rank first when two
// entities match a query equally well.
type Field int

// The fields of a term.
const (
	// FieldName is the page's name.
	FieldName Field = iota
	// FieldOriginal is the title or name in the original script: a work's original title, a
	// person's native name.
	FieldOriginal
	// FieldTitle is any other title: another language's, a release's, an alias.
	FieldTitle
	// FieldReading is a kana reading, or its romanisation, or a name with its words turned
	// round ("Otomo Katsuhiro" for "Katsuhiro Otomo").
	FieldReading
)

// Main reports whether a term of this field is the entity's own title rather than another
// name for it: an exact match of a main title ranks before an exact match of an alias.
func (f Field) Main() bool { return f <= FieldOriginal }

// Term is one searchable name of an entity: its folded key and its text as written.
type Term struct {
	EntityID int64
	Kind     wiki.Kind
	Field    Field
	Key      string
	Text     string
}

// maxTerms bounds the terms of one entity, so that no document costs the index more than a
// few dozen rows.
const maxTerms = 64

// Terms lists the searchable names of a document, each key once (under its most important
// field). This is what the index holds of an entity; the store keeps it in step with the
// entity's current revision.
func Terms(kind wiki.Kind, doc wiki.Document) []Term {
	var t terms
	if wiki.MergedInto(doc) != 0 {
		return nil // a redirect is found as the page it was merged into
	}
	switch d := doc.(type) {
	case *wiki.Work:
		t.add(FieldName, d.Name)
		t.add(FieldOriginal, d.OriginalTitle)
		t.reading(d.OriginalTitleKana)
		for _, x := range d.Titles {
			t.add(FieldTitle, x.Text)
			t.romaji(FieldTitle, x.Text)
		}
		for _, a := range d.Aliases {
			t.add(FieldTitle, a)
		}
		for _, r := range d.Releases {
			t.add(FieldTitle, r.Title)
			t.romaji(FieldTitle, r.Title)
		}
	case *wiki.Episode:
		t.add(FieldName, d.Name)
		t.add(FieldOriginal, d.OriginalName)
		t.add(FieldTitle, d.Romanized)
		t.romaji(FieldReading, d.OriginalName)
	case *wiki.Person:
		t.name(d.Name, d.NativeName, d.NameKana)
		t.aliases(d.Aliases)
	case *wiki.Character:
		t.name(d.Name, d.NativeName, d.NameKana)
		t.aliases(d.Aliases)
	case *wiki.Company:
		t.name(d.Name, d.NativeName, d.NameKana)
		t.aliases(d.Aliases)
	case *wiki.Topic:
		t.name(d.Name, d.NativeName, "")
		t.aliases(d.Aliases)
	default:
		t.add(FieldName, doc.Title())
	}
	for i := range t.list {
		t.list[i].Kind = kind
	}
	return t.list
}

type terms struct {
	list []Term
	seen map[string]int // the index in list of each key's term
}

// add adds the keys of text under field f. A key already there moves to f when f is the more
// important, with this text: a work's romanised reading ("shingekinokyojin") gives way to the
// AniDB title with the same key ("Shingeki no Kyojin"), which is the title a reader sees.
func (t *terms) add(f Field, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	for _, key := range Keys(text) {
		if i, ok := t.seen[key]; ok {
			if f < t.list[i].Field {
				t.list[i].Field, t.list[i].Text = f, text
			}
			continue
		}
		if len(t.list) >= maxTerms {
			continue
		}
		if t.seen == nil {
			t.seen = map[string]int{}
		}
		t.seen[key] = len(t.list)
		t.list = append(t.list, Term{Field: f, Key: key, Text: text})
	}
}

// aliases adds other names of a page (a name it had before a duplicate was merged into it).
func (t *terms) aliases(list []string) {
	for _, a := range list {
		t.add(FieldTitle, a)
	}
}

// reading adds a kana reading and its romanisation.
func (t *terms) reading(kana string) {
	t.add(FieldReading, kana)
	t.romaji(FieldReading, kana)
}

// romaji adds the romanisation of text when it is written in kana alone.
func (t *terms) romaji(f Field, text string) {
	if r := Romaji(text); r != "" {
		t.add(f, r)
	}
}

// name adds a person's, character's or company's names: as written, in the native script, its
// reading, and a name of several words with the family name first or last, as readers write
// Japanese names either way.
func (t *terms) name(name, native, kana string) {
	t.add(FieldName, name)
	t.add(FieldOriginal, native)
	t.reading(kana)
	for _, n := range []string{name, native, Romaji(kana)} {
		if f := strings.Fields(n); len(f) == 2 {
			t.add(FieldReading, f[1]+" "+f[0])
		}
	}
}
