package users

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triage-oss/triage/internal/apperr"
)

func TestSessions(t *testing.T) {
	t.Parallel()

	// signedIn returns a bundle with a user "ann" and a session of ttl.
	signedIn := func(t *testing.T, ttl time.Duration) (*testBundle, User, string, Session) {
		t.Helper()
		b := setup(t)
		ann := b.addUser(t, "ann", goodPassword, RoleReviewer)
		token, sess, err := b.store.NewSession(b.ctx, ann.ID, ttl)
		require.NoError(t, err)
		return b, ann, token, sess
	}
	requireNoSession := func(t *testing.T, b *testBundle, token string) {
		t.Helper()
		_, err := b.store.Session(b.ctx, token)
		require.ErrorIs(t, err, ErrNoSession)
		require.Equal(t, apperr.ENOTFOUND, apperr.CodeOf(err))
	}

	t.Run("NewThenLookup", func(t *testing.T) {
		t.Parallel()
		b, ann, token, sess := signedIn(t, time.Hour)
		require.Len(t, token, 43, "32 bytes, base64url")
		require.Regexp(t, `^[A-Za-z0-9_-]{43}$`, token)
		require.Regexp(t, `^[A-Za-z0-9_-]{43}$`, sess.CSRF)
		require.NotEqual(t, token, sess.CSRF)
		require.Equal(t, ann, sess.User)
		require.True(t, b.now.Add(time.Hour).Equal(sess.ExpiresAt))

		got, err := b.store.Session(b.ctx, token)
		require.NoError(t, err)
		require.Equal(t, ann, got.User)
		require.Equal(t, sess.CSRF, got.CSRF)
		require.True(t, sess.ExpiresAt.Equal(got.ExpiresAt))
		require.True(t, CheckCSRF(got, sess.CSRF))
		require.True(t, got.User.Can(AreaQueue))

		token2, sess2, err := b.store.NewSession(b.ctx, ann.ID, time.Hour)
		require.NoError(t, err)
		require.NotEqual(t, token, token2, "every session has its own token")
		require.NotEqual(t, sess.CSRF, sess2.CSRF, "and its own CSRF token")
		require.False(t, CheckCSRF(sess2, sess.CSRF))
	})

	t.Run("TokenIsStoredHashed", func(t *testing.T) {
		t.Parallel()
		b, _, token, _ := signedIn(t, time.Hour)
		var row string
		var hash []byte
		require.NoError(t, b.db.QueryRow(b.ctx, "SELECT s::text, s.token_hash FROM sessions s").Scan(&row, &hash))
		require.NotContains(t, row, token)
		want := sha256.Sum256([]byte(token))
		require.Equal(t, want[:], hash)
	})

	t.Run("UnknownToken", func(t *testing.T) {
		t.Parallel()
		b, _, token, sess := signedIn(t, time.Hour)
		for _, bad := range []string{"", flipFirst(token), token[:42], token + "A", sess.CSRF, "x"} {
			requireNoSession(t, b, bad)
		}
		_, err := b.store.Session(b.ctx, token)
		require.NoError(t, err)
	})

	t.Run("Expires", func(t *testing.T) {
		t.Parallel()
		b, _, token, sess := signedIn(t, 10*time.Minute)
		b.now = sess.ExpiresAt.Add(-time.Microsecond)
		_, err := b.store.Session(b.ctx, token)
		require.NoError(t, err, "just before expiry")

		b, _, token, sess = signedIn(t, 10*time.Minute)
		b.now = sess.ExpiresAt
		requireNoSession(t, b, token)
		b.now = b.now.Add(time.Hour)
		requireNoSession(t, b, token)
	})

	t.Run("SlidingExpiry", func(t *testing.T) {
		t.Parallel()
		b, _, token, sess := signedIn(t, 10*time.Minute)
		start := b.now
		lastSeen := func() time.Time {
			var at time.Time
			require.NoError(t, b.db.QueryRow(b.ctx, "SELECT last_seen_at FROM sessions").Scan(&at))
			return at
		}
		at := func(d time.Duration) Session {
			t.Helper()
			b.now = start.Add(d)
			got, err := b.store.Session(b.ctx, token)
			require.NoError(t, err, d)
			return got
		}

		got := at(30 * time.Second)
		require.True(t, sess.ExpiresAt.Equal(got.ExpiresAt), "used within the minute: not recorded")
		require.True(t, start.Equal(lastSeen()))

		got = at(5 * time.Minute)
		require.True(t, start.Add(15*time.Minute).Equal(got.ExpiresAt), "expiry moved by the lifetime")
		require.True(t, start.Add(5*time.Minute).Equal(lastSeen()))

		got = at(5*time.Minute + 59*time.Second)
		require.True(t, start.Add(15*time.Minute).Equal(got.ExpiresAt))
		require.True(t, start.Add(5*time.Minute).Equal(lastSeen()))

		got = at(14 * time.Minute) // past the first expiry
		require.True(t, start.Add(24*time.Minute).Equal(got.ExpiresAt))

		b.now = start.Add(24 * time.Minute) // ten idle minutes
		requireNoSession(t, b, token)
	})

	t.Run("Revoke", func(t *testing.T) {
		t.Parallel()
		b, ann, token, _ := signedIn(t, time.Hour)
		other, _, err := b.store.NewSession(b.ctx, ann.ID, time.Hour)
		require.NoError(t, err)
		require.NoError(t, b.store.Revoke(b.ctx, token))
		requireNoSession(t, b, token)
		require.NoError(t, b.store.Revoke(b.ctx, token), "revoking twice is fine")
		_, err = b.store.Session(b.ctx, other)
		require.NoError(t, err, "other sessions live on")
	})

	t.Run("DisabledUser", func(t *testing.T) {
		t.Parallel()
		b, ann, token, _ := signedIn(t, time.Hour)
		require.NoError(t, b.store.SetDisabled(b.ctx, "ann", true))
		requireNoSession(t, b, token)
		_, _, err := b.store.NewSession(b.ctx, ann.ID, time.Hour)
		require.Equal(t, apperr.ENOTFOUND, apperr.CodeOf(err))

		require.NoError(t, b.store.SetDisabled(b.ctx, "ann", false))
		requireNoSession(t, b, token)
		_, _, err = b.store.NewSession(b.ctx, ann.ID, time.Hour)
		require.NoError(t, err)
	})

	t.Run("BadArguments", func(t *testing.T) {
		t.Parallel()
		b, ann, _, _ := signedIn(t, time.Hour)
		_, _, err := b.store.NewSession(b.ctx, ann.ID+1000, time.Hour)
		require.Equal(t, apperr.ENOTFOUND, apperr.CodeOf(err))
		for _, ttl := range []time.Duration{0, -time.Minute} {
			_, _, err = b.store.NewSession(b.ctx, ann.ID, ttl)
			require.Equal(t, apperr.EINVALID, apperr.CodeOf(err), ttl)
		}
	})

	t.Run("PurgeExpired", func(t *testing.T) {
		t.Parallel()
		b, ann, long, _ := signedIn(t, time.Hour)
		_, _, err := b.store.NewSession(b.ctx, ann.ID, time.Minute)
		require.NoError(t, err)
		n, err := b.store.PurgeExpired(b.ctx, b.now.Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = b.store.PurgeExpired(b.ctx, b.now.Add(time.Minute))
		require.NoError(t, err)
		require.Zero(t, n)
		_, err = b.store.Session(b.ctx, long)
		require.NoError(t, err)
	})
}
