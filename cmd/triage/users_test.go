package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
	"github.com/triage-oss/triage/internal/users"
)

func TestUsersCommands(t *testing.T) {
	t.Parallel()
	schema := pgtest.NewSchema(t)
	db := map[string]string{"DATABASE_URL": schema.URL}
	withPassword := map[string]string{"DATABASE_URL": schema.URL, passwordEnv: "correct horse battery"}
	// addFromStdin runs `triage users add args...` with stdin.
	addFromStdin := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		e := &env{getenv: func(k string) string { return db[k] }, stdout: &out, stderr: &errOut}
		err := usersAdd(context.Background(), e, strings.NewReader(stdin), args)
		return out.String(), err
	}

	out, err := runTriage(t, db, "users", "list")
	require.NoError(t, err)
	require.Contains(t, out, "triage users add --role admin NAME", "an empty list says how to add the first admin")

	out, err = runTriage(t, withPassword, "users", "add", "--role", "admin", "Root")
	require.NoError(t, err)
	require.Equal(t, "user root added (role admin)\n", out)

	out, err = addFromStdin("from stdin 123\nsecond line\n", "ann", "--role=ops")
	require.NoError(t, err, "flags may follow the name")
	require.Equal(t, "user ann added (role ops)\n", out)
	u, err := users.NewStore(schema.Pool(t)).Authenticate(context.Background(), "ann", "from stdin 123")
	require.NoError(t, err, "the first line of stdin is the password")
	require.Equal(t, users.RoleOps, u.Role)

	out, err = addFromStdin("crlf password\r\n", "bob")
	require.NoError(t, err)
	require.Equal(t, "user bob added (role reviewer)\n", out, "reviewer by default")

	out, err = runTriage(t, db, "users", "list")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 4)
	require.Regexp(t, `^NAME\s+ROLE\s+CREATED\s+STATUS$`, lines[0])
	require.Regexp(t, `^ann\s+ops\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+active$`, lines[1])
	require.Regexp(t, `^bob\s+reviewer\s+`, lines[2])
	require.Regexp(t, `^root\s+admin\s+`, lines[3])

	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"NoPassword", "", []string{"cat"}, "no password: set TRIAGE_USER_PASSWORD"},
		{"EmptyLine", "\nsecond line\n", []string{"cat"}, "no password"},
		{"ShortPassword", "short\n", []string{"cat"}, "password: must be 12 to 1024 bytes"},
		{"NoName", "correct horse battery\n", nil, "usage: triage users add"},
		{"TwoNames", "correct horse battery\n", []string{"cat", "dog"}, "usage: triage users add"},
		{"BadRole", "correct horse battery\n", []string{"--role", "boss", "cat"}, `unknown role "boss"`},
		{"BadName", "correct horse battery\n", []string{"cat food"}, "name:"},
	} {
		out, err := addFromStdin(tc.stdin, tc.args...)
		require.ErrorContains(t, err, tc.want, tc.name)
		require.Empty(t, out, tc.name)
	}
	_, err = addFromStdin("correct horse battery\n", "ANN")
	require.Equal(t, apperr.ECONFLICT, apperr.CodeOf(err))
	require.ErrorContains(t, err, `user "ann" already exists`)
	_, err = runTriage(t, db, "users", "add", "--password", "correct horse battery", "cat")
	require.ErrorContains(t, err, "flag provided but not defined: -password", "no password flag")

	out, err = runTriage(t, db, "users", "list")
	require.NoError(t, err)
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 4, "nothing added by the failures")
}
