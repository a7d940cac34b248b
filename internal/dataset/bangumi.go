package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kioku/internal/wiki"
)

// bangumiFile is the top level of bangumi-data's dist/data.json; its other member, siteMeta,
// describes the sites and is not needed. Items are kept raw so that one malformed item is
// reported and skipped rather than failing the whole file.
type bangumiFile struct {
	Items []json.RawMessage `json:"items"`
}

// bangumiItem is one item of bangumi-data, with the fields Kioku reads.
type bangumiItem struct {
	Title          string              `json:"title"`
	TitleTranslate map[string][]string `json:"titleTranslate"`
	Type           string              `json:"type"`
	Lang           string              `json:"lang"`
	Begin          string              `json:"begin"`
	End            string              `json:"end"`
	Sites          []bangumiSite       `json:"sites"`
}

// bangumiSite is one entry of an item's sites: an information site or a streaming service.
type bangumiSite struct {
	Site string `json:"site"`
	ID   string `json:"id"`
}

// ReadBangumi reads bangumi-data's data.json, plain or gzip-compressed, into a Set of works.
//
// Each item becomes a Work identified by "bangumi:{id}" or, without a bangumi id,
// "title:{title}|{begin}". A few items share a bangumi id (a Chinese original and its Japanese
// dub); the first in the file keeps the id and the later ones fall back to the title form, with
// "#2", "#3" appended if even that is taken, and a Problem saying so. Dates are the calendar
// dates of the begin and end instants in the time zone of the work's original language.
// Malformed items are reported in Set.Bad; a file that is not bangumi-data is an error.
func ReadBangumi(path string) (*Set, error) {
	d, err := openDataFile(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var buf bytes.Buffer
	buf.Grow(d.sizeHint() + bytes.MinRead) // ReadFrom wants room to see the end of the file
	if _, err := buf.ReadFrom(d); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	var file bangumiFile
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("not bangumi-data: %s is not a JSON object (%v)", path, err)
	}
	if file.Items == nil {
		return nil, fmt.Errorf("not bangumi-data: %s has no \"items\" list", path)
	}
	set := &Set{Source: Bangumi, Version: bangumiVersion(path), Read: len(file.Items)}
	if set.Version == "" {
		set.Version = d.contentVersion()
	}
	r := bangumiReader{zones: zoneCache{}, ids: map[string]bool{}}
	for i, raw := range file.Items {
		w, reason := r.work(raw)
		if reason != "" {
			set.Bad = append(set.Bad, BadRecord{File: d.name, ID: fmt.Sprintf("items[%d]", i), Reason: reason})
			continue
		}
		set.Works = append(set.Works, w)
	}
	return set, nil
}

// bangumiVersion is the version in the package.json of the npm package bangumi-data when the
// file sits in one (dist/data.json beside or below package.json); "" when it does not. The
// data file itself carries no version.
func bangumiVersion(path string) string {
	dir := filepath.Dir(path)
	for _, p := range []string{filepath.Join(dir, "package.json"), filepath.Join(filepath.Dir(dir), "package.json")} {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var pkg struct{ Name, Version string }
		// Another package's package.json (a checkout that holds the data) says nothing about it.
		if json.Unmarshal(data, &pkg) == nil && pkg.Name == "bangumi-data" && pkg.Version != "" {
			return pkg.Version
		}
	}
	return ""
}

// bangumiReader holds what reading one file accumulates: loaded time zones and the ids given.
type bangumiReader struct {
	zones zoneCache
	ids   map[string]bool
}

// work reads one item. It returns the reason when the item cannot be read at all.
func (r *bangumiReader) work(raw json.RawMessage) (Work, string) {
	if !utf8.Valid(raw) {
		// encoding/json would replace the bad bytes silently; a title with U+FFFD is corrupt.
		return Work{}, "invalid UTF-8"
	}
	var it bangumiItem
	if err := json.Unmarshal(raw, &it); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			if typeErr.Field == "" {
				return Work{}, fmt.Sprintf("not a JSON object but a JSON %s", typeErr.Value)
			}
			return Work{}, fmt.Sprintf("field %q is a JSON %s", typeErr.Field, typeErr.Value)
		}
		return Work{}, "not a JSON object: " + err.Error()
	}
	w := Work{Title: tidyText(it.Title), TitleLanguage: strings.TrimSpace(it.Lang)}
	if w.Title == "" {
		return Work{}, "no title"
	}
	switch it.Type {
	case "tv":
		w.Medium = wiki.MediumTV
	case "movie":
		w.Medium = wiki.MediumFilm
	case "ova":
		w.Medium = wiki.MediumOVA
	case "web":
		w.Medium = wiki.MediumONA
	default:
		w.Problems = append(w.Problems, fmt.Sprintf("unknown type %q", it.Type))
	}
	w.Titles = bangumiTitles(&w, it.TitleTranslate)
	r.dates(&w, it)
	w.ExternalIDs = bangumiExternalIDs(&w, it.Sites)
	w.ID = r.id(&w, it)
	return w, ""
}

// bangumiTitles turns titleTranslate into titles: the first title of a language is its official
// one, the rest synonyms. Languages come in alphabetical order, as a JSON object has none that
// Go keeps. Empty titles and repeats of a title already given in the language are dropped.
func bangumiTitles(w *Work, translations map[string][]string) []Title {
	langs := make([]string, 0, len(translations))
	for lang := range translations {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	var titles []Title
	for _, key := range langs {
		lang := strings.TrimSpace(key)
		seen := map[string]bool{}
		if lang == w.TitleLanguage {
			seen[w.Title] = true
		}
		kind := "official"
		for _, text := range translations[key] {
			text = tidyText(text)
			if text == "" {
				w.Problems = append(w.Problems, fmt.Sprintf("empty title in titleTranslate[%s]", lang))
				continue
			}
			if seen[text] {
				continue
			}
			seen[text] = true
			titles = append(titles, Title{Language: lang, Kind: kind, Text: text})
			kind = "synonym"
		}
	}
	return titles
}

// dates sets the start and end dates and, for a film, its running time.
func (r *bangumiReader) dates(w *Work, it bangumiItem) {
	region := it.Lang
	if zoneName(region) == "" {
		w.Problems = append(w.Problems, fmt.Sprintf("no time zone known for language %q: dates taken in UTC", it.Lang))
		region = "UTC"
	}
	var begin, end time.Time
	var ok [2]bool
	daysOnly := false
	for i, f := range []struct {
		name, value string
		date        *string
		t           *time.Time
	}{{"begin", it.Begin, &w.Start, &begin}, {"end", it.End, &w.End, &end}} {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		t, err := parseInstant(f.value)
		if err == nil && i == 0 {
			// An end given with a day-only begin follows the same convention: a film's
			// slot of 16:00 to 18:15 is one day.
			daysOnly = dateOnly(t, it.Lang)
		}
		switch {
		case err == nil && daysOnly:
			*f.date = t.UTC().Format(time.DateOnly)
		case err == nil:
			*f.date, err = r.zones.date(t, region)
		}
		if err != nil {
			w.Problems = append(w.Problems, fmt.Sprintf("%s: %v", f.name, err))
			continue
		}
		*f.t, ok[i] = t, true
	}
	if !ok[0] || !ok[1] {
		return
	}
	if end.Before(begin) {
		w.Problems = append(w.Problems, fmt.Sprintf("end %s is before begin %s", it.End, it.Begin))
		return
	}
	if w.Medium == wiki.MediumFilm {
		w.EpisodeMinutes = filmMinutes(end.Sub(begin))
	}
}

// dateOnly reports whether an instant of a Japanese work is bangumi-data's mark of a day
// without a time: half the items begin at exactly 16:00:00 UTC, which would be 01:00 the next
// day in Japan. Against the Media Arts Database, the UTC date of those items is the day the
// work began far more often (46 of 67 in a sample checked by hand) than the Japanese one, so
// that is the date taken; any other instant is a time and becomes the date in Japan.
func dateOnly(t time.Time, lang string) bool {
	u := t.UTC()
	return lang == "ja" && u.Hour() == 16 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}

// filmMinutes is a film's running time from the length of its slot in bangumi-data, or 0 when
// that is not believable. Half the films have a zero-length slot; a slot of a round number of
// minutes (90, 100, 120) is most often a placeholder: against the Media Arts Database's film
// durations, such slots are within 3 minutes for 57% of films, others for 84%. So only a
// slot of 1 to 600 minutes that is not a multiple of 10 is taken as the running time.
func filmMinutes(d time.Duration) int {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 1 || m > 600 || m%10 == 0 {
		return 0
	}
	return m
}

// bangumiExternalIDs reads the ids of the information sites, one per site, checking their form.
// An id that does not look like one of its site is left out and noted in the work's Problems.
func bangumiExternalIDs(w *Work, sites []bangumiSite) []ExternalID {
	// bangumi-data's names of the information sites Kioku links to, with Kioku's, in the order
	// a work lists them. Streaming sites are left out: their ids are regional offers, not
	// identities of the work.
	infoSites := []struct{ name, site string }{
		{"bangumi", SiteBangumi}, {"anidb", SiteAniDB}, {"mal", SiteMAL}, {"aniList", SiteAniList}, {"tmdb", SiteTMDB},
	}
	var ids []ExternalID
	for _, known := range infoSites {
		for _, s := range sites {
			if s.Site != known.name {
				continue
			}
			id, problem := checkSiteID(known.site, strings.TrimSpace(s.ID))
			if problem != "" {
				w.Problems = append(w.Problems, problem)
			}
			if id == "" {
				continue
			}
			if i := slices.IndexFunc(ids, func(e ExternalID) bool { return e.Site == known.site }); i >= 0 {
				if ids[i].ID != id {
					w.Problems = append(w.Problems, fmt.Sprintf("%s id %q ignored: the item has %s id %q", known.site, id, known.site, ids[i].ID))
				}
				continue
			}
			ids = append(ids, ExternalID{Site: known.site, ID: id})
		}
	}
	return ids
}

// checkSiteID checks an id's form for its site and returns it in canonical form, with a problem
// to report if the id had to be cleaned or, when the id returned is "", could not be used.
func checkSiteID(site, id string) (string, string) {
	if site != SiteTMDB {
		if !positiveNumber(id) {
			return "", fmt.Sprintf("%s id %q is not a number", site, id)
		}
		return id, ""
	}
	// TMDB ids are paths: "tv/123" or "movie/123", and for a season or an episode of a
	// series "tv/123/season/2" or "tv/123/season/0/episode/5", which bangumi-data uses when
	// one TMDB series holds several of its works.
	parts := strings.Split(id, "/")
	ok := len(parts) >= 2 && (parts[0] == "tv" || parts[0] == "movie")
	problem := ""
	if ok && !positiveNumber(parts[1]) {
		// TMDB's own URLs carry a slug after the number ("tv/308934-mofusand").
		num, slug, found := strings.Cut(parts[1], "-")
		ok = found && slug != "" && positiveNumber(num)
		if ok {
			parts[1] = num
			problem = fmt.Sprintf("tmdb id %q: slug dropped", id)
		}
	}
	switch {
	case !ok:
	case len(parts) == 2:
	case parts[0] == "tv" && len(parts) == 4:
		ok = parts[2] == "season" && number(parts[3])
	case parts[0] == "tv" && len(parts) == 6:
		ok = parts[2] == "season" && number(parts[3]) && parts[4] == "episode" && positiveNumber(parts[5])
	default:
		ok = false
	}
	if !ok {
		return "", fmt.Sprintf("tmdb id %q is not of the form tv/123 or movie/123", id)
	}
	return strings.Join(parts, "/"), problem
}

// id gives the work its id, unique within the file: the bangumi id when it has one that no
// earlier item took, else the title and begin instant, made unique by a counter if need be.
func (r *bangumiReader) id(w *Work, it bangumiItem) string {
	base := "title:" + w.Title + "|" + strings.TrimSpace(it.Begin)
	for _, e := range w.ExternalIDs {
		if e.Site != SiteBangumi {
			continue
		}
		id := "bangumi:" + e.ID
		if !r.ids[id] {
			r.ids[id] = true
			return id
		}
		w.Problems = append(w.Problems, fmt.Sprintf("bangumi id %s is also an earlier item's: identified by title and begin", e.ID))
	}
	id := base
	for n := 2; r.ids[id]; n++ {
		id = fmt.Sprintf("%s#%d", base, n)
	}
	if id != base {
		w.Problems = append(w.Problems, fmt.Sprintf("title and begin are also an earlier item's: identified as %q", id))
	}
	r.ids[id] = true
	return id
}
