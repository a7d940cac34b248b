package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEveryEditFormSaves opens every edit form of a work and saves it as it is shown with one
// more item, twice round: the second time every section of the work is filled, so each form
// opens and saves with everything a work can show in it.
func TestEveryEditFormSaves(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		c := s.signedIn(t, "ann")
		_, path := newWork(t, c, "Memories", url.Values{"medium": {"film"}})
		newWork(t, c, "Akira", url.Values{"medium": {"film"}})
		newWork(t, c, "Roujin Z", url.Values{"medium": {"film"}})
		other := map[int]string{1: "Akira", 2: "Roujin Z"}
		changes := func(section string, round int, shown url.Values) url.Values {
			n := fmt.Sprint(round)
			switch section {
			case "basics":
				return url.Values{"deck": {"Deck " + n}}
			case "characters":
				return url.Values{"add.0.character": {"Character " + n}, "add.0.cast_role": {"Main"},
					"add.0.voice_person": {"Voice " + n}, "add.0.voice_language": {"ja"}}
			case "credits":
				return url.Values{"add.0.person": {"Person " + n}, "add.0.role": {"Director"}}
			case "companies":
				return url.Values{"add.0.company": {"Studio " + n}, "add.0.role": {"Animation studio"}}
			case "releases":
				return url.Values{"add.0.region": {[]string{"JP", "US"}[round-1]}, "add.0.language": {[]string{"ja", "en"}[round-1]},
					"add.0.title": {"Title " + n}, "add.0.date": {"1995-12-2" + n}}
			case "titles":
				return url.Values{"add.0.title_language": {"en"}, "add.0.title_kind": {"synonym"}, "add.0.title_text": {"Other title " + n}}
			case "ids":
				return url.Values{"add.0.site": {[]string{"anidb", "mal"}[round-1]}, "add.0.id": {[]string{"262", "1462"}[round-1]}}
			case "genres", "themes", "associations":
				return url.Values{"add.0.name": {section + " " + n}}
			case "similar":
				return url.Values{"add.0.name": {other[round]}}
			case "aliases":
				return url.Values{"aliases": {strings.TrimSpace(shown.Get("aliases") + "\nAlias " + n)}}
			case "franchise":
				return url.Values{"name": {"Franchise " + n}}
			case "relations":
				return url.Values{"add.0.type": {"Sequel"}, "add.0.work": {other[round]}}
			case "episodes":
				return url.Values{"add.0.number": {n}, "add.0.name": {"Segment " + n}, "add.0.segment": {"1"}}
			}
			t.Fatalf("no change for section %s", section)
			return nil
		}
		sections := []string{"basics", "characters", "credits", "companies", "releases", "titles", "ids", "genres", "themes",
			"aliases", "franchise", "similar", "associations", "relations", "episodes"}
		for round := 1; round <= 2; round++ {
			for _, section := range sections {
				doc := c.page(path+"/edit/"+section, http.StatusOK)
				var form *postForm
				for _, f := range postForms(doc) {
					if f.action == path+"/edit/"+section {
						form = &f
					}
				}
				if form == nil {
					t.Fatalf("round %d: the %s page has no form that saves it", round, section)
				}
				for k, v := range changes(section, round, form.values) {
					form.values[k] = v
				}
				form.values.Set("csrf", c.csrf)
				if res, body := c.post(form.action, form.values); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("round %d: saving the %s form as shown, with one more item: status %d\n%s", round, section, res.StatusCode, body)
				}
			}
		}
		// Every section now shows what the two rounds added.
		page := c.page(path, http.StatusOK)
		for sel, want := range map[string]int{"#credits tr.credit": 2, "#characters li.cast": 2, "#episodes li.episode": 2,
			"#external-ids li": 2, "#relations li.relation": 2, "#aliases li.alias": 2} {
			if got := page.Find(sel).Length(); got != want {
				t.Errorf("%s: %d on the page, want %d", sel, got, want)
			}
		}
		for _, section := range sections {
			c.page(path+"/edit/"+section, http.StatusOK)
		}
	})
}
