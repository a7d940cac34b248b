package dataset

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// joinVideos joins the video packages (discs, tapes) to their series, as the releases of
// the OVA works the series are. The staff and cast of the packages are the work's too.
//
// An OVA series record gives little beyond its title and first date, so the work's Start is
// the series' date, else the first package's; End is the date of the last package that MADB
// marks as a first appearance (firstAppearance "1", not a re-release or a box), when there
// are two or more of them.
func (r *madbReader) joinVideos() {
	works := map[string]*Work{}     // by the series' @id
	byTitle := map[string][]*Work{} // by madbTitleKey, for packages without their series
	skipped := map[string]bool{}    // series reported in Bad
	firsts := map[*Work][]string{}  // dates of first-appearance packages
	for _, s := range r.ovaSeries {
		if s.work == nil {
			skipped[s.id] = true
			continue
		}
		works[s.id] = s.work
		byTitle[madbTitleKey(s.work.Title)] = append(byTitle[madbTitleKey(s.work.Title)], s.work)
	}
	for _, p := range r.packages {
		w := works[p.parent]
		if w == nil {
			w = r.orphan(p, skipped[p.parent], byTitle)
			if w == nil {
				continue
			}
		}
		if w.TitleKana == "" && p.kana != "" && madbTitleKey(p.label) == madbTitleKey(w.Title) {
			w.TitleKana = p.kana // series records have no reading; their packages do
		}
		w.Releases = append(w.Releases, p.release)
		w.Credits = append(w.Credits, p.work.Credits...)
		w.Cast = append(w.Cast, p.work.Cast...)
		w.Companies = append(w.Companies, p.work.Companies...)
		w.Problems = append(w.Problems, p.work.Problems...)
		if p.first && p.release.Date != "" {
			firsts[w] = append(firsts[w], p.release.Date)
		}
	}
	for _, s := range r.ovaSeries {
		w := s.work
		if w == nil {
			continue
		}
		slices.SortFunc(w.Releases, func(a, b Release) int {
			return cmp.Or(cmp.Compare(a.Date, b.Date), compareMADBIDs(a.ID, b.ID))
		})
		if w.Start == "" {
			if len(firsts[w]) > 0 {
				w.Start = slices.Min(firsts[w])
			}
			for _, rel := range w.Releases { // sorted by date, undated first
				if w.Start == "" {
					w.Start = rel.Date
				}
			}
		}
		if len(w.Releases) > 0 && len(firsts[w]) == 0 {
			r.reissues[w.ID] = true
		}
		if len(firsts[w]) >= 2 {
			if end := slices.Max(firsts[w]); end > w.Start {
				w.End = end
			}
		}
		r.addWork(w)
	}
}

// orphan finds the work of a package whose series is not among the works: the one OVA
// series with the package's label or name as title. Without one, the package is reported
// in Bad and orphan returns nil.
func (r *madbReader) orphan(p *madbHeld, skipped bool, byTitle map[string][]*Work) *Work {
	bad := func(reason string) *Work {
		r.set.Bad = append(r.set.Bad, BadRecord{File: p.file, ID: p.release.ID, Reason: reason})
		return nil
	}
	if skipped {
		return bad(fmt.Sprintf("video package of series %s, which was skipped", madbID(p.parent)))
	}
	for _, t := range []string{p.label, p.name} {
		if ws := byTitle[madbTitleKey(t)]; t != "" && len(ws) == 1 {
			ws[0].Problems = append(ws[0].Problems, fmt.Sprintf("release %s attached by title: its series is not in the files read", p.release.ID))
			return ws[0]
		}
	}
	if p.parent == "" {
		return bad("video package with no series (isPartOf), and no single OVA series has its title")
	}
	return bad(fmt.Sprintf("video package of series %s, which is not in the files read, and no single OVA series has its title", madbID(p.parent)))
}

// release reads a video package. Its title is the label, or the episode title
// (alternativeHeadline) when that says more ("鴉-KARAS- 第弐話・火炎輪"). Format and
// product number come from mediaFormat and productID (National Diet Library records) or
// from the "[品番][DVD]BCBA-1175" lines of the note (Animage records).
func (r *madbReader) release(p *madbRecord) (Release, bool) {
	title := cleanSpaces(p.Label.plain())
	if title == "" {
		title = cleanSpaces(p.Name.plain())
	}
	if title == "" {
		r.bad(p, "no title")
		return Release{}, false
	}
	if head := cleanSpaces(p.AlternativeHeadline.plain()); head != "" && madbTitleKey(head) != madbTitleKey(title) {
		if strings.HasPrefix(madbTitleKey(head), madbTitleKey(title)) {
			title = head
		} else {
			title += " " + head
		}
	}
	rel := Release{ID: p.identifier(), Region: "JP", Language: "ja", Title: title}
	if lang := p.InLanguage.plain(); lang == "英語" {
		rel.Language = "en"
	}
	date := p.DatePublished.plain()
	if date == "" && p.provider != nil {
		date = p.provider.DatePublished.plain() // the library's record of it
	}
	rel.Date, _ = PartialDate(foldWidth(date))
	formats := discFormats(p.MediaFormat.plain())
	var catalogs []string
	for _, id := range strings.Split(p.ProductID.plain(), "／") {
		if c := catalogNumber(id); c != "" && !slices.Contains(catalogs, c) {
			catalogs = append(catalogs, c)
		}
	}
	for _, line := range strings.Split(p.Note.plain(), "／") {
		line = strings.TrimSpace(foldWidth(line))
		rest, ok := strings.CutPrefix(line, "[品番]")
		if !ok {
			continue
		}
		if strings.HasPrefix(rest, "[") {
			label, after, _ := strings.Cut(rest[1:], "]")
			for _, f := range discFormats(label) {
				if !slices.Contains(formats, f) {
					formats = append(formats, f)
				}
			}
			rest = after
		}
		if c := catalogNumber(rest); c != "" && !slices.Contains(catalogs, c) {
			catalogs = append(catalogs, c)
		}
	}
	rel.Format = strings.Join(formats, ", ")
	rel.Catalog = strings.Join(catalogs, ", ")
	return rel, true
}

// discFormats names the video formats a text mentions, in the order written: "Blu-ray
// Disc, DVD +" gives Blu-ray and DVD; "VC" (video cassette) and "VIDEO版" are VHS.
func discFormats(s string) []string {
	low := strings.ToLower(foldWidth(s))
	type hit struct {
		at   int
		name string
	}
	var hits []hit
	for _, f := range []struct{ pat, name string }{
		{"blu-ray", "Blu-ray"}, {"bd", "Blu-ray"}, {"dvd", "DVD"}, {"vhs", "VHS"}, {"vc", "VHS"},
		{"video", "VHS"}, {"ビデオカセット", "VHS"}, {"ld", "LD"}, {"レーザーディスク", "LD"}, {"umd", "UMD"},
	} {
		if i := strings.Index(low, f.pat); i >= 0 {
			hits = append(hits, hit{i, f.name})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.at, b.at) })
	var out []string
	for _, h := range hits {
		if !slices.Contains(out, h.name) {
			out = append(out, h.name)
		}
	}
	return out
}

// catalogNumber is the product number at the start of a text ("PCBE-53796 ／ …",
// "JDXA-57179 ---"), "" when the text has none.
func catalogNumber(s string) string {
	f := strings.Fields(foldWidth(s))
	if len(f) == 0 || !strings.ContainsAny(f[0], "0123456789") {
		return ""
	}
	return strings.TrimRight(f[0], ".,、")
}
