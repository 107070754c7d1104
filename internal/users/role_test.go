package users

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
)

func TestParseRole(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Role
	}{
		{"reviewer", RoleReviewer},
		{"ops", RoleOps},
		{" Manager ", RoleManager},
		{"ADMIN", RoleAdmin},
	} {
		got, err := ParseRole(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got)
	}
	for _, in := range []string{"", "boss", "admins", "root"} {
		_, err := ParseRole(in)
		require.Equal(t, apperr.EINVALID, apperr.CodeOf(err), in)
		require.ErrorContains(t, err, "reviewer, ops, manager, admin", in)
		require.Equal(t, "role", apperr.FieldsOf(err)[0].Field)
	}
}

func TestCan(t *testing.T) {
	t.Parallel()
	// area -> reviewer, ops, manager, admin
	want := map[string][4]bool{
		AreaQueue:     {true, true, true, true},
		AreaIncidents: {true, false, true, true},
		AreaDashboard: {false, false, true, true},
		AreaEvals:     {false, true, false, true},
		AreaAdmin:     {false, false, false, true},
		"":            {},
		"Admin":       {},
		"settings":    {},
	}
	require.Len(t, Roles, 4)
	for area, allowed := range want {
		for i, role := range Roles {
			u := User{Name: "x", Role: role}
			require.Equal(t, allowed[i], u.Can(area), "%s may use %q", role, area)
			u.Disabled = true
			require.False(t, u.Can(area), "disabled %s may use %q", role, area)
		}
	}
	require.False(t, User{Role: "boss"}.Can(AreaQueue), "unknown role")
}

func TestCheckCSRF(t *testing.T) {
	t.Parallel()
	sess := Session{CSRF: "q2gX0k8zJx1v9xQyT1Jr3Z0oZr8o0aK3rX1pF9w2bCk"}
	for token, want := range map[string]bool{
		sess.CSRF:                     true,
		"":                            false,
		sess.CSRF[:42]:                false,
		sess.CSRF + "x":               false,
		flipFirst(sess.CSRF):          false,
		" " + sess.CSRF:               false,
		"q2gx0k8zjx1v9xqyt1jr3z0ozr8": false,
	} {
		require.Equal(t, want, CheckCSRF(sess, token), "%q", token)
	}
	require.False(t, CheckCSRF(Session{}, ""), "no session, no token")
}
