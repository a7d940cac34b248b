// Command slice cuts the demo's slice of real data out of the full data sets: every work that
// began in 1995 or 1996 in bangumi-data and in the Media Arts Database, with what the readers
// need to read them whole (a series' parts, a film's series, an OVA's discs) and the people and
// organisations their credits name. It writes the slice in the data sets' own formats, so that
// the demo reads it with the importers' readers. Run it with go generate in internal/demo.
package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	data := flag.String("data", filepath.Join("..", "..", "..", "shared", "data"), "folder of the full data sets")
	out := flag.String("out", "data", "folder to write the slice to")
	flag.Parse()
	if err := run(*data, *out, []string{"1995", "1996"}); err != nil {
		fmt.Fprintln(os.Stderr, "slice:", err)
		os.Exit(1)
	}
}

func run(data, out string, years []string) error {
	if err := sliceBangumi(filepath.Join(data, "bangumi-data", "data.json"), filepath.Join(out, "bangumi-data.json.gz"), years); err != nil {
		return err
	}
	return sliceMADB(filepath.Join(data, "madb-anime"), filepath.Join(out, "madb.json.gz"), years)
}

func inYears(date string, years []string) bool {
	return slices.ContainsFunc(years, func(y string) bool { return strings.HasPrefix(date, y) })
}

// sliceBangumi keeps the items that began in the years (their Japanese date is the UTC date
// give or take one day, so the UTC year is taken, as the reader's dates near New Year show).
func sliceBangumi(in, out string, years []string) error {
	var file struct {
		SiteMeta json.RawMessage   `json:"siteMeta"`
		Items    []json.RawMessage `json:"items"`
	}
	if err := readJSON(in, &file); err != nil {
		return err
	}
	kept := []json.RawMessage{}
	for _, raw := range file.Items {
		var it struct {
			Begin string `json:"begin"`
		}
		if err := json.Unmarshal(raw, &it); err != nil {
			return err
		}
		if inYears(it.Begin, years) {
			kept = append(kept, raw)
		}
	}
	file.Items = kept
	fmt.Fprintf(os.Stderr, "bangumi-data: %d items\n", len(kept))
	return writeJSON(out, file)
}

// entry is one entry of a Media Arts Database @graph, kept as it is.
type entry map[string]json.RawMessage

func (e entry) str(key string) string {
	var s string
	_ = json.Unmarshal(e[key], &s)
	return s
}

// refs lists the ids a property points to: a string or a list of strings.
func (e entry) refs(key string) []string {
	var one string
	if json.Unmarshal(e[key], &one) == nil && one != "" {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(e[key], &many)
	return many
}

func (e entry) typ() string {
	if t := e.str("@type"); t != "" {
		return t
	}
	return e.str("rdf:type")
}

// sliceMADB keeps the works that began in the years, their parts and series, their discs, and
// the agents their credits name, in one JSON-LD file. Blank node ids are only unique within a
// file, so each file's are renamed apart.
func sliceMADB(dir, out string, years []string) error {
	files, err := filepath.Glob(filepath.Join(dir, "metadata_*.json.gz"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no Media Arts Database files in %s", dir)
	}
	slices.Sort(files)
	byID := map[string]entry{}
	var order []string
	var agents []entry
	for i, f := range files {
		var doc struct {
			Graph []entry `json:"@graph"`
		}
		if err := readJSON(f, &doc); err != nil {
			return err
		}
		prefix := fmt.Sprintf("_:f%d", i)
		for _, e := range doc.Graph {
			renameBlanks(e, prefix)
			if e.typ() == "class:Agent" {
				agents = append(agents, e)
				continue
			}
			id := e.str("@id")
			byID[id] = e
			order = append(order, id)
		}
	}
	keep := map[string]bool{}
	var text strings.Builder // every credit string of the kept works, to find the agents
	var visit func(id string)
	visit = func(id string) {
		e, ok := byID[id]
		if !ok || keep[id] {
			return
		}
		keep[id] = true
		for _, k := range []string{"contributor", "creator", "actor", "productionCompany", "originalWorkCreator", "schema:contributor"} {
			text.WriteString(e.str(k))
			text.WriteByte('\n')
		}
		for _, k := range []string{"hasPart", "provider"} {
			for _, ref := range e.refs(k) {
				visit(ref)
			}
		}
	}
	for _, id := range order {
		e := byID[id]
		switch e.typ() {
		case "class:Collection", "class:AnimationTVSpecialSeries", "class:AnimationVideoPackageSeries", "class:AnimationMovieSeries":
			date := e.str("startDate")
			if date == "" {
				date = e.str("datePublished")
			}
			if inYears(date, years) {
				visit(id)
			}
		}
	}
	for _, id := range order {
		// The discs of a kept OVA series, and the films of a kept film series (films carry
		// no date of their own: their series does).
		if e := byID[id]; !keep[id] && keep[e.str("isPartOf")] && !strings.HasPrefix(id, "_:") {
			switch e.typ() {
			case "class:AnimationVideoPackage", "class:AnimationMovie":
				visit(id)
			}
		}
	}
	names := strings.NewReplacer(" ", "", "　", "").Replace(text.String())
	var graph []entry
	for _, id := range order {
		if keep[id] {
			graph = append(graph, byID[id])
		}
	}
	works := len(graph)
	for _, a := range agents {
		name := strings.NewReplacer(" ", "", "　", "", ",", "").Replace(a.str("label"))
		if len([]rune(name)) >= 2 && strings.Contains(names, name) {
			graph = append(graph, a)
		}
	}
	fmt.Fprintf(os.Stderr, "madb: %d entries, %d agents\n", works, len(graph)-works)
	return writeJSON(out, map[string]any{"@graph": graph})
}

// renameBlanks gives a file's blank nodes ids of their own: "_:b12" becomes "_:f3b12".
func renameBlanks(e entry, prefix string) {
	rename := func(s string) string {
		if rest, ok := strings.CutPrefix(s, "_:"); ok {
			return prefix + rest
		}
		return s
	}
	if id := e.str("@id"); strings.HasPrefix(id, "_:") {
		e["@id"], _ = json.Marshal(rename(id))
	}
	for _, k := range []string{"hasPart", "provider"} {
		refs := e.refs(k)
		if len(refs) == 0 {
			continue
		}
		for i := range refs {
			refs[i] = rename(refs[i])
		}
		var one string
		if json.Unmarshal(e[k], &one) == nil {
			e[k], _ = json.Marshal(refs[0])
		} else {
			e[k], _ = json.Marshal(refs)
		}
	}
}

func readJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	if err := json.NewDecoder(r).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeJSON(path string, v any) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	gz, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(gz)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return gz.Close()
}
