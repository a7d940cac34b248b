package auth

import "testing"

func TestRolesCan(t *testing.T) {
	// Every role against every action: the ladder, written out so that a change to it shows.
	want := map[Role][]Action{
		RoleReader:    {View},
		RoleEditor:    {View, Edit},
		RoleTrusted:   {View, Edit, AcceptOwn, EditLocked},
		RoleModerator: {View, Edit, AcceptOwn, EditLocked, Approve, Reject, Lock, Trust},
		RoleAdmin:     {View, Edit, AcceptOwn, EditLocked, Approve, Reject, Lock, Trust, ChangeRoles, Ban},
		Role("owner"): {View},
	}
	for role, allowed := range want {
		set := map[Action]bool{}
		for _, a := range allowed {
			set[a] = true
		}
		for _, a := range Actions {
			if got := role.Can(a); got != set[a] {
				t.Errorf("%q.Can(%s) = %v, want %v", role, a, got, set[a])
			}
		}
	}
}
