package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"kioku/internal/store"
	"kioku/internal/wiki"
)

// seasons are the broadcast seasons of a year, as anime databases name them.
var seasons = []struct {
	Name       string
	From, Till string // months, "01" to "12"; Till is the first month after
}{
	{"winter", "01", "04"}, {"spring", "04", "07"}, {"summer", "07", "10"}, {"fall", "10", "13"},
}

type seasonPage struct {
	Year    int
	Season  string
	Medium  wiki.Medium
	Media   []wiki.Medium
	Seasons []string
	Groups  []seasonGroup
	Total   int
	// Capped is set when the period has more works than one page lists.
	Capped bool
}

type seasonGroup struct {
	Medium wiki.Medium
	Works  []store.WorkRow
}

// Label names the period the page lists: "1995" or "Fall 1995".
func (p seasonPage) Label() string {
	if p.Season == "" {
		return strconv.Itoa(p.Year)
	}
	return fmt.Sprintf("%s%s %d", string(p.Season[0]-'a'+'A'), p.Season[1:], p.Year)
}

// Prev and Next are the neighbouring years.
func (p seasonPage) Prev() int { return p.Year - 1 }

// Next is the year after.
func (p seasonPage) Next() int { return p.Year + 1 }

// maxSeasonWorks bounds one season page; a year of TV alone has fewer works than this.
const maxSeasonWorks = 3000

// Season lists the works that started in a year (/season/1995) or one of its seasons
// (/season/1995/fall), grouped by type, with a type filter (?type=tv).
func (a *App) Season(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1900 || year > time.Now().Year()+5 {
		return store.ErrNotFound
	}
	p := seasonPage{Year: year}
	for _, m := range wiki.Media {
		p.Media = append(p.Media, m.Medium)
	}
	for _, s := range seasons {
		p.Seasons = append(p.Seasons, s.Name)
	}
	from, to := fmt.Sprintf("%04d", year), fmt.Sprintf("%04d", year+1)
	if name := r.PathValue("season"); name != "" {
		found := false
		for _, s := range seasons {
			if s.Name == name {
				found, p.Season = true, name
				from, to = fmt.Sprintf("%04d-%s", year, s.From), fmt.Sprintf("%04d-%s", year, s.Till)
			}
		}
		if !found {
			return store.ErrNotFound
		}
	}
	if t := r.URL.Query().Get("type"); t != "" {
		if !wiki.Medium(t).Valid() {
			return badRequest("unknown type %q", t)
		}
		p.Medium = wiki.Medium(t)
	}
	works, err := a.store.WorksStarting(r.Context(), from, to, p.Medium, maxSeasonWorks+1)
	if err != nil {
		return err
	}
	if len(works) > maxSeasonWorks {
		works, p.Capped = works[:maxSeasonWorks], true
	}
	p.Total = len(works)
	byMedium := map[wiki.Medium][]store.WorkRow{}
	for _, wk := range works {
		byMedium[wk.Medium] = append(byMedium[wk.Medium], wk)
	}
	// Groups in the order types are listed everywhere, works without a type last.
	for _, m := range slices.Concat(p.Media, []wiki.Medium{""}) {
		if list := byMedium[m]; len(list) > 0 {
			p.Groups = append(p.Groups, seasonGroup{Medium: m, Works: list})
		}
	}
	return a.render(w, r, http.StatusOK, "season", "Anime of "+p.Label(), p)
}
