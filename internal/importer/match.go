package importer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kioku/internal/dataset"
	"kioku/internal/search"
	"kioku/internal/wiki"
)

// Matching by title. Data sets write one title many ways: with or without a subtitle in
// brackets ("ゲゲゲの鬼太郎（第3作）"), a leading "劇場版", a part number ("秒速5センチメートル 1"),
// other punctuation and spacing. A record is matched to a page of a compatible type whose start
// date is close, when their titles are the same in one of these forms, or, within a few days,
// much alike; and only when one page fits clearly better than any other. A match that is not
// clear is reported as ambiguous and makes a page of its own: never a silent merge.

var (
	bracketed  = regexp.MustCompile(`[\[［【『「〈《（(][^\]］】』」〉》）)]*[\]］】』」〉》）)]`)
	partNumber = regexp.MustCompile(`[\s　]+(第?[0-9０-９]+[巻話]?|[IVXⅠ-Ⅹ]+)$`)
	filmPrefix = regexp.MustCompile(`^(劇場版|映画|アニメ|TVアニメ|テレビアニメ|OVA)[\s　]*`)
	latinWords = regexp.MustCompile(`[A-Za-zＡ-Ｚａ-ｚ][A-Za-zＡ-Ｚａ-ｚ'’.&!?:;,\s　-]*`)
)

// titleKeys are the forms of a work's titles that matching compares: the whole title, and the
// title without bracketed parts, a leading "劇場版" or a trailing part number, each as a
// search key.
func titleKeys(titles ...string) []string {
	var out []string
	add := func(s string) {
		if k := search.Key(s); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, t := range titles {
		if t == "" {
			continue
		}
		add(t)
		bare := strings.TrimSpace(bracketed.ReplaceAllString(t, " "))
		add(bare)
		for _, v := range []string{t, bare} {
			v = filmPrefix.ReplaceAllString(v, "")
			add(v)
			add(partNumber.ReplaceAllString(v, ""))
		}
		// A Japanese title with an English one beside it ("ストレンヂア 無皇刃譚 SWORD OF THE
		// STRANGER") also meets the Japanese alone.
		rest := filmPrefix.ReplaceAllString(strings.TrimSpace(latinWords.ReplaceAllString(bare, " ")), "")
		if k := search.Key(rest); utf8.RuneCountInString(k) >= 3 && k != search.Key(bare) {
			add(k)
		}
	}
	return out
}

// similarity says how alike two title keys are, from 0 to 1: 1 when equal, high when one holds
// the other, else the share of character pairs they have in common (Dice's coefficient).
// ga and gb are the keys' sorted character pairs (see pairs).
func similarity(a, b string, ga, gb []uint64) float64 {
	if a == b {
		return 1
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	short, long := a, b
	if la > lb {
		short, long = b, a
		la, lb = lb, la
	}
	if la >= 4 && strings.Contains(long, short) {
		return 0.7 + 0.3*float64(la)/float64(lb)
	}
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(ga) && j < len(gb); {
		switch {
		case ga[i] == gb[j]:
			common++
			i++
			j++
		case ga[i] < gb[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(ga)+len(gb))
}

// pairs lists the pairs of neighbouring characters of a key, sorted, for similarity.
func pairs(key string) []uint64 {
	var out []uint64
	var prev rune
	for i, r := range key {
		if i > 0 {
			out = append(out, uint64(prev)<<32|uint64(r))
		}
		prev = r
	}
	slices.Sort(out)
	return out
}

// titleSet is a work's title keys with their character pairs.
type titleSet struct {
	keys  []string
	pairs [][]uint64
}

func newTitleSet(titles ...string) titleSet {
	t := titleSet{keys: titleKeys(titles...)}
	for _, k := range t.keys {
		t.pairs = append(t.pairs, pairs(k))
	}
	return t
}

// titleSet is newTitleSet with each title's forms worked out once per import: a work's titles
// are matched when its record is read and indexed when it is saved, and many records share them.
func (st *state) titleSet(titles ...string) titleSet {
	var t titleSet
	for _, title := range titles {
		one, ok := st.titleForms[title]
		if !ok {
			one = newTitleSet(title)
			st.titleForms[title] = one
		}
		for i, k := range one.keys {
			if !slices.Contains(t.keys, k) {
				t.keys = append(t.keys, k)
				t.pairs = append(t.pairs, one.pairs[i])
			}
		}
	}
	return t
}

// bestSimilarity is the highest similarity between any of two works' title keys.
func bestSimilarity(a, b titleSet) float64 {
	best := 0.0
	for i, x := range a.keys {
		for j, y := range b.keys {
			best = max(best, similarity(x, y, a.pairs[i], b.pairs[j]))
		}
	}
	return best
}

// dayNumber counts the days from 1 January of year 1 to a full date, or returns -1 for a
// partial date.
func dayNumber(date string) int {
	if len(date) != 10 {
		return -1
	}
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return -1
	}
	return int(t.Unix()/86400) + 719162
}

// compatibleMedia reports whether two types can be one work's. Data sets disagree on whether a
// one-off broadcast is a TV work or a special, a direct-to-video work an OVA or a special, and
// an OVA given a short run in cinemas an OVA or a film.
func compatibleMedia(a, b wiki.Medium) bool {
	if a == b || a == "" || b == "" {
		return true
	}
	pair := func(x, y wiki.Medium) bool { return (a == x && b == y) || (a == y && b == x) }
	return pair(wiki.MediumTV, wiki.MediumSpecial) || pair(wiki.MediumOVA, wiki.MediumSpecial) || pair(wiki.MediumOVA, wiki.MediumFilm)
}

// closeDates reports how far apart two start dates are, in days, or -1 when they cannot be one
// work's. Partial dates are as close as their common part: "1995" and "1995-12-23" are 0 apart.
// da and db are the dates' day numbers.
func closeDates(a, b string, da, db int) int {
	if a == "" || b == "" {
		return -1
	}
	if da >= 0 && db >= 0 {
		if da > db {
			return da - db
		}
		return db - da
	}
	n := min(len(a), len(b))
	if a[:n] == b[:n] {
		return 0
	}
	return -1
}

type candidate struct {
	workEntry
	score float64
	days  int
}

// matchTitle finds the page of the same work by title, type and start date.
func (st *state) matchTitle(w *dataset.Work) (int64, string, string) {
	titles := st.titleSet(append([]string{w.Title, w.TitleKana}, titleTexts(w)...)...)
	if len(titles.keys) == 0 {
		return 0, "new", "no title to match"
	}
	day := dayNumber(w.Start)
	lang := w.TitleLanguage
	if lang == "" && w.Title != "" && st.set.Source == dataset.MADB {
		lang = "ja" // the Media Arts Database is of Japanese works
	}
	var cands []candidate
	consider := func(e workEntry, fuzzy bool) {
		if st.own[e.id] != "" || st.idsDisagree(e.id, w.ExternalIDs) {
			return
		}
		if e.lang != "" && lang != "" && e.lang != lang {
			// A Chinese work and its Japanese dub share a title and a date.
			return
		}
		if slices.ContainsFunc(cands, func(c candidate) bool { return c.id == e.id }) {
			return
		}
		days := closeDates(e.start, w.Start, e.day, day)
		if fuzzy && (days < 0 || days > 7) {
			return
		}
		if !compatibleMedia(e.medium, w.Medium) && !(days >= 0 && days <= 1) {
			// Types may disagree (a data set calls a film TV) only for the same title on the
			// same day, which the rules below then ask for.
			return
		}
		score := bestSimilarity(titles, e.titles)
		sameType := e.medium == w.Medium || (e.medium != wiki.MediumFilm && w.Medium != wiki.MediumFilm)
		window := 31
		if e.medium == wiki.MediumOVA && w.Medium == wiki.MediumOVA {
			// An OVA's date is a disc's, and data sets pick different discs.
			window = 92
		}
		switch {
		case days >= 0 && days <= window && score == 1,
			days >= 0 && days <= 1 && score == 1,
			days >= 0 && days <= 7 && score >= 0.85 && sameType,
			days >= 0 && days <= 3 && score >= 0.5 && sameType,
			days >= 0 && days <= 7 && score >= 0.3 && sameType && sameRun(e, w, day):
			cands = append(cands, candidate{workEntry: e, score: score, days: days})
		case days < 0 && (e.start == "" || w.Start == "") && score == 1 && sameType:
			// One side has no date: the same title and type alone, if nothing else has it.
			cands = append(cands, candidate{workEntry: e, score: score - 0.01, days: 1 << 20})
		}
	}
	for _, k := range titles.keys {
		for _, e := range st.titles[k] {
			consider(e, false)
		}
	}
	if len(w.Start) >= 7 && day >= 0 {
		for _, m := range nearMonths(w.Start[:7]) {
			for _, e := range st.months[m] {
				consider(e, true)
			}
		}
	}
	if len(cands) == 0 {
		return 0, "new", ""
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		switch {
		case a.score != b.score:
			if a.score > b.score {
				return -1
			}
			return 1
		case a.days != b.days:
			return a.days - b.days
		}
		return int(a.id - b.id)
	})
	best := cands[0]
	if len(cands) > 1 && cands[1].score > best.score-0.15 && !(best.score == 1 && cands[1].score < 1 && best.days <= cands[1].days) {
		var ids []string
		for _, c := range cands[:min(len(cands), 4)] {
			ids = append(ids, fmt.Sprintf("#%d (%.2f, %d days)", c.id, c.score, c.days))
		}
		return 0, "ambiguous", "title, type and date fit several pages: " + strings.Join(ids, ", ")
	}
	how := fmt.Sprintf("title %.2f alike, start %s vs %s → #%d", best.score, w.Start, best.start, best.id)
	return best.id, "title", how
}

// matchTitles lists the titles of a page that records are matched against: its original title
// and its kana reading, its name, and its titles in Japanese (another data set's, such as
// AniDB's official title). A reading meets a title written partly in another script: 湾岸MIDNIGHT
// read ワンガンミッドナイト is much like 湾岸ミッドナイト.
func matchTitles(w *wiki.Work) []string {
	out := []string{w.OriginalTitle, w.Name, w.OriginalTitleKana}
	for _, t := range w.Titles {
		if t.Language == "ja" || t.Language == "" {
			out = append(out, t.Text)
		}
	}
	return out
}

// titleTexts lists a record's titles in the original's script: those without a language or in
// Japanese; translations do not help matching Japanese data sets.
func titleTexts(w *dataset.Work) []string {
	var out []string
	for _, t := range w.Titles {
		if t.Language == "ja" || t.Language == "" {
			out = append(out, t.Text)
		}
	}
	return out
}

// nearMonths lists a month ("1995-12") with the months before and after it.
func nearMonths(month string) []string {
	var y, m int
	if _, err := fmt.Sscanf(month, "%d-%d", &y, &m); err != nil {
		return nil
	}
	out := make([]string, 0, 3)
	for d := -1; d <= 1; d++ {
		yy, mm := y, m+d
		if mm == 0 {
			yy, mm = y-1, 12
		}
		if mm == 13 {
			yy, mm = y+1, 1
		}
		out = append(out, fmt.Sprintf("%04d-%02d", yy, mm))
	}
	return out
}

// sameRun reports whether a record and a page ran over the same weeks: both have full start and
// end dates more than two weeks apart, shifted by the same number of days (a broadcaster that
// showed the whole run a few days later).
func sameRun(e workEntry, w *dataset.Work, day int) bool {
	endW, endE := dayNumber(w.End), dayNumber(e.end)
	if day < 0 || e.day < 0 || endW < 0 || endE < 0 || endW-day < 14 || endE-e.day < 14 {
		return false
	}
	shift := (e.day - day) - (endE - endW)
	return shift >= -1 && shift <= 1
}
