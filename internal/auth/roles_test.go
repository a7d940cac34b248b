package auth

import (
	"slices"
	"testing"
)

// TestRolesCan checks every role against every action with the answer written out, row by row,
// so that any change to the ladder or to an action shows here; it does not ask Can what Can
// should say. The columns are the actions in the order of Actions.
func TestRolesCan(t *testing.T) {
	const T, F = true, false
	columns := []Action{View, Edit, AcceptOwn, EditLocked, Approve, Reject, Lock, Trust, ChangeRoles, Ban, Import}
	type row struct {
		role Role
		can  []bool // view, edit, accept-own, edit-locked, approve, reject, lock, trust, change-roles, ban, import
	}
	want := []row{
		{RoleReader, []bool{T, F, F, F, F, F, F, F, F, F, F}},
		{RoleEditor, []bool{T, T, F, F, F, F, F, F, F, F, F}},
		{RoleTrusted, []bool{T, T, T, T, F, F, F, F, F, F, F}},
		{RoleModerator, []bool{T, T, T, T, T, T, T, T, F, F, F}},
		{RoleAdmin, []bool{T, T, T, T, T, T, T, T, T, T, F}},
		{RoleImporter, []bool{T, T, T, F, F, F, F, F, F, F, T}},
		{Role("owner"), []bool{T, F, F, F, F, F, F, F, F, F, F}},  // unknown: may only view
		{Role("Admin"), []bool{T, F, F, F, F, F, F, F, F, F, F}},  // roles are case-sensitive
		{Role("admin "), []bool{T, F, F, F, F, F, F, F, F, F, F}}, // and exact
		{Role("editor,admin"), []bool{T, F, F, F, F, F, F, F, F, F, F}},
	}
	if !slices.Equal(columns, Actions) {
		t.Fatalf("Actions = %q, but the table's columns are %q: add the new action's column to every row", Actions, columns)
	}
	for _, r := range append([]Role{RoleReader, RoleImporter}, Roles...) {
		if !slices.ContainsFunc(want, func(w row) bool { return w.role == r }) {
			t.Errorf("role %q has no row in the table", r)
		}
	}
	for _, row := range want {
		if len(row.can) != len(columns) {
			t.Fatalf("row %q has %d answers for %d actions", row.role, len(row.can), len(columns))
		}
		for i, a := range columns {
			if got := row.role.Can(a); got != row.can[i] {
				t.Errorf("%q.Can(%s) = %v, want %v", row.role, a, got, row.can[i])
			}
		}
	}
}

// TestRolesValid checks which roles an account may hold: the four of the ladder, not the
// reader's (no role) nor the importers', which only the import commands give.
func TestRolesValid(t *testing.T) {
	for _, tt := range []struct {
		role Role
		want bool
	}{
		{RoleReader, false},
		{RoleEditor, true},
		{RoleTrusted, true},
		{RoleModerator, true},
		{RoleAdmin, true},
		{RoleImporter, false},
		{Role("owner"), false},
		{Role("Admin"), false},
	} {
		if got := tt.role.Valid(); got != tt.want {
			t.Errorf("%q.Valid() = %v, want %v", tt.role, got, tt.want)
		}
	}
}
