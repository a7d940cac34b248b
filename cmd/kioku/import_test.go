package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kioku/internal/store"
)

// importCommand runs `kioku import` into a fresh SQLite store and returns its output, the number
// of works in the store afterwards, and the command's error.
func importCommand(t *testing.T, db string, args ...string) (string, int, error) {
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
	return out.String() + errOut.String(), works, err
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
			out, works, err := importCommand(t, db, tt.source, write(t, tt.fileName, tt.file))
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

// TestMain lets the test binary stand in for kioku: run with KIOKU_MAIN set, it is the command,
// so a test can start it as a process of its own and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("KIOKU_MAIN") != "" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestImportKilled kills `kioku import` with SIGKILL half way and runs it again: the wiki ends as
// an import that was never stopped leaves it, every record once.
func TestImportKilled(t *testing.T) {
	full := filepath.Join("..", "..", "..", "shared", "data", "bangumi-data", "data.json")
	raw, err := os.ReadFile(full)
	if err != nil {
		t.Skipf("bangumi-data not here: %v", err)
	}
	var file struct {
		SiteMeta json.RawMessage   `json:"siteMeta"`
		Items    []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	file.Items = file.Items[:1200]
	cut, _ := json.Marshal(file)
	data := write(t, "data.json", cut)

	command := func(db string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "import", "bangumi-data", data, "--database", db, "--batch", "500")
		cmd.Env = append(os.Environ(), "KIOKU_MAIN=1")
		return cmd
	}
	killed := filepath.Join(t.TempDir(), "killed.db")
	cmd := command(killed)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "records ·") { // a progress line: some batches are in
			break
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if n := countRecords(t, killed); n == 0 || n >= len(file.Items) {
		t.Fatalf("killed after %d of %d records; want part of them", n, len(file.Items))
	}
	if out, err := command(killed).CombinedOutput(); err != nil {
		t.Fatalf("import after the kill: %v\n%s", err, out)
	}
	whole := filepath.Join(t.TempDir(), "whole.db")
	if out, err := command(whole).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if a, b := wikiState(t, whole), wikiState(t, killed); a != b {
		t.Errorf("killed and resumed differs from whole:\n%s\n%s", a, b)
	}
}

// wikiState sums up a store's pages, their documents and revisions, and the import records.
func wikiState(t *testing.T, db string) string {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT COUNT(*) || ' ' || COALESCE(SUM(head), 0) FROM entities`,
		`SELECT COUNT(*) FROM revisions`,
		`SELECT COUNT(*) || ' ' || COALESCE(SUM(entity_id), 0) FROM import_records`,
		`SELECT COUNT(*) FROM external_ids`,
		`SELECT COALESCE(SUM(LENGTH(r.document)), 0) FROM entities e JOIN revisions r ON r.entity_id = e.id AND r.number = e.head`,
	} {
		var v string
		if err := st.DB().QueryRow(q).Scan(&v); err != nil {
			t.Fatal(err)
		}
		b.WriteString(v + "; ")
	}
	return b.String()
}

func countRecords(t *testing.T, db string) int {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM import_records`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportBatchFlag(t *testing.T) {
	var out strings.Builder
	err := importData(context.Background(), []string{"bangumi-data", "data.json", "--batch", "-1"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "--batch") {
		t.Errorf("a negative batch: %v, want an error naming --batch", err)
	}
}
