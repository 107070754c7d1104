package users

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres/pgtest"
)

type testBundle struct {
	ctx   context.Context
	db    *pgxpool.Pool
	store *Store
	now   time.Time // the store's clock; tests move it
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t)
	b := &testBundle{ctx: t.Context(), db: db, store: NewStore(db), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	b.store.now = func() time.Time { return b.now }
	return b
}

// addUser stores a user whose password is hashed with cheap parameters,
// skipping the cost of real ones.
func (b *testBundle) addUser(t *testing.T, name, password string, role Role) User {
	t.Helper()
	hash, err := hashWith(cheap, password)
	require.NoError(t, err)
	u, err := scanUser(b.db.QueryRow(b.ctx, queries.Get("InsertUser"), name, hash, role, b.now))
	require.NoError(t, err)
	return u
}

func (b *testBundle) storedHash(t *testing.T, name string) string {
	t.Helper()
	var h string
	require.NoError(t, b.db.QueryRow(b.ctx, "SELECT password_hash FROM users WHERE name = $1", name).Scan(&h))
	return h
}

const goodPassword = "correct horse battery"

func TestCreate(t *testing.T) {
	t.Parallel()

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		for _, tc := range []struct {
			name, user, password string
			role                 Role
			fields               []string
		}{
			{"EmptyName", "", goodPassword, RoleReviewer, []string{"name"}},
			{"Space", "ann smith", goodPassword, RoleReviewer, []string{"name"}},
			{"Slash", "ann/smith", goodPassword, RoleReviewer, []string{"name"}},
			{"NonASCII", "émile", goodPassword, RoleReviewer, []string{"name"}},
			{"TooLong", strings.Repeat("a", MaxNameLen+1), goodPassword, RoleReviewer, []string{"name"}},
			{"ShortPassword", "ann", "elevenchars", RoleReviewer, []string{"password"}},
			{"EmptyPassword", "ann", "", RoleReviewer, []string{"password"}},
			{"LongPassword", "ann", strings.Repeat("x", MaxPasswordLen+1), RoleReviewer, []string{"password"}},
			{"UnknownRole", "ann", goodPassword, "boss", []string{"role"}},
			{"EmptyRole", "ann", goodPassword, "", []string{"role"}},
			{"Everything", "", "", "boss", []string{"name", "password", "role"}},
		} {
			_, err := b.store.Create(b.ctx, tc.user, tc.password, tc.role)
			require.Equal(t, apperr.EINVALID, apperr.CodeOf(err), tc.name)
			var fields []string
			for _, f := range apperr.FieldsOf(err) {
				fields = append(fields, f.Field)
			}
			require.Equal(t, tc.fields, fields, tc.name)
		}
		n, err := b.store.Count(b.ctx)
		require.NoError(t, err)
		require.Zero(t, n)
	})

	t.Run("Valid", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		u, err := b.store.Create(b.ctx, "Ann.Smith@Example.com", goodPassword, RoleManager)
		require.NoError(t, err)
		require.NotZero(t, u.ID)
		require.Equal(t, "ann.smith@example.com", u.Name, "lower-cased")
		require.Equal(t, RoleManager, u.Role)
		require.False(t, u.Disabled)
		require.True(t, b.now.Equal(u.CreatedAt))
		hash := b.storedHash(t, u.Name)
		require.True(t, strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$"), hash)

		// Limits are inclusive.
		long, err := b.store.Create(b.ctx, strings.Repeat("z", MaxNameLen), "twelve bytes", RoleAdmin)
		require.NoError(t, err)

		_, err = b.store.Create(b.ctx, "ANN.smith@example.com", "another password", RoleReviewer)
		require.Equal(t, apperr.ECONFLICT, apperr.CodeOf(err))
		require.ErrorContains(t, err, `"ann.smith@example.com" already exists`)

		list, err := b.store.List(b.ctx)
		require.NoError(t, err)
		require.Len(t, list, 2)
		require.Equal(t, u.Name, list[0].Name, "by name")
		require.Equal(t, long.ID, list[1].ID)
		n, err := b.store.Count(b.ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)
	})
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ann := b.addUser(t, "ann", goodPassword, RoleReviewer)
	b.addUser(t, "bob", goodPassword, RoleOps)
	require.NoError(t, b.store.SetDisabled(b.ctx, "BOB", true))

	for _, tc := range []struct {
		name, user, password string
	}{
		{"WrongPassword", "ann", goodPassword + "!"},
		{"EmptyPassword", "ann", ""},
		{"UnknownUser", "nobody", goodPassword},
		{"DisabledUser", "bob", goodPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u, err := b.store.Authenticate(b.ctx, tc.user, tc.password)
			require.ErrorIs(t, err, ErrBadCredentials)
			require.Equal(t, apperr.EINVALID, apperr.CodeOf(err))
			require.Equal(t, "wrong name or password", apperr.MessageOf(err))
			require.Zero(t, u)
		})
	}

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		u, err := b.store.Authenticate(b.ctx, "Ann", goodPassword)
		require.NoError(t, err)
		require.Equal(t, ann, u)
	})

	t.Run("MalformedStoredHash", func(t *testing.T) {
		t.Parallel()
		_, err := b.db.Exec(b.ctx, "INSERT INTO users (name, password_hash, role) VALUES ('cat', 'not a hash', 'admin')")
		require.NoError(t, err)
		_, err = b.store.Authenticate(b.ctx, "cat", goodPassword)
		require.ErrorIs(t, err, ErrMalformedHash)
		require.NotErrorIs(t, err, ErrBadCredentials)
		require.Equal(t, apperr.EINTERNAL, apperr.CodeOf(err))
	})
}

func TestAuthenticateUpgradesHash(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.addUser(t, "ann", goodPassword, RoleReviewer)
	require.Contains(t, b.storedHash(t, "ann"), "$"+cheap.String()+"$")

	_, err := b.store.Authenticate(b.ctx, "ann", goodPassword+"?")
	require.ErrorIs(t, err, ErrBadCredentials)
	require.Contains(t, b.storedHash(t, "ann"), "$"+cheap.String()+"$", "a failed sign-in changes nothing")

	_, err = b.store.Authenticate(b.ctx, "ann", goodPassword)
	require.NoError(t, err)
	hash := b.storedHash(t, "ann")
	require.Contains(t, hash, "$"+currentParams.String()+"$", "rehashed with the current parameters")
	ok, err := VerifyPassword(hash, goodPassword)
	require.NoError(t, err)
	require.True(t, ok)
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ann := b.addUser(t, "ann", goodPassword, RoleReviewer)
	token, _, err := b.store.NewSession(b.ctx, ann.ID, time.Hour)
	require.NoError(t, err)

	err = b.store.SetPassword(b.ctx, "ann", "short")
	require.Equal(t, apperr.EINVALID, apperr.CodeOf(err))
	require.Equal(t, "password", apperr.FieldsOf(err)[0].Field)
	_, err = b.store.Session(b.ctx, token)
	require.NoError(t, err, "a refused change keeps the sessions")

	const newPassword = "a brand new passphrase"
	require.NoError(t, b.store.SetPassword(b.ctx, "ANN", newPassword))
	_, err = b.store.Session(b.ctx, token)
	require.ErrorIs(t, err, ErrNoSession, "changing the password ends the sessions")
	_, err = b.store.Authenticate(b.ctx, "ann", goodPassword)
	require.ErrorIs(t, err, ErrBadCredentials)
	u, err := b.store.Authenticate(b.ctx, "ann", newPassword)
	require.NoError(t, err)
	require.Equal(t, ann.ID, u.ID)

	err = b.store.SetPassword(b.ctx, "nobody", newPassword)
	require.Equal(t, apperr.ENOTFOUND, apperr.CodeOf(err))
	err = b.store.SetDisabled(b.ctx, "nobody", true)
	require.Equal(t, apperr.ENOTFOUND, apperr.CodeOf(err))
}
