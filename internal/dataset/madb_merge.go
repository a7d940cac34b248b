package dataset

import (
	"fmt"
	"slices"

	"kioku/internal/wiki"
)

// absorb merges a duplicate record into the work kept, noting it.
func absorb(keep, dup *Work) {
	fill(keep, dup)
	keep.Releases = append(keep.Releases, dup.Releases...)
	keep.Problems = append(keep.Problems, dup.Problems...)
	keep.Problems = append(keep.Problems, fmt.Sprintf("merged duplicate record %s (same title, medium and start date)", dup.ID))
	if dup.Series != "" && dup.Series != keep.Series {
		keep.Problems = append(keep.Problems, fmt.Sprintf("merged film series %s with its film %s", dup.Series, dup.ID))
	}
}

// fill completes a work with what another record of it knows: empty fields are filled,
// titles, staff, cast and companies added (repeats are removed later by tidyWork).
func fill(w, from *Work) {
	for _, f := range []struct{ dst, src *string }{
		{&w.TitleKana, &from.TitleKana}, {&w.Start, &from.Start}, {&w.End, &from.End}, {&w.Rating, &from.Rating},
	} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if w.Episodes == 0 {
		w.Episodes = from.Episodes
	}
	if w.EpisodeMinutes == 0 {
		w.EpisodeMinutes = from.EpisodeMinutes
	}
	if from.Title != w.Title && madbTitleKey(from.Title) != madbTitleKey(w.Title) {
		w.Titles = append(w.Titles, Title{Language: "ja", Kind: "synonym", Text: from.Title})
	}
	w.Titles = append(w.Titles, from.Titles...)
	w.Credits = append(w.Credits, from.Credits...)
	w.Cast = append(w.Cast, from.Cast...)
	w.Companies = append(w.Companies, from.Companies...)
}

// mergeDuplicates makes one work of the records of the same medium, title and start date,
// keeping the lowest id. Works without a start date are never merged: the title alone does
// not tell a remake from a duplicate.
func (r *madbReader) mergeDuplicates() {
	works := r.set.Works
	slices.SortFunc(works, func(a, b Work) int { return compareMADBIDs(a.ID, b.ID) })
	first := map[string]int{}
	renamed := map[string]string{}
	kept := works[:0]
	for _, w := range works {
		key := string(w.Medium) + "|" + madbTitleKey(w.Title) + "|" + w.Start
		if i, ok := first[key]; ok && w.Start != "" {
			absorb(&kept[i], &w)
			renamed[w.ID] = kept[i].ID
			continue
		}
		first[key] = len(kept)
		kept = append(kept, w)
	}
	kept = mergeReleases(kept, renamed)
	kept = mergeReissues(kept, renamed, r.reissues)
	r.set.Works = kept
	for i := range r.set.Franchises {
		ids := r.set.Franchises[i].Works
		for j, id := range ids {
			if to, ok := renamed[id]; ok {
				ids[j] = to
			}
		}
		r.set.Franchises[i].Works = slices.Compact(ids)
	}
}

// mergeReleases folds a film's re-releases into it: a film record with no staff, cast or
// companies of its own, whose title is that of exactly one film released earlier with them,
// is that film shown again (MEMORIES of 1995 has a record of 1996 with its title and nothing
// else). The record becomes a release of the film, dated.
func mergeReleases(works []Work, renamed map[string]string) []Work {
	byTitle := map[string][]int{}
	for i, w := range works {
		if w.Medium == wiki.MediumFilm && w.Start != "" && (len(w.Credits) > 0 || len(w.Cast) > 0) {
			byTitle[madbTitleKey(w.Title)] = append(byTitle[madbTitleKey(w.Title)], i)
		}
	}
	drop := map[int]bool{}
	for i, w := range works {
		if w.Medium != wiki.MediumFilm || w.Start == "" || len(w.Credits)+len(w.Cast)+len(w.Companies) > 0 {
			continue
		}
		var earlier []int
		for _, j := range byTitle[madbTitleKey(w.Title)] {
			if works[j].Start < w.Start {
				earlier = append(earlier, j)
			}
		}
		if len(earlier) != 1 {
			continue
		}
		keep := &works[earlier[0]]
		keep.Releases = append(keep.Releases, Release{ID: w.ID, Region: "JP", Language: "ja", Title: w.Title, Date: w.Start})
		keep.Releases = append(keep.Releases, w.Releases...)
		keep.Problems = append(keep.Problems, fmt.Sprintf("merged re-release record %s as a release (%s: same title, no staff or cast of its own)", w.ID, w.Start))
		if w.Series != "" && w.Series != keep.Series {
			keep.Problems = append(keep.Problems, fmt.Sprintf("merged film series %s with its film %s", w.Series, w.ID))
		}
		renamed[w.ID] = keep.ID
		drop[i] = true
	}
	return without(works, drop)
}

// mergeReissues folds a video package series that only reissues a work into that work: a series
// none of whose discs is a first appearance (a TV series' Blu-ray box, a film on DVD; reissues
// holds their ids), whose title is that of exactly one TV series, TV special or film that began
// no later than its first disc. Its discs become the work's releases, and their staff and cast
// are the work's (repeats are removed later by tidyWork). A series matching no such work, or
// several, stays a work: a title that only begins like a work's ("頭文字D Fifth Stage") is
// often another season or an event, not a reissue.
func mergeReissues(works []Work, renamed map[string]string, reissues map[string]bool) []Work {
	byTitle := map[string][]int{}
	for i, w := range works {
		if w.Start != "" && (w.Medium == wiki.MediumTV || w.Medium == wiki.MediumSpecial || w.Medium == wiki.MediumFilm) {
			byTitle[madbTitleKey(w.Title)] = append(byTitle[madbTitleKey(w.Title)], i)
		}
	}
	drop := map[int]bool{}
	for i, w := range works {
		if !reissues[w.ID] {
			continue
		}
		var before []int
		for _, j := range byTitle[madbTitleKey(w.Title)] {
			if w.Start == "" || works[j].Start <= w.Start {
				before = append(before, j)
			}
		}
		if len(before) != 1 {
			continue
		}
		keep := &works[before[0]]
		if keep.TitleKana == "" {
			keep.TitleKana = w.TitleKana
		}
		keep.Releases = append(keep.Releases, w.Releases...)
		keep.Credits = append(keep.Credits, w.Credits...)
		keep.Cast = append(keep.Cast, w.Cast...)
		keep.Companies = append(keep.Companies, w.Companies...)
		keep.Problems = append(keep.Problems, w.Problems...)
		keep.Problems = append(keep.Problems, fmt.Sprintf("merged video series %s as releases (same title; none of its discs is a first appearance)", w.ID))
		renamed[w.ID] = keep.ID
		drop[i] = true
	}
	return without(works, drop)
}

// without returns works without those whose indexes drop holds, in the same array.
func without(works []Work, drop map[int]bool) []Work {
	if len(drop) == 0 {
		return works
	}
	out := works[:0]
	for i, w := range works {
		if !drop[i] {
			out = append(out, w)
		}
	}
	return out
}
