package api_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"kioku/internal/demo"
)

// TestMemories reads the demo's Memories through the API: its facts, its eleven credits each
// naming a person whose own address answers, its releases and aliases, and its three segments.
func TestMemories(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		if _, err := demo.Load(context.Background(), s.Edits, cheap); err != nil {
			t.Fatal(err)
		}
		found := s.list("/api/v1/works?filter=name:Memories")
		if found.Total != 1 {
			t.Fatalf("works named Memories: %+v", found)
		}
		id := int64(found.Results[0]["id"].(float64))
		var w struct {
			Name           string
			Medium         string
			Rating         string
			RuntimeMinutes int `json:"runtime_minutes"`
			Aliases        []string
			Releases       []map[string]any
			Credits        []struct {
				Role   string
				Person struct {
					ID     int64
					Name   string
					APIURL string `json:"api_url"`
				}
			}
		}
		s.get(fmt.Sprintf("/api/v1/works/%d", id), http.StatusOK).decode(t, &w)
		if w.Name != "Memories" || w.Medium != "film" || w.Rating != "R" || w.RuntimeMinutes != 115 || len(w.Aliases) != 4 || len(w.Releases) != 2 {
			t.Errorf("Memories: %+v", w)
		}
		if len(w.Credits) != 11 || w.Credits[0].Person.Name != "Tensai Okamura" || w.Credits[0].Role != "Director" {
			t.Fatalf("credits: %+v", w.Credits)
		}
		for _, c := range w.Credits {
			var p map[string]any
			s.get(c.Person.APIURL, http.StatusOK).decode(t, &p)
			if p["name"] != c.Person.Name || int64(p["id"].(float64)) != c.Person.ID {
				t.Errorf("credit %s names %+v, whose address gives %v", c.Role, c.Person, p)
			}
		}
		segments := s.list(fmt.Sprintf("/api/v1/episodes?filter=work:%d&fields=name,number,segment", id))
		if segments.Total != 3 || segments.Results[0]["segment"] != true {
			t.Errorf("segments: %+v", segments)
		}
		s.list(fmt.Sprintf("/api/v1/works/%d/revisions", id))
		s.get(fmt.Sprintf("/api/v1/works/%d/diff", id), http.StatusOK)
	})
}
