package dataset

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLDDecoder(t *testing.T) {
	tests := []struct {
		name, entry string
		want        ldText
		bad         string // what spoils the entry, "" when nothing
	}{
		{"plain", `{"name": "ドルフィン王子"}`, ldText{{Value: "ドルフィン王子"}}, ""},
		{"escapes", `{"name": "a\"b\\c\/d\n\u3042\ud83d\ude00"}`, ldText{{Value: "a\"b\\c/d\nあ😀"}}, ""},
		{"lone surrogate", `{"name": "\ud83d!"}`, ldText{{Value: "\uFFFD!"}}, ""},
		{"number", `{"name": 12.5}`, ldText{{Value: "12.5"}}, ""},
		{"null", `{"name": null}`, nil, ""},
		{"list with kana", `{"name": ["宇宙人ピピ", {"@language": "ja-hrkt", "@value": "ウチュウジンピピ"}]}`,
			ldText{{Value: "宇宙人ピピ"}, {Lang: "ja-hrkt", Value: "ウチュウジンピピ"}}, ""},
		{"unknown keys skipped", `{"x": {"y": [1, {"z": null}, false]}, "name": "n"}`, ldText{{Value: "n"}}, ""},
		{"empty object", `{}`, nil, ""},
		{"object without value", `{"name": {"@language": "en"}}`, nil, "wrong shape: an object without a text @value"},
		{"list in a list", `{"name": [["a"]]}`, nil, "wrong shape: a list inside a list"},
		{"boolean", `{"name": true}`, nil, "wrong shape: a boolean where text was expected"},
		{"invalid UTF-8", "{\"name\": \"a\xffb\"}", nil, "invalid UTF-8"},
		{"invalid UTF-8 in a key", "{\"\xff\": 1}", nil, "invalid UTF-8"},
		{"not an object", `"text"`, nil, "wrong shape: an entry that is not an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &ldDecoder{b: []byte(tt.entry)}
			var m madbRaw
			bad, err := d.entry(&m)
			if err != nil {
				t.Fatalf("entry(%s): %v", tt.entry, err)
			}
			if d.ws() {
				t.Errorf("entry(%s) left %q", tt.entry, d.b[d.i:])
			}
			got := ""
			if bad != nil {
				got = bad.Error()
			}
			if got != tt.bad {
				t.Errorf("entry(%s) spoilt by %q, want %q", tt.entry, got, tt.bad)
			}
			if tt.bad == "" {
				if diff := cmp.Diff(tt.want, m.Name); diff != "" {
					t.Errorf("name mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestLDDecoderCut feeds every beginning of a file to the decoder: each must fail, as
// truncated or not JSON, and none may panic.
func TestLDDecoderCut(t *testing.T) {
	doc := madbGraph(`{"@id": "_:b0", "duration": "5"}`,
		`{"@id": "x", "name": ["a\u3042\n", {"@language": "ja-hrkt", "@value": "カ"}], "n": -1.5e3, "t": true, "z": null, "l": []}`)
	whole := &ldDecoder{b: doc}
	entries := 0
	if err := whole.graph(func(int) error { entries++; _, err := whole.entry(&madbRaw{}); return err }); err != nil || entries != 2 {
		t.Fatalf("whole file: %d entries, %v", entries, err)
	}
	for i := range len(doc) {
		d := &ldDecoder{b: doc[:i]}
		err := d.graph(func(int) error { _, err := d.entry(&madbRaw{}); return err })
		var syntax *ldSyntaxError
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) && !errors.As(err, &syntax) {
			t.Errorf("first %d bytes: error %v, want truncated", i, err)
		}
	}
}

// TestLDDecoderMatchesEncodingJSON reads a real file (the smallest, which has lists, kana and
// blank nodes) with both decoders and compares every field the reader uses.
func TestLDDecoderMatchesEncodingJSON(t *testing.T) {
	for _, name := range []string{"metadata_an-col_an208_00001.json.gz"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(madbDir, name))
			if err != nil {
				t.Skipf("MADB files not found: %v", err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Graph []map[string]any `json:"@graph"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			d := &ldDecoder{b: data}
			err = d.graph(func(n int) error {
				var m madbRaw
				bad, err := d.entry(&m)
				if bad != nil {
					t.Errorf("entry %d spoilt: %v", n, bad)
				}
				for key, v := range doc.Graph[n-1] {
					if f := m.field(key); f != nil {
						if diff := cmp.Diff(ldFromAny(v), *f); diff != "" {
							t.Errorf("entry %d, %s mismatch (-encoding/json +ldDecoder):\n%s", n, key, diff)
						}
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// ldFromAny is what ldDecoder should make of a value encoding/json decoded.
func ldFromAny(v any) ldText {
	switch v := v.(type) {
	case string:
		return ldText{{Value: v}}
	case float64:
		return ldText{{Value: strconv.FormatFloat(v, 'f', -1, 64)}}
	case map[string]any:
		s, _ := v["@value"].(string)
		l, _ := v["@language"].(string)
		return ldText{{Lang: l, Value: s}}
	case []any:
		var out ldText
		for _, x := range v {
			out = append(out, ldFromAny(x)...)
		}
		return out
	}
	return nil
}
