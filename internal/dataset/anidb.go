package dataset

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// anidbTitle is one title line of the AniDB titles dump.
type anidbTitle struct {
	typ  byte // '1' to '6'
	lang string
	text string
}

// ReadAniDB reads AniDB's titles dump (anime-titles.dat, plain or gzip-compressed) into a Set
// with one Work per anime id. Set.Read counts title lines; a malformed line is reported in
// Set.Bad by line number. The version is the dump's creation date.
//
// Lines are "aid|type|language|title". The primary title (type 1, usually romaji) becomes a
// title of kind "main"; the official Japanese title (type 4, "ja") becomes Work.Title, and the
// other official titles, synonyms (2) and short titles (3) become titles of those kinds. Types 5
// and 6 are not documented by AniDB; the dump shows type 5 holds readings (kana for Japanese,
// pinyin for Chinese) and type 6 the full title as on the title card. The Japanese reading
// becomes Work.TitleKana when there is a Japanese title to read; the rest become synonyms.
func ReadAniDB(path string) (*Set, error) {
	d, err := openDataFile(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	set := &Set{Source: AniDB}
	titles := map[int][]anidbTitle{}
	header, first := false, true
	r := bufio.NewReaderSize(d, 64<<10)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, err
		}
		if line == "" && err == io.EOF {
			break
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "#"):
			if t, ok := strings.CutPrefix(line, "# created:"); ok && !header {
				header = true
				set.Version = anidbCreated(t)
			}
			continue
		case strings.TrimSpace(line) == "":
			continue
		}
		aid, title, reason := parseAniDBLine(line)
		if first && !header && reason != "" {
			// The dump starts with its header; a file without one whose first line is not a
			// title line either is some other file (HTML, JSON), not a damaged dump.
			return nil, fmt.Errorf("not an AniDB titles dump: %s starts with %q", path, clip(line, 60))
		}
		first = false
		set.Read++
		if reason != "" {
			set.Bad = append(set.Bad, BadRecord{File: d.name, ID: fmt.Sprintf("line %d", n), Reason: reason})
			continue
		}
		titles[aid] = append(titles[aid], title)
	}
	if first && !header {
		return nil, fmt.Errorf("not an AniDB titles dump: %s has no header and no title lines", path)
	}
	if set.Version == "" {
		set.Version = d.contentVersion()
	}
	set.Works = make([]Work, 0, len(titles))
	for _, aid := range slices.Sorted(maps.Keys(titles)) {
		set.Works = append(set.Works, anidbWork(aid, titles[aid]))
	}
	return set, nil
}

// anidbCreated reads the date of the header line "# created: Sun May  4 03:00:02 2025" as
// "2025-05-04"; "" when it does not parse.
func anidbCreated(s string) string {
	t, err := time.Parse("Mon Jan _2 15:04:05 2006", strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// parseAniDBLine reads one title line, or says why it cannot. Only the first three bars
// separate fields: titles may hold bars of their own ("Shin Evangelion Gekijouban:||").
func parseAniDBLine(line string) (int, anidbTitle, string) {
	if !utf8.ValidString(line) {
		return 0, anidbTitle{}, "invalid UTF-8"
	}
	var f [4]string
	rest, fields := line, 1
	for i := range 3 {
		var found bool
		if f[i], rest, found = strings.Cut(rest, "|"); !found {
			break
		}
		fields++
	}
	if fields != 4 {
		return 0, anidbTitle{}, fmt.Sprintf("%d fields, want 4 (aid|type|language|title): %q", fields, clip(line, 60))
	}
	f[3] = rest
	aidText := strings.TrimSpace(f[0])
	if !positiveNumber(aidText) {
		return 0, anidbTitle{}, fmt.Sprintf("aid %q is not a number", clip(f[0], 20))
	}
	aid, err := strconv.Atoi(aidText)
	if err != nil {
		return 0, anidbTitle{}, fmt.Sprintf("aid %q is out of range", aidText)
	}
	typ := strings.TrimSpace(f[1])
	if len(typ) != 1 || typ[0] < '1' || typ[0] > '6' {
		return 0, anidbTitle{}, fmt.Sprintf("unknown title type %q", clip(f[1], 20))
	}
	t := anidbTitle{typ: typ[0], lang: strings.TrimSpace(f[2]), text: tidyText(f[3])}
	if t.lang == "" {
		return 0, anidbTitle{}, "no language"
	}
	if t.text == "" {
		return 0, anidbTitle{}, "empty title"
	}
	return aid, t, ""
}

// anidbWork builds the work of one anime from its title lines, in file order. The primary
// title comes first among the titles.
func anidbWork(aid int, lines []anidbTitle) Work {
	id := strconv.Itoa(aid)
	w := Work{ID: id, ExternalIDs: []ExternalID{{Site: SiteAniDB, ID: id}}}
	var main, rest, kana []Title
	for _, t := range lines {
		title := Title{Language: t.lang, Text: t.text}
		switch t.typ {
		case '1':
			if len(main) > 0 {
				w.Problems = append(w.Problems, fmt.Sprintf("second primary title %q kept as a synonym", t.text))
				title.Kind = "synonym"
				rest = append(rest, title)
				continue
			}
			title.Kind = "main"
			main = append(main, title)
			continue
		case '2', '6':
			title.Kind = "synonym"
		case '3':
			title.Kind = "short"
		case '4':
			if t.lang == "ja" && w.Title == "" {
				w.Title, w.TitleLanguage = t.text, "ja"
				continue
			}
			title.Kind = "official"
		case '5':
			title.Kind = "synonym"
			if t.lang == "ja" {
				kana = append(kana, title)
				continue
			}
		}
		rest = append(rest, title)
	}
	if len(main) == 0 {
		w.Problems = append(w.Problems, "no primary title")
	}
	// A reading is only a TitleKana when there is a Japanese title it reads.
	if w.Title != "" && len(kana) > 0 {
		w.TitleKana = kana[0].Text
		kana = kana[1:]
	}
	w.Titles = slices.Concat(main, rest, kana)
	return w
}

// clip shortens s to at most n runes for quoting in a message.
func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
