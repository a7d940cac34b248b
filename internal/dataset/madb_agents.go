package dataset

import (
	"cmp"
	"strings"
	"unicode"
)

// agent reads a person or organisation of the co504 file. An organisation's founding and
// closing dates (startDate, endDate) stand in Birth and Death. A date that is not on the
// calendar is left out, since Agent has no place to say so.
func (r *madbReader) agent(rec *madbRecord) (Agent, bool) {
	name := agentName(rec.Name.plain())
	if name == "" {
		name = agentName(rec.Label.plain())
	}
	if name == "" {
		r.bad(rec, "no name")
		return Agent{}, false
	}
	a := Agent{
		ID:           rec.identifier(),
		Organisation: rec.AdditionalGenre.plain() == "団体",
		Name:         name,
		NameKana:     cleanSpaces(rec.Name.lang("ja-hrkt")),
		NameLatin:    cleanSpaces(rec.Name.lang("en")),
		Description:  strings.TrimSpace(strings.ReplaceAll(rec.Description.plain(), "\r\n", "\n")),
	}
	birth, death := rec.BirthDate.plain(), rec.DeathDate.plain()
	if a.Organisation {
		birth = cmp.Or(birth, rec.StartDate.plain())
		death = cmp.Or(death, rec.EndDate.plain())
	}
	a.Birth, _ = PartialDate(foldWidth(birth))
	a.Death, _ = PartialDate(foldWidth(death))
	if q := urlTail(rec.Wikidata.plain()); len(q) > 1 && q[0] == 'Q' && asciiDigits(q[1:]) {
		a.ExternalIDs = append(a.ExternalIDs, ExternalID{Site: SiteWikidata, ID: q})
	}
	if v := urlTail(rec.VIAF.plain()); asciiDigits(v) {
		a.ExternalIDs = append(a.ExternalIDs, ExternalID{Site: SiteVIAF, ID: v})
	}
	return a, true
}

// agentName cleans an agent's name. The library-catalogue form "成沢, 大輔" (family name,
// comma, given name) becomes "成沢大輔" as credits write it; a Latin "Doe, John" is kept.
func agentName(s string) string {
	s = cleanSpaces(s)
	family, given, ok := strings.Cut(s, ", ")
	if ok && !strings.Contains(given, ",") && !hasLatinLetter(family) && !hasLatinLetter(given) {
		return family + given
	}
	return s
}

// hasLatinLetter reports whether s has a Latin letter.
func hasLatinLetter(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Latin, r) {
			return true
		}
	}
	return false
}

// urlTail is the last path segment of a URL ("https://www.wikidata.org/wiki/Q3274623").
func urlTail(u string) string {
	u = strings.TrimRight(strings.TrimSpace(u), "/")
	return u[strings.LastIndex(u, "/")+1:]
}

// asciiDigits reports whether s is a non-empty string of ASCII digits.
func asciiDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// agentKind says which agents a name may match: anyone, persons (voice actors) or
// organisations (companies). When a key is shared, the right kind decides, if it can.
type agentKind int

const (
	anyAgent agentKind = iota
	personAgent
	organisationAgent
)

// match sets the Agent of credits, cast and companies whose name key exactly one agent has.
func (r *madbReader) match() {
	index := make(map[string][]int, len(r.set.Agents))
	for i, a := range r.set.Agents {
		k := nameKey(a.Name)
		index[k] = append(index[k], i)
	}
	find := func(name string, kind agentKind) string {
		r.stats.names++
		cands := index[nameKey(name)]
		if kind != anyAgent && len(cands) > 1 {
			var right []int
			for _, i := range cands {
				if r.set.Agents[i].Organisation == (kind == organisationAgent) {
					right = append(right, i)
				}
			}
			if len(right) > 0 {
				cands = right
			}
		}
		switch len(cands) {
		case 0:
			return ""
		case 1:
			r.stats.matched++
			return r.set.Agents[cands[0]].ID
		}
		r.stats.ambig++
		return ""
	}
	people := func(credits []Credit, cast []Cast, companies []CompanyCredit) {
		for i := range credits {
			credits[i].Agent = find(credits[i].Name, anyAgent)
		}
		for i := range cast {
			for j := range cast[i].Actors {
				cast[i].Actors[j].Agent = find(cast[i].Actors[j].Name, personAgent)
			}
		}
		for i := range companies {
			companies[i].Agent = find(companies[i].Name, organisationAgent)
		}
	}
	for i := range r.set.Works {
		w := &r.set.Works[i]
		people(w.Credits, w.Cast, w.Companies)
	}
	for i := range r.set.Franchises {
		f := &r.set.Franchises[i]
		people(f.Credits, f.Cast, f.Companies)
	}
}

// tidyWork removes the repeats that merging records and episodes leaves: the same person in
// the same role, a role-less credit of someone credited with a role, the same character
// listed twice (their voices are joined), the same company in the same role, titles equal to
// the main one.
func tidyWork(w *Work) {
	w.Credits = tidyCredits(w.Credits)
	w.Cast = tidyCast(w.Cast)
	seen := map[string]bool{}
	companies := w.Companies[:0]
	for _, c := range w.Companies {
		if k := nameKey(c.Name) + "|" + c.Role + "|" + c.RoleText; !seen[k] {
			seen[k] = true
			companies = append(companies, c)
		}
	}
	w.Companies = companies
	seen = map[string]bool{madbTitleKey(w.Title): true}
	titles := w.Titles[:0]
	for _, t := range w.Titles {
		if k := madbTitleKey(t.Text); !seen[k] {
			seen[k] = true
			titles = append(titles, t)
		}
	}
	w.Titles = titles
}

// tidyCredits is tidyWork for credits.
func tidyCredits(credits []Credit) []Credit {
	seen := map[string]int{}
	withRole := map[string]bool{}
	for _, c := range credits {
		if c.Role != "" || c.RoleText != "" {
			withRole[nameKey(c.Name)] = true
		}
	}
	out := credits[:0]
	for _, c := range credits {
		if c.Role == "" && c.RoleText == "" && withRole[nameKey(c.Name)] {
			continue
		}
		k := nameKey(c.Name) + "|" + c.Role
		if c.Role == "" {
			k += "|" + c.RoleText
		}
		if i, ok := seen[k]; ok {
			out[i].Note = joinNote(out[i].Note, c.Note)
			continue
		}
		seen[k] = len(out)
		out = append(out, c)
	}
	return out
}

// tidyCast is tidyWork for cast: entries of the same character are one, with the voices of
// all; unnamed characters are kept apart, one per voice.
func tidyCast(cast []Cast) []Cast {
	seen := map[string]int{}
	out := cast[:0]
	for _, c := range cast {
		k := "c:" + nameKey(c.Character)
		if c.Character == "" {
			k = "a:"
			for _, a := range c.Actors {
				k += nameKey(a.Name) + "|"
			}
		}
		i, ok := seen[k]
		if !ok {
			seen[k] = len(out)
			out = append(out, c)
			continue
		}
		if out[i].Note == "" {
			out[i].Note = c.Note
		}
		for _, a := range c.Actors {
			dup := false
			for _, b := range out[i].Actors {
				dup = dup || nameKey(a.Name) == nameKey(b.Name)
			}
			if !dup {
				out[i].Actors = append(out[i].Actors, a)
			}
		}
	}
	return out
}
