package auth

import "slices"

// Role is what an account may do. A reader who is not signed in has RoleReader.
type Role string

// The roles, from least to most trusted.
const (
	RoleReader    Role = ""
	RoleEditor    Role = "editor"
	RoleTrusted   Role = "trusted"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
	// RoleImporter is the role of the accounts that import data sets, one per data set. It
	// stands beside the ladder, not on it: an importer's edits are accepted at once and are not
	// limited per hour, but it may not review, lock or change anyone's role.
	RoleImporter Role = "importer"
)

// Roles lists the roles an account can have, least trusted first.
var Roles = []Role{RoleEditor, RoleTrusted, RoleModerator, RoleAdmin}

// Valid tells whether r is a role an account can have.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case RoleReader:
		return "reader"
	case RoleTrusted:
		return "trusted editor"
	}
	return string(r)
}

// Action is something a role may or may not do.
type Action string

// The actions the roles are checked against.
const (
	View        Action = "view"         // read pages, history and diffs
	Edit        Action = "edit"         // propose changes; accepted at once only with AcceptOwn
	AcceptOwn   Action = "accept-own"   // have one's own edits accepted without review
	EditLocked  Action = "edit-locked"  // change a locked page
	Approve     Action = "approve"      // accept an edit from the queue
	Reject      Action = "reject"       // reject an edit from the queue, with a reason
	Lock        Action = "lock"         // lock and unlock pages
	Trust       Action = "trust"        // make an editor trusted, or take trust back
	ChangeRoles Action = "change-roles" // give any account any role
	Ban         Action = "ban"          // ban and unban accounts
	Import      Action = "import"       // save a data set's records, without the hourly limit
)

// Actions lists every action, for tables of what each role may do.
var Actions = []Action{View, Edit, AcceptOwn, EditLocked, Approve, Reject, Lock, Trust, ChangeRoles, Ban, Import}

// permissions is the one place that says which role may do what; a role may do everything the
// roles below it may.
var permissions = map[Role][]Action{
	RoleReader:    {View},
	RoleEditor:    {Edit},
	RoleTrusted:   {AcceptOwn, EditLocked},
	RoleModerator: {Approve, Reject, Lock, Trust},
	RoleAdmin:     {ChangeRoles, Ban},
	// Not on the ladder: a locked page changes only through the queue, even for an import.
	RoleImporter: {View, Edit, AcceptOwn, Import},
}

var ladder = []Role{RoleReader, RoleEditor, RoleTrusted, RoleModerator, RoleAdmin}

// Can tells whether the role may do the action. An unknown role may only view.
func (r Role) Can(a Action) bool {
	if r == RoleImporter {
		return slices.Contains(permissions[r], a)
	}
	top := slices.Index(ladder, r)
	for _, step := range ladder[:max(top, 0)+1] {
		if slices.Contains(permissions[step], a) {
			return true
		}
	}
	return false
}
