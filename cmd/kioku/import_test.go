package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kioku/internal/store"
)

// importCommand runs `kioku import` into a fresh SQLite store and returns its output, error and
// the number of works in the store afterwards.
func importCommand(t *testing.T, db string, args ...string) (string, error, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append(append([]string{"import"}, args...), "--database", db), strings.NewReader(""), &out, &errOut)
	st, oerr := store.Open(context.Background(), db)
	if oerr != nil {
		t.Fatal(oerr)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var works int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM entities WHERE kind = 'work'`).Scan(&works); err != nil {
		t.Fatal(err)
	}
	return out.String() + errOut.String(), err, works
}

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// bangumiItems are four bangumi-data items: two good, one without a title and one whose title
// has a byte that is not UTF-8.
var bangumiItems = strings.Replace(`{"siteMeta": {}, "items": [
 {"title": "ひとつめ", "titleTranslate": {}, "type": "tv", "lang": "ja", "begin": "1995-10-04T09:30:00.000Z", "end": "", "sites": [{"site": "bangumi", "id": "1"}]},
 {"title": "", "titleTranslate": {}, "type": "tv", "lang": "ja", "begin": "1995-10-05T09:30:00.000Z", "end": "", "sites": [{"site": "bangumi", "id": "2"}]},
 {"title": "bad BYTE byte", "titleTranslate": {}, "type": "tv", "lang": "ja", "begin": "1995-10-06T09:30:00.000Z", "end": "", "sites": [{"site": "bangumi", "id": "3"}]},
 {"title": "みっつめ", "titleTranslate": {}, "type": "movie", "lang": "ja", "begin": "1995-10-07T09:30:00.000Z", "end": "", "sites": [{"site": "bangumi", "id": "4"}]}
]}`, "BYTE", "\xff", 1)

// TestImportBrokenInput gives `kioku import` broken files: a file it cannot read at all is
// refused with a message naming the file and nothing is written; bad records are reported by
// id and skipped while the good ones are imported.
func TestImportBrokenInput(t *testing.T) {
	whole := gz(t, []byte(bangumiItems))
	tests := []struct {
		name      string
		source    string
		file      []byte
		fileName  string
		wantErr   string // "" when the import goes through
		wantOut   []string
		wantWorks int
	}{
		{"truncated gzip", "bangumi-data", whole[:len(whole)/2], "data.json.gz", "truncated", nil, 0},
		{"truncated JSON", "bangumi-data", []byte(bangumiItems[:len(bangumiItems)-40]), "data.json", "data.json", nil, 0},
		{"wrong format", "bangumi-data", []byte("1|1|x-jat|Cowboy Bebop\n"), "data.json", "not bangumi-data", nil, 0},
		{"an HTML page", "anidb-titles", []byte("<!DOCTYPE html><html><body>Not found</body></html>\n"), "anime-titles.dat", "not an AniDB titles dump", nil, 0},
		{"not JSON-LD", "madb", []byte(`{"items": []}`), "metadata_an-col_an207_00001.json", "metadata_an-col_an207_00001.json", nil, 0},
		{"records without a title or with a bad byte", "bangumi-data", []byte(bangumiItems), "data.json", "",
			[]string{"created        2", "skipped        2"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "kioku.db")
			out, err, works := importCommand(t, db, tt.source, write(t, tt.fileName, tt.file))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("import: %v\n%s", err, out)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("import: %v, want an error saying %q\n%s", err, tt.wantErr, out)
			case tt.wantErr != "" && !strings.Contains(err.Error(), "nothing was imported"):
				t.Errorf("error %q does not say that nothing was imported", err)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if works != tt.wantWorks {
				t.Errorf("%d works in the store, want %d", works, tt.wantWorks)
			}
		})
	}
}
