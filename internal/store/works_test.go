package store_test

import (
	"context"
	"slices"
	"testing"

	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// RecentWorks tells the works people edited last from those imported last, the same whether it
// finds people's edits from their authors (while they are few) or walks the works newest first.
func TestRecentWorks(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, engine)
			user := func(name, role string) int64 {
				t.Helper()
				id, err := s.CreateUser(ctx, name, "x", role)
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			importer, ann, _ := user("Import: test", "importer"), user("ann", "editor"), user("bob", "")
			ids := map[string]int64{}
			// edit makes a revision of the work called name by author: its first, creating it,
			// when the wiki has none of that name.
			edit := func(author int64, name string) {
				t.Helper()
				err := s.Tx(ctx, func(tx *store.Tx) error {
					cs, err := tx.CreateChangeset(ctx, author, "test", store.StatusAccepted)
					if err != nil {
						return err
					}
					id, head := ids[name], 0
					if id == 0 {
						if id, err = tx.CreateEntity(ctx, wiki.KindWork, name, "anime", 1); err != nil {
							return err
						}
						ids[name] = id
						if err := tx.ReplaceWorkFacts(ctx, id, &store.WorkFacts{Medium: wiki.MediumTV}, true); err != nil {
							return err
						}
					} else {
						e, err := tx.EntityForUpdate(ctx, id)
						if err != nil {
							return err
						}
						head = e.Head
						if err := tx.SetHead(ctx, id, head, head+1, name, "anime", 0); err != nil {
							return err
						}
					}
					rev := store.Revision{EntityID: id, Number: head + 1, Parent: head, ChangesetID: cs, AuthorID: author,
						Summary: "test", Status: store.StatusAccepted, Document: []byte(`{"title":"` + name + `"}`)}
					if err := tx.InsertRevision(ctx, rev); err != nil {
						return err
					}
					_, err = tx.CreditAuthor(ctx, author, 1, 0)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			edit(ann, "Made by Ann")
			edit(importer, "Imported, then edited")
			edit(importer, "Imported")
			edit(ann, "Imported, then edited")
			edit(ann, "Edited, then imported")
			edit(importer, "Edited, then imported")
			for _, few := range []int64{20_000, 0} {
				restore := store.SetFewEdits(few)
				for _, tt := range []struct {
					imported bool
					want     []string
				}{
					{false, []string{"Imported, then edited", "Made by Ann"}},
					{true, []string{"Edited, then imported", "Imported"}},
				} {
					list, err := s.RecentWorks(ctx, tt.imported, 12)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, w := range list {
						got = append(got, w.Name)
					}
					if !slices.Equal(got, tt.want) {
						t.Errorf("with people's edits few below %d, imported %v: %q, want %q", few, tt.imported, got, tt.want)
					}
				}
				restore()
			}
		})
	}
}
