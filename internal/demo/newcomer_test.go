package demo_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"kioku/internal/auth"
	"kioku/internal/demo"
	"kioku/internal/edit"
	"kioku/internal/store"
	"kioku/internal/storetest"
	"kioku/internal/wiki"
)

// user reads an account by name.
func user(t *testing.T, s *store.Store, name string) store.User {
	t.Helper()
	u, err := s.UserByName(context.Background(), name)
	if err != nil {
		t.Fatalf("account %s: %v", name, err)
	}
	return u
}

// pending lists the changesets waiting for review.
func pending(t *testing.T, s *store.Store) []store.Changeset {
	t.Helper()
	list, err := s.Changesets(context.Background(), store.ChangesetFilter{Status: store.StatusPending, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// count counts the rows of a table.
func count(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// kon is the note on Satoshi Kon's credit as a writer of the Memories page.
func kon(t *testing.T, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	works, err := s.EntitiesByName(ctx, wiki.KindWork, "Memories")
	if err != nil || len(works) != 1 {
		t.Fatalf("works named Memories: %v, %v", works, err)
	}
	for _, cr := range document[*wiki.Work](t, s, works[0]).Credits {
		p, err := s.Entity(ctx, int64(cr.Person))
		if err != nil {
			t.Fatal(err)
		}
		if p.Name == "Satoshi Kon" && cr.Role == "Writer" && cr.Source == "" {
			return cr.Note
		}
	}
	t.Fatal("no credit of Satoshi Kon as a writer")
	return ""
}

// TestModeration loads the demo and finds what a person trying it needs to see moderation: the
// demo account is a moderator's, and the newcomer's edit to the Memories page waits for it, once
// however often the demo is loaded, and is on the page once the demo account approves it.
func TestModeration(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, engine)
			svc := &edit.Service{Store: s, EditsPerHour: 5, TrustAfter: 10}
			if _, err := demo.Load(ctx, svc, cheap); err != nil {
				t.Fatal(err)
			}
			account := user(t, s, demo.Account)
			if auth.Role(account.Role) != auth.RoleModerator {
				t.Errorf("the demo account is a %q, want a moderator", account.Role)
			}
			newcomer := user(t, s, demo.Newcomer)
			if auth.Role(newcomer.Role) != auth.RoleEditor {
				t.Errorf("the newcomer is a %q, want an editor", newcomer.Role)
			}
			list := pending(t, s)
			if len(list) != 1 || list[0].AuthorID != newcomer.ID {
				t.Fatalf("pending changesets = %+v, want the newcomer's one", list)
			}
			if note := kon(t, s); note != "" {
				t.Errorf("before review the page has the note %q, want none", note)
			}

			// Loading again, before and after the slice, adds nothing.
			changesets := count(t, s, "changesets")
			for range 2 {
				if _, err := demo.Load(ctx, svc, cheap); err != nil {
					t.Fatal(err)
				}
			}
			if err := demo.LoadSlice(ctx, svc); err != nil {
				t.Fatal(err)
			}
			after := count(t, s, "changesets")
			if _, err := demo.Load(ctx, svc, cheap); err != nil {
				t.Fatal(err)
			}
			if n := count(t, s, "changesets"); n != after {
				t.Errorf("loading again made %d changesets", n-after)
			}
			// The slice may leave proposals of its own in the queue; the newcomer's is there once.
			var byNewcomer []int64
			for _, cs := range pending(t, s) {
				if cs.AuthorID == newcomer.ID {
					byNewcomer = append(byNewcomer, cs.ID)
				}
			}
			if len(byNewcomer) != 1 || byNewcomer[0] != list[0].ID {
				t.Errorf("the newcomer's pending changesets = %v, want %d alone", byNewcomer, list[0].ID)
			}
			if after <= changesets {
				t.Errorf("the slice made no changesets: %d then %d", changesets, after)
			}

			// The demo account approves it, though the slice changed the page since.
			if _, err := svc.Approve(ctx, list[0].ID, account.ID); err != nil {
				t.Fatalf("the demo account approves the newcomer's edit: %v", err)
			}
			if note := kon(t, s); note != "Screenplay of the Magnetic Rose segment." {
				t.Errorf("after approval the note is %q", note)
			}
		})
	}
}

// TestUpgrade loads the demo into a store loaded before the newcomer was part of it, whose demo
// account is a trusted editor's: the account becomes a moderator's and the newcomer's edit waits,
// once; an account of another role keeps it; and a page whose credit has a note already gets no
// proposal.
func TestUpgrade(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, engine)
			svc := &edit.Service{Store: s, EditsPerHour: 5, TrustAfter: 10}
			// The store as the demo left it before: the fixture, a trusted demo account, no
			// newcomer.
			if err := s.SetSetting(ctx, "demo.proposed", "1"); err != nil {
				t.Fatal(err)
			}
			password, err := demo.Load(ctx, svc, cheap)
			if err != nil {
				t.Fatal(err)
			}
			account := user(t, s, demo.Account)
			if err := s.SetRole(ctx, account.ID, string(auth.RoleTrusted)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().Exec(`DELETE FROM settings WHERE name = 'demo.proposed'`); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UserByName(ctx, demo.Newcomer); err == nil || len(pending(t, s)) != 0 {
				t.Fatalf("the old store has a newcomer (%v) or pending edits (%d)", err, len(pending(t, s)))
			}

			for i := range 2 {
				again, err := demo.Load(ctx, svc, cheap)
				if err != nil || again != password {
					t.Fatalf("load %d = %q, %v; want the same password %q", i+1, again, err, password)
				}
				if role := user(t, s, demo.Account).Role; auth.Role(role) != auth.RoleModerator {
					t.Errorf("after load %d the demo account is a %q, want a moderator", i+1, role)
				}
				if list := pending(t, s); len(list) != 1 || list[0].AuthorName != demo.Newcomer {
					t.Errorf("after load %d the pending changesets are %+v, want the newcomer's one", i+1, list)
				}
			}

			// An admin stays an admin.
			if err := s.SetRole(ctx, account.ID, string(auth.RoleAdmin)); err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Load(ctx, svc, cheap); err != nil {
				t.Fatal(err)
			}
			if role := user(t, s, demo.Account).Role; auth.Role(role) != auth.RoleAdmin {
				t.Errorf("the demo account made an admin is a %q after loading", role)
			}

			// Once the note is on the page, a store that forgot the proposal gets no other.
			if _, err := svc.Approve(ctx, pending(t, s)[0].ID, account.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().Exec(`DELETE FROM settings WHERE name = 'demo.proposed'`); err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Load(ctx, svc, cheap); err != nil {
				t.Fatal(err)
			}
			if list := pending(t, s); len(list) != 0 {
				t.Errorf("a page with the note got another proposal: %+v", list)
			}
		})
	}
}

// TestNoLimitUsed loads the demo under a low hourly limit and finds the demo account's whole
// allowance left: none of the loading is counted to it, and it can save EditsPerHour edits at
// once. The count is checked as well as the edits, since a moderator's edits are not limited.
func TestNoLimitUsed(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := storetest.Open(t, engine)
			const limit = 3
			svc := &edit.Service{Store: s, EditsPerHour: limit, TrustAfter: 10}
			if _, err := demo.Load(ctx, svc, cheap); err != nil {
				t.Fatal(err)
			}
			if err := demo.LoadSlice(ctx, svc); err != nil {
				t.Fatal(err)
			}
			account := user(t, s, demo.Account)
			used, err := s.CountChangesets(ctx, account.ID, time.Now().Add(-time.Hour))
			if err != nil || used != 0 {
				t.Errorf("the demo account has used %d of its hourly edits (%v), want none", used, err)
			}
			// Every changeset the loading made is by an account exempt from the limit, or by the
			// newcomer, who has its own allowance and used one edit of it.
			var limited []string
			rows, err := s.DB().Query(`SELECT u.name, u.role, COUNT(*) FROM changesets c JOIN users u ON u.id = c.author_id
				GROUP BY u.name, u.role ORDER BY u.name`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var name, role string
				var n int
				if err := rows.Scan(&name, &role, &n); err != nil {
					t.Fatal(err)
				}
				if !auth.Role(role).Can(auth.Import) && !auth.Role(role).Can(auth.Approve) {
					limited = append(limited, name+" "+strconv.Itoa(n))
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if len(limited) != 1 || limited[0] != demo.Newcomer+" 1" {
				t.Errorf("limited accounts' changesets = %q, want the newcomer's one", limited)
			}
			for i := range limit {
				topic := &wiki.Topic{Name: fmt.Sprintf("Anthology %d", i+1)}
				if _, res, err := svc.Create(ctx, account.ID, "A genre", wiki.KindGenre, topic); err != nil || res.Status != store.StatusAccepted {
					t.Fatalf("the demo account's edit %d of %d: %+v, %v", i+1, limit, res, err)
				}
			}
		})
	}
}
