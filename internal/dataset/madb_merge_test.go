package dataset

import (
	"slices"
	"testing"

	"kioku/internal/wiki"
)

// A video series none of whose discs is a first appearance is folded into the one TV series,
// special or film of its title that began no later; with no such work, or two, it stays a work.
func TestMergeReissues(t *testing.T) {
	disc := func(id, date string) Release {
		return Release{ID: id, Region: "JP", Language: "ja", Date: date, Format: "DVD"}
	}
	works := []Work{
		{ID: "C1", Medium: wiki.MediumTV, Title: "夏色キセキ", Start: "2012-04-02"},
		{ID: "C2", Medium: wiki.MediumOVA, Title: "夏色 キセキ", Start: "2012-07", Releases: []Release{disc("M1", "2012-07"), disc("M2", "2012-08")},
			Credits: []Credit{{Name: "水島精二", Role: "Director"}}},
		{ID: "C3", Medium: wiki.MediumOVA, Title: "夏色キセキ", Start: "2013-01", Releases: []Release{disc("M3", "2013-01")}}, // first appearances
		{ID: "C4", Medium: wiki.MediumTV, Title: "タッチ", Start: "1985-03-24"},
		{ID: "C5", Medium: wiki.MediumFilm, Title: "タッチ", Start: "1986-04-12"},
		{ID: "C6", Medium: wiki.MediumOVA, Title: "タッチ", Start: "1990", Releases: []Release{disc("M4", "1990")}}, // two works of its title
		{ID: "C7", Medium: wiki.MediumTV, Title: "有頂天家族", Start: "2013-07-07"},
		{ID: "C8", Medium: wiki.MediumOVA, Title: "有頂天家族", Start: "2010", Releases: []Release{disc("M5", "2010")}}, // older than the series
	}
	renamed := map[string]string{}
	got := mergeReissues(works, renamed, map[string]bool{"C2": true, "C6": true, "C8": true})
	var ids []string
	for _, w := range got {
		ids = append(ids, w.ID)
	}
	if want := []string{"C1", "C3", "C4", "C5", "C6", "C7", "C8"}; !slices.Equal(ids, want) {
		t.Fatalf("works %v, want %v", ids, want)
	}
	tv := got[0]
	if len(tv.Releases) != 2 || tv.Releases[0].ID != "M1" || len(tv.Credits) != 1 || renamed["C2"] != "C1" {
		t.Errorf("the TV series after its reissue was folded in: releases %v, credits %v, renamed %v", tv.Releases, tv.Credits, renamed)
	}
	if !slices.ContainsFunc(tv.Problems, func(p string) bool {
		return p == "merged video series C2 as releases (same title; none of its discs is a first appearance)"
	}) {
		t.Errorf("the fold is not noted: %q", tv.Problems)
	}
}
