package importer

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kioku/internal/wiki"
)

func TestFold(t *testing.T) {
	const me, other = "madb:C1", "bangumi-data:bangumi:1"
	src := func(key, version string) wiki.Source { return wiki.Source{Key: key, Dataset: key, Version: version} }
	credit := func(key string, person wiki.Ref, role, note string) wiki.Credit {
		return wiki.Credit{Key: key, Person: person, Role: role, Note: note, Source: me}
	}
	tests := []struct {
		name           string
		cur, prev, nxt *wiki.Work
		want           *wiki.Work // accepted
		wantProposed   *wiki.Work // nil when nothing waits for review
	}{
		{
			name: "fills what the page lacks",
			cur:  &wiki.Work{Name: "A", Medium: wiki.MediumTV},
			nxt:  &wiki.Work{Name: "A", Episodes: 26, Sources: []wiki.Source{src(me, "1")}},
			want: &wiki.Work{Name: "A", Medium: wiki.MediumTV, Episodes: 26,
				Sources: []wiki.Source{{Key: me, Dataset: me, Version: "1", Fields: []string{"episodes", "name"}}}},
		},
		{
			name: "another source's value stands",
			cur:  &wiki.Work{Name: "A", Episodes: 25, Sources: []wiki.Source{{Key: other, Fields: []string{"episodes"}}}},
			nxt:  &wiki.Work{Episodes: 26, Sources: []wiki.Source{src(me, "1")}},
			want: &wiki.Work{Name: "A", Episodes: 25, Sources: []wiki.Source{{Key: other, Fields: []string{"episodes"}}, src(me, "1")}},
		},
		{
			name: "the source's change follows when the page kept its old value",
			cur:  &wiki.Work{Name: "A", Episodes: 12, Sources: []wiki.Source{{Key: me, Version: "1", Fields: []string{"episodes"}}}},
			prev: &wiki.Work{Episodes: 12},
			nxt:  &wiki.Work{Episodes: 13, Sources: []wiki.Source{src(me, "2")}},
			want: &wiki.Work{Name: "A", Episodes: 13, Sources: []wiki.Source{{Key: me, Dataset: me, Version: "2", Fields: []string{"episodes"}}}},
		},
		{
			name: "a person's value stays and the source's new one is proposed",
			cur:  &wiki.Work{Name: "A", Episodes: 11},
			prev: &wiki.Work{Episodes: 12},
			nxt:  &wiki.Work{Episodes: 13, Sources: []wiki.Source{src(me, "2")}},
			want: &wiki.Work{Name: "A", Episodes: 11, Sources: []wiki.Source{src(me, "2")}},
			wantProposed: &wiki.Work{Name: "A", Episodes: 13,
				Sources: []wiki.Source{{Key: me, Dataset: me, Version: "2", Fields: []string{"episodes"}}}},
		},
		{
			name: "a person's value stays when the source did not change",
			cur:  &wiki.Work{Name: "A", Episodes: 11},
			prev: &wiki.Work{Episodes: 12},
			nxt:  &wiki.Work{Episodes: 12, Sources: []wiki.Source{src(me, "2")}},
			want: &wiki.Work{Name: "A", Episodes: 11, Sources: []wiki.Source{src(me, "2")}},
		},
		{
			name: "the same words in another case are no conflict",
			cur:  &wiki.Work{Name: "Memories"},
			nxt:  &wiki.Work{Name: "MEMORIES", Sources: []wiki.Source{src(me, "1")}},
			want: &wiki.Work{Name: "Memories", Sources: []wiki.Source{src(me, "1")}},
		},
		{
			name: "a title another source wrote in one case takes the record's",
			cur:  &wiki.Work{Name: "attack on titan", Sources: []wiki.Source{{Key: other, Fields: []string{"name"}}}},
			nxt:  &wiki.Work{Name: "Attack on Titan", Sources: []wiki.Source{src(me, "1")}},
			want: &wiki.Work{Name: "Attack on Titan", Sources: []wiki.Source{{Key: other, Fields: []string{"name"}},
				{Key: me, Dataset: me, Version: "1", Fields: []string{"name"}}}},
		},
		{
			name: "a title a person wrote in one case stays",
			cur:  &wiki.Work{Name: "COWBOY BEBOP"},
			nxt:  &wiki.Work{Name: "Cowboy Bebop", Sources: []wiki.Source{src(me, "1")}},
			want: &wiki.Work{Name: "COWBOY BEBOP", Sources: []wiki.Source{src(me, "1")}},
		},
		{
			name: "items: new ones come, dropped ones go, ones a person removed stay removed",
			cur: &wiki.Work{Name: "A", Credits: []wiki.Credit{
				credit("k1", 1, "Director", ""), {Key: "p", Person: 9, Role: "Music"}}},
			prev: &wiki.Work{Credits: []wiki.Credit{credit("k1", 1, "Director", ""), credit("k2", 2, "Script", "")}},
			nxt: &wiki.Work{Credits: []wiki.Credit{credit("k2", 2, "Script", ""), credit("k3", 3, "Music", "")},
				Sources: []wiki.Source{src(me, "2")}},
			want: &wiki.Work{Name: "A", Credits: []wiki.Credit{{Key: "p", Person: 9, Role: "Music"}, credit("k3", 3, "Music", "")},
				Sources: []wiki.Source{src(me, "2")}},
		},
		{
			name: "one person in one role is one credit, whoever gave it first",
			cur:  &wiki.Work{Name: "A", Credits: []wiki.Credit{{Key: "p", Person: 1, Role: "Director"}}},
			nxt:  &wiki.Work{Credits: []wiki.Credit{credit("k1", 1, "director", "episodes 1-3")}, Sources: []wiki.Source{src(me, "1")}},
			want: &wiki.Work{Name: "A", Credits: []wiki.Credit{{Key: "p", Person: 1, Role: "Director"}}, Sources: []wiki.Source{src(me, "1")}},
		},
		{
			name: "a date that would end the work before it starts gives way to the page's",
			cur:  &wiki.Work{Name: "A", StartDate: "2016-11-25", Sources: []wiki.Source{{Key: other, Fields: []string{"start_date"}}}},
			nxt:  &wiki.Work{StartDate: "2016-11-23", EndDate: "2016-11-23", Episodes: 1, Sources: []wiki.Source{src(me, "1")}},
			want: &wiki.Work{Name: "A", StartDate: "2016-11-25", Episodes: 1, Sources: []wiki.Source{
				{Key: other, Fields: []string{"start_date"}}, {Key: me, Dataset: me, Version: "1", Fields: []string{"episodes"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var prev wiki.Document
			if tt.prev != nil {
				prev = tt.prev
			}
			accepted, proposed := fold(tt.cur, prev, tt.nxt, me)
			if diff := cmp.Diff(tt.want, accepted); diff != "" {
				t.Errorf("accepted (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantProposed == nil && proposed != nil:
				t.Errorf("proposed %+v, want nothing", proposed)
			case tt.wantProposed != nil:
				if diff := cmp.Diff(wiki.Document(tt.wantProposed), proposed); diff != "" {
					t.Errorf("proposed (-want +got):\n%s", diff)
				}
			}
		})
	}
}
