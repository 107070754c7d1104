package users

import (
	"slices"
	"strconv"
	"strings"

	"github.com/triage-oss/triage/internal/apperr"
)

// Role is what a user does, and so which areas of the UI they may use.
type Role string

// Roles.
const (
	RoleReviewer Role = "reviewer" // reviews drafted replies
	RoleOps      Role = "ops"      // runs the system: evals, jobs
	RoleManager  Role = "manager"  // watches the figures
	RoleAdmin    Role = "admin"    // everything, and the accounts
)

// Roles lists every role, in the order the UI offers them.
var Roles = []Role{RoleReviewer, RoleOps, RoleManager, RoleAdmin}

// Areas of the UI, as passed to [User.Can].
const (
	AreaQueue     = "queue"     // the approval queue
	AreaIncidents = "incidents" // the incident desk
	AreaDashboard = "dashboard" // the managers' report
	AreaEvals     = "evals"     // eval runs
	AreaAdmin     = "admin"     // accounts and River UI
)

// areaRoles says which roles may use each area.
var areaRoles = map[string][]Role{
	AreaQueue:     {RoleReviewer, RoleOps, RoleManager, RoleAdmin},
	AreaIncidents: {RoleReviewer, RoleManager, RoleAdmin},
	AreaDashboard: {RoleManager, RoleAdmin},
	AreaEvals:     {RoleOps, RoleAdmin},
	AreaAdmin:     {RoleAdmin},
}

// ParseRole returns the role named s, ignoring case and surrounding
// spaces. An unknown name is an EINVALID error listing the roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.valid() {
		return "", apperr.Invalid("unknown role "+strconv.Quote(s), roleField())
	}
	return r, nil
}

func (r Role) valid() bool { return slices.Contains(Roles, r) }

func roleField() apperr.FieldError {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return apperr.FieldError{Field: "role", Message: "want one of " + strings.Join(names, ", ")}
}

// Can reports whether u's role may use area (one of the Area constants):
// queue (every role), incidents (reviewer, manager, admin), dashboard
// (manager, admin), evals (ops, admin), admin (admin). It is false for an
// unknown area and for a disabled user.
func (u User) Can(area string) bool {
	return !u.Disabled && slices.Contains(areaRoles[area], u.Role)
}
