package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"kioku/internal/auth"
)

// TestRolesAgainstActions tries every action as every role over HTTP, and checks that each is
// allowed or refused as the roles say.
func TestRolesAgainstActions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *site) {
		owner := s.signedInAs(t, "owner", auth.RoleAdmin)
		id, path := newWork(t, owner, "Memories", url.Values{"medium": {"film"}, "deck": {"d"}})
		proposer := s.signedInAs(t, "proposer", auth.RoleEditor)
		// pending makes a fresh changeset waiting for review.
		pending := func() int64 {
			proposer.save(path+"/edit/basics", basics(fmt.Sprint("proposal ", head(t, s, id)), "", head(t, s, id)))
			return pendingID(t, s)
		}
		target := 0 // numbers the accounts and edits the actions make, so that each is new
		// victim makes a fresh editor's account to change the role of or ban.
		victim := func() string {
			target++
			name := fmt.Sprintf("target%d", target)
			s.addUserAs(t, name, "correct horse battery", auth.RoleEditor)
			return name
		}
		actions := []struct {
			action auth.Action
			do     func(c *client) int
		}{
			{auth.View, func(c *client) int {
				res := c.get(path)
				res.Body.Close()
				return res.StatusCode
			}},
			{auth.Edit, func(c *client) int {
				target++
				res, _ := c.post(path+"/edit/basics", basics(fmt.Sprint("edit ", target), "", head(t, s, id)))
				return res.StatusCode
			}},
			{auth.Approve, func(c *client) int {
				res, _ := c.post(fmt.Sprintf("/changes/%d/approve", pending()), url.Values{})
				return res.StatusCode
			}},
			{auth.Reject, func(c *client) int {
				res, _ := c.post(fmt.Sprintf("/changes/%d/reject", pending()), url.Values{"reason": {"no"}})
				return res.StatusCode
			}},
			{auth.Lock, func(c *client) int {
				res, _ := c.post(path+"/lock", url.Values{"locked": {"0"}})
				return res.StatusCode
			}},
			{auth.ChangeRoles, func(c *client) int {
				res, _ := c.post("/admin/users/"+victim()+"/role", url.Values{"role": {"moderator"}})
				return res.StatusCode
			}},
			{auth.Ban, func(c *client) int {
				res, _ := c.post("/admin/users/"+victim()+"/ban", url.Values{"reason": {"spam"}})
				return res.StatusCode
			}},
		}
		roles := []auth.Role{auth.RoleReader, auth.RoleEditor, auth.RoleTrusted, auth.RoleModerator, auth.RoleAdmin}
		for _, role := range roles {
			c := s.anonymous(t)
			if role != auth.RoleReader {
				c = s.signedInAs(t, "as-"+string(role), role)
			}
			for _, a := range actions {
				allowed := role.Can(a.action)
				got := a.do(c)
				ok := got == http.StatusOK || got == http.StatusSeeOther
				if ok != allowed || (!allowed && got != http.StatusForbidden) {
					t.Errorf("%s %s: status %d, want allowed=%v (403 when refused)", role.Label(), a.action, got, allowed)
				}
			}
		}
	})
}
