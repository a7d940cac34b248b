package dataset

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"kioku/internal/wiki"
)

// madbHeld is a record that waits for the other records of its series, reduced to what
// joining them needs, so that the raw records of a file can go once the file is read.
type madbHeld struct {
	work    *Work      // the record as a work (a package: its staff); nil when reported bad
	id      string     // the record's @id
	parent  string     // the @id of its series (isPartOf)
	file    string     // the file it came from, for Bad
	ep      string     // a film's episode number within its series
	name    string     // a film's or package's name (a film's is its series' title)
	label   string     // a package's label
	kana    string     // a package's kana reading
	parts   []madbPart // a film series' parts
	release Release    // a package as a release
	first   bool       // a package that is a first appearance
}

// madbPart is a part of a film series: its number, length and title.
type madbPart struct{ ep, length, title string }

// take reads a typed record whose blank nodes are resolved: agents, TV series and specials
// become agents and works at once; the others are held for build.
func (r *madbReader) take(rec *madbRecord) {
	var held *madbHeld
	if rec.kind != kindAgent && rec.kind != kindTV && rec.kind != kindSpecial {
		held = &madbHeld{id: rec.ID.plain(), parent: rec.IsPartOf.plain(), file: rec.file}
	}
	switch rec.kind {
	case kindAgent:
		if a, ok := r.agent(rec); ok {
			r.set.Agents = append(r.set.Agents, a)
		}
	case kindTV:
		r.addWork(r.seriesWork(rec, wiki.MediumTV, false))
	case kindSpecial:
		r.addWork(r.seriesWork(rec, wiki.MediumSpecial, false))
	case kindFilmSeries:
		held.work = r.seriesWork(rec, wiki.MediumFilm, false)
		for _, p := range rec.parts {
			held.parts = append(held.parts, madbPart{p.EpisodeNumber.plain(), p.Duration.plain(), cleanSpaces(p.AlternativeHeadline.plain())})
		}
		if w := held.work; w != nil && w.EpisodeMinutes == 0 && len(held.parts) == 1 {
			w.EpisodeMinutes = minutesOf(w, held.parts[0].length) // the length of its one film
		}
		r.filmSeries = append(r.filmSeries, held)
	case kindFilm:
		held.work = r.seriesWork(rec, wiki.MediumFilm, true)
		held.ep, held.name = rec.EpisodeNumber.plain(), cleanSpaces(rec.Name.plain())
		r.films = append(r.films, held)
	case kindOVASeries:
		held.work = r.seriesWork(rec, wiki.MediumOVA, false)
		r.ovaSeries = append(r.ovaSeries, held)
	case kindPackage:
		rel, ok := r.release(rec)
		if !ok {
			return
		}
		held.work, held.release = &Work{}, rel
		held.first = rec.FirstAppearance.plain() == "1"
		held.label, held.name = rec.Label.plain(), rec.Name.plain()
		held.kana = cleanSpaces(rec.Name.lang("ja-hrkt"))
		if d := rec.DatePublished.plain(); d != "" && rel.Date == "" {
			held.work.Problems = append(held.work.Problems, fmt.Sprintf("release %s: date %q is not a calendar date", rel.ID, d))
		}
		r.staff(held.work, &rec.madbRaw)
		r.companies(held.work, rec.Publisher.all(), "Distributor")
		r.packages = append(r.packages, held)
	}
}

// build joins the held records into works and franchises, merges duplicates and matches
// names to agents.
func (r *madbReader) build() {
	r.joinFilms()
	r.joinVideos()
	r.filmSeries, r.films, r.ovaSeries, r.packages = nil, nil, nil, nil
	r.mergeDuplicates()
	for i := range r.set.Works {
		tidyWork(&r.set.Works[i])
	}
	for i := range r.set.Franchises {
		f := &r.set.Franchises[i]
		f.Credits, f.Cast = tidyCredits(f.Credits), tidyCast(f.Cast)
	}
	r.match()
	slices.SortFunc(r.set.Works, func(a, b Work) int { return compareMADBIDs(a.ID, b.ID) })
	slices.SortFunc(r.set.Agents, func(a, b Agent) int { return compareMADBIDs(a.ID, b.ID) })
	slices.SortFunc(r.set.Franchises, func(a, b Franchise) int { return compareMADBIDs(a.ID, b.ID) })
}

// addWork keeps a work that was read; a nil one was reported in Bad already.
func (r *madbReader) addWork(w *Work) {
	if w != nil {
		r.set.Works = append(r.set.Works, *w)
	}
}

// bad reports a record as bad.
func (r *madbReader) bad(rec *madbRecord, reason string) {
	r.set.Bad = append(r.set.Bad, BadRecord{File: rec.file, ID: rec.identifier(), Reason: reason})
}

// seriesWork reads a series or film record as a work: titles, dates, counts, staff, cast and
// companies, its own and those of its episodes. byLabel takes the title from the label,
// which for a film names the part ("Genius Party 1") where the name repeats the series.
// A record without a title is reported in Bad and gives nil.
//
// Start is startDate, else datePublished. Episodes is numberOfEpisodes, else
// numberOfPrograms (broadcast slots, which hold one episode or more: "0" episodes of "52"
// programs is 52); a length is programDuration or duration, in whole minutes.
func (r *madbReader) seriesWork(rec *madbRecord, medium wiki.Medium, byLabel bool) *Work {
	title := cleanSpaces(rec.Name.plain())
	if label := cleanSpaces(rec.Label.plain()); title == "" || (byLabel && label != "") {
		title = label
	}
	if title == "" {
		r.bad(rec, "no title")
		return nil
	}
	id := rec.identifier()
	w := &Work{
		ID: id, Medium: medium, Title: title,
		TitleKana:   cleanSpaces(rec.Name.lang("ja-hrkt")),
		ExternalIDs: []ExternalID{{Site: SiteMADB, ID: id}},
	}
	start := rec.StartDate.plain()
	if start == "" {
		start = rec.DatePublished.plain()
	}
	w.Start = dateOf(w, "start", start)
	w.End = dateOf(w, "end", rec.EndDate.plain())
	w.Episodes = countOf(w, "episodes", rec.NumberOfEpisodes.plain())
	if w.Episodes == 0 {
		w.Episodes = countOf(w, "programs", rec.NumberOfPrograms.plain())
	}
	length := rec.ProgramDuration.plain()
	if length == "" {
		length = rec.Duration.plain()
	}
	w.EpisodeMinutes = minutesOf(w, length)
	for _, t := range altTitles(rec.AlternativeHeadline.plain()) {
		if madbTitleKey(t) != madbTitleKey(title) {
			w.Titles = append(w.Titles, Title{Language: "ja", Kind: "synonym", Text: t})
		}
	}
	r.staff(w, &rec.madbRaw)
	for _, part := range rec.parts {
		r.staff(w, part)
	}
	r.companies(w, rec.ProductionCompany.all(), "Animation studio")
	if medium == wiki.MediumFilm {
		w.Rating = strings.TrimSpace(foldWidth(rec.ContentRating.plain()))
		// A film's publisher is its distributor; a TV series' is its broadcaster, which has
		// no company role in Kioku.
		r.companies(w, rec.Publisher.all(), "Distributor")
	}
	return w
}

// staff adds the staff and cast strings of a record or episode to a work.
func (r *madbReader) staff(w *Work, m *madbRaw) {
	for _, f := range []struct{ text, role string }{
		{m.Contributor.all(), ""}, {m.SchemaContributor.all(), ""},
		// A creator or original creator named without a role is the director, or the author of
		// the original work: "creator": "庵野秀明".
		{m.Creator.all(), "監督"}, {m.OriginalWorkCreator.all(), "原作"},
	} {
		s := f.text
		if s == "" {
			continue
		}
		if t := strings.TrimLeftFunc(s, isWideSpace); f.role != "" && t != "" && !strings.ContainsRune("[［【", []rune(t)[0]) && !colonForm(s) {
			s = "[" + f.role + "]" + t
		}
		if colonForm(s) {
			r.lines(w, parseColonStaff(s, r.roles)) // the National Diet Library's "役:名/名" form
		} else {
			r.lines(w, parseStaff(s, false))
		}
	}
	if s := m.Actor.all(); s != "" {
		r.lines(w, parseStaff(s, true))
	}
}

// lines turns staff lines into credits and cast. A compound role gives a credit per English
// role, each keeping the whole role text; parts the vocabulary does not name give one credit
// with Role "".
func (r *madbReader) lines(w *Work, lines []staffLine) {
	for _, l := range lines {
		if l.Cast {
			c := Cast{Character: l.Character, Note: l.Note}
			if l.Name != "" {
				c.Actors = []CastActor{{Name: l.Name}}
			}
			w.Cast = append(w.Cast, c)
			continue
		}
		roles, mapped, parts := r.roles.translate(l.Role)
		r.stats.roleParts += parts
		r.stats.roleMapped += mapped
		if len(roles) == 0 {
			roles = []string{""}
		}
		for _, en := range roles {
			w.Credits = append(w.Credits, Credit{Name: l.Name, Role: en, RoleText: l.Role, Note: l.Note})
		}
	}
}

// companies adds the companies of a productionCompany or publisher string. An entry without
// a role takes def; a role written after the name ("國光教育映画社[提供]") counts as its role.
func (r *madbReader) companies(w *Work, s, def string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	for _, l := range parseStaff(s, false) {
		if l.Cast || l.Name == "" {
			continue
		}
		text := l.Role
		if text == "" && l.Note != "" && !strings.Contains(l.Note, ";") {
			if _, ok := r.roles.lookup(l.Note); ok || len(companyRoles(l.Note)) > 0 {
				text = l.Note
			}
		}
		roles := companyRoles(text)
		if text == "" {
			roles = []string{def}
		}
		if len(roles) == 0 {
			roles = []string{""}
		}
		for _, role := range roles {
			w.Companies = append(w.Companies, CompanyCredit{Name: l.Name, Role: role, RoleText: text})
		}
	}
}

// joinFilms joins films to their series: a series of several different films becomes a
// franchise, a series of one film (or of copies of one) merges into it, and a series with
// no film read is a film of its own.
func (r *madbReader) joinFilms() {
	series := map[string]*madbHeld{}
	for _, s := range r.filmSeries {
		series[s.id] = s
	}
	byParent := map[string][]*madbHeld{}
	for _, f := range r.films {
		switch s := series[f.parent]; {
		case f.work == nil: // reported bad
		case s == nil || s.work == nil: // its series is not read, or bad
			r.addWork(f.work)
		default:
			byParent[f.parent] = append(byParent[f.parent], f)
		}
	}
	for _, s := range r.filmSeries {
		films := byParent[s.id]
		if s.work == nil {
			continue
		}
		if len(films) == 0 {
			r.addWork(s.work)
			continue
		}
		slices.SortFunc(films, func(a, b *madbHeld) int { return compareMADBIDs(a.work.ID, b.work.ID) })
		titles := map[string]bool{}
		for _, f := range films {
			f.work.Series = s.work.ID
			filmLength(f, s)
			titles[madbTitleKey(f.work.Title)] = true
		}
		if len(titles) == 1 {
			for _, dup := range films[1:] {
				absorb(films[0].work, dup.work)
			}
			fill(films[0].work, s.work)
			r.addWork(films[0].work)
			continue
		}
		sw := s.work
		fr := Franchise{ID: sw.ID, Title: sw.Title, TitleKana: sw.TitleKana, Start: sw.Start, End: sw.End,
			Credits: sw.Credits, Cast: sw.Cast, Companies: sw.Companies}
		for _, f := range films {
			fr.Works = append(fr.Works, f.work.ID)
			r.addWork(f.work)
		}
		r.set.Franchises = append(r.set.Franchises, fr)
	}
}

// filmLength takes a film's length from the series' part of the same episode number, or from
// the series' only part, when the film record has none; the part's title becomes a title of
// the film ("Genius Party 上海大竜").
func filmLength(f, s *madbHeld) {
	for _, p := range s.parts {
		if (f.ep != "" && p.ep != f.ep) || (f.ep == "" && len(s.parts) > 1) {
			continue
		}
		if f.work.EpisodeMinutes == 0 && p.length != "" {
			f.work.EpisodeMinutes = minutesOf(f.work, p.length)
		}
		if p.title != "" && f.ep != "" {
			f.work.Titles = append(f.work.Titles, Title{Language: "ja", Kind: "synonym", Text: strings.TrimSpace(f.name + " " + p.title)})
		}
		return
	}
}

// madbTitleKey is the form titles are compared by: half-width, lower case, without spaces.
func madbTitleKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(foldWidth(s)), ""))
}

// altTitles reads an alternativeHeadline: "[タイトル（改行を含む）]ぷれぷれ／ ぷれあです" is one
// title written over lines; without the bracket, "／" separates titles.
func altTitles(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if rs := []rune(s); rs[0] == '[' || rs[0] == '［' {
		if end := matchClose(rs, 0); end > 0 {
			t := cleanSpaces(strings.NewReplacer("／", " ", "『", "", "』", "").Replace(string(rs[end+1:])))
			if t == "" {
				return nil
			}
			return []string{t}
		}
	}
	var out []string
	for _, t := range strings.Split(s, "／") {
		if t = strings.TrimLeft(cleanSpaces(t), "・"); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// dateOf reads a partial date, noting one that is not on the calendar.
func dateOf(w *Work, what, s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	d, ok := PartialDate(foldWidth(s))
	if !ok {
		w.Problems = append(w.Problems, fmt.Sprintf("%s date %q is not a calendar date", what, s))
	}
	return d
}

// countOf reads a count of episodes or programs; 0 means unknown.
func countOf(w *Work, what, s string) int {
	if s = strings.TrimSpace(foldWidth(s)); s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		w.Problems = append(w.Problems, fmt.Sprintf("number of %s %q is not a number", what, s))
		return 0
	}
	return n
}

// minutesOf reads a length ("30", "30分", "2.5", "2分30秒", "約4分", "各4", "5分枠") in whole
// minutes, rounded to the nearest and at least 1; an unreadable one is noted and gives 0.
func minutesOf(w *Work, s string) int {
	if s = strings.TrimSpace(s); s == "" {
		return 0
	}
	m, ok := parseMinutes(s)
	if !ok {
		w.Problems = append(w.Problems, fmt.Sprintf("length %q is not a number of minutes", s))
	}
	return m
}

// parseMinutes is minutesOf without the note.
func parseMinutes(s string) (int, bool) {
	s = strings.ReplaceAll(foldWidth(s), " ", "")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "各"), "約")
	for _, suffix := range []string{"枠", "前後", "程度", "~", "～"} {
		s = strings.TrimSuffix(s, suffix)
	}
	total := 0.0
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		v, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, false
		}
		switch rest := s[i:]; {
		case rest == "":
			total, s = total+v, ""
		case strings.HasPrefix(rest, "分"):
			total, s = total+v, rest[len("分"):]
		case strings.HasPrefix(rest, "秒"):
			total, s = total+v/60, rest[len("秒"):]
		default:
			return 0, false
		}
	}
	if total <= 0 {
		return 0, false
	}
	return max(1, int(math.Round(total))), true
}

// compareMADBIDs orders MADB ids by their letter, then by number ("C7158" before "C10000").
func compareMADBIDs(a, b string) int {
	split := func(s string) (string, int) {
		i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
		if i < 0 {
			return s, -1
		}
		n, err := strconv.Atoi(s[i:])
		if err != nil {
			return s, -1
		}
		return s[:i], n
	}
	pa, na := split(a)
	pb, nb := split(b)
	return cmp.Or(strings.Compare(pa, pb), cmp.Compare(na, nb), strings.Compare(a, b))
}
