package wiki

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// Document is the content of one entity at one revision. Each kind has its own struct; a
// revision stores it as JSON.
type Document interface {
	// Title is the entity's main name.
	Title() string
	// Validate reports every problem with the document at once.
	Validate() error
	// Refs lists the entities the document points to, each with the kind it must have.
	Refs() []Target
}

// New returns an empty document of the given kind.
func New(kind Kind) (Document, error) {
	switch kind {
	case KindWork:
		return &Work{}, nil
	case KindEpisode:
		return &Episode{}, nil
	case KindCharacter:
		return &Character{}, nil
	case KindPerson:
		return &Person{}, nil
	case KindCompany:
		return &Company{}, nil
	case KindFranchise, KindGenre, KindTheme, KindConcept:
		return &Topic{}, nil
	}
	return nil, fmt.Errorf("wiki: unknown kind %q", kind)
}

// Decode reads a document of the given kind from its JSON form.
func Decode(kind Kind, data []byte) (Document, error) {
	doc, err := New(kind)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, fmt.Errorf("wiki: decode %s: %w", kind, err)
	}
	return doc, nil
}

// Encode writes a document in its JSON form.
func Encode(doc Document) ([]byte, error) {
	return json.Marshal(doc)
}

// Clone returns a deep copy of doc, so that an edit can change it without touching the original.
func Clone[D Document](doc D) D {
	data, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("wiki: clone: %v", err)) // documents are plain data; this cannot fail
	}
	out := newLike(doc).(D)
	if err := json.Unmarshal(data, out); err != nil {
		panic(fmt.Sprintf("wiki: clone: %v", err))
	}
	return out
}

func newLike(doc Document) Document {
	switch doc.(type) {
	case *Work:
		return &Work{}
	case *Episode:
		return &Episode{}
	case *Character:
		return &Character{}
	case *Person:
		return &Person{}
	case *Company:
		return &Company{}
	case *Topic:
		return &Topic{}
	}
	panic(fmt.Sprintf("wiki: unknown document type %T", doc))
}

// NewKey makes a stable key for a list item, so that two edits to different items of the same
// list can be told apart and merged.
func NewKey() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// Ref points to another entity by id. Zero means none.
type Ref int64

// ItemKey identifies a reference inside a list of references.
func (r Ref) ItemKey() string { return strconv.FormatInt(int64(r), 10) }

// Describe names the referenced entity.
func (r Ref) Describe(names Names) string { return names.Name(int64(r)) }

// Names finds the names of referenced entities for diffs.
type Names func(id int64) string

// Name returns the name of entity id, or "#id" when it is unknown.
func (n Names) Name(id int64) string {
	if id == 0 {
		return ""
	}
	if n != nil {
		if s := n(id); s != "" {
			return s
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

// Target is a reference from a document with the kind the referenced entity must have.
type Target struct {
	ID   int64
	Kind Kind
}

// RefIDs lists the ids of the entities the documents point to; nil documents are skipped.
func RefIDs(docs ...Document) []int64 {
	var ids []int64
	for _, d := range docs {
		if d == nil || reflect.ValueOf(d).IsNil() {
			continue
		}
		for _, t := range d.Refs() {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

func refs(kind Kind, ids ...Ref) []Target {
	out := make([]Target, 0, len(ids))
	for _, id := range ids {
		if id != 0 {
			out = append(out, Target{ID: int64(id), Kind: kind})
		}
	}
	return out
}
