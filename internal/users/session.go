package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/apperr"
)

// ErrNoSession is in the chain of the error [Store.Session] returns when a
// token names no live session: unknown, expired, revoked, or its user
// disabled. The error's apperr code is ENOTFOUND; the UI asks the user to
// sign in.
var ErrNoSession = errors.New("no session")

func noSession() error {
	return &apperr.Error{Code: apperr.ENOTFOUND, Message: "not signed in, or the session ended", Err: ErrNoSession}
}

// Session is a signed-in browser.
type Session struct {
	User      User
	CSRF      string    // the token every form of the session must carry; see CheckCSRF
	ExpiresAt time.Time // moves forward as the session is used
}

// tokenBytes is the length of session and CSRF tokens before encoding.
const tokenBytes = 32

// touchEvery is how often, at most, a session's use is recorded (and its
// expiry moved), so that a busy page does not write on every request.
const touchEvery = time.Minute

var tokenEncoding = base64.RawURLEncoding

// newToken returns 32 random bytes, base64url-encoded without padding.
func newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return tokenEncoding.EncodeToString(b), nil
}

// hashToken is what the sessions table keeps of a token.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// NewSession signs user userID in for ttl (which must be positive) and
// returns the token to give the browser, which is not stored anywhere, and
// the session. An unknown or disabled user is ENOTFOUND.
func (s *Store) NewSession(ctx context.Context, userID int64, ttl time.Duration) (token string, sess Session, err error) {
	if ttl <= 0 {
		return "", Session{}, apperr.Errorf(apperr.EINVALID, "session lifetime %s: must be positive", ttl)
	}
	if token, err = newToken(); err != nil {
		return "", Session{}, err
	}
	if sess.CSRF, err = newToken(); err != nil {
		return "", Session{}, err
	}
	now := s.clock()
	sess.ExpiresAt = now.Add(ttl)
	sess.User, err = scanUser(s.db.QueryRow(ctx, queries.Get("InsertSession"), hashToken(token), userID, sess.CSRF, now, sess.ExpiresAt))
	if errors.Is(err, pgx.ErrNoRows) {
		return "", Session{}, apperr.Errorf(apperr.ENOTFOUND, "user %d not found or disabled", userID)
	}
	if err != nil {
		return "", Session{}, fmt.Errorf("new session for user %d: %w", userID, err)
	}
	return token, sess, nil
}

// Session returns the live session of token, recording its use (at most
// once a minute) and moving its expiry forward by its lifetime. A token of
// no live session is an error wrapping [ErrNoSession].
func (s *Store) Session(ctx context.Context, token string) (Session, error) {
	if len(token) != tokenEncoding.EncodedLen(tokenBytes) {
		return Session{}, noSession()
	}
	now := s.clock()
	var sess Session
	var lastSeen time.Time
	var err error
	sess.User, err = scanUser(s.db.QueryRow(ctx, queries.Get("SelectSession"), hashToken(token), now), &sess.CSRF, &sess.ExpiresAt, &lastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, noSession()
	}
	if err != nil {
		return Session{}, fmt.Errorf("read session: %w", err)
	}
	if now.Sub(lastSeen) < touchEvery {
		return sess, nil
	}
	expires := now.Add(sess.ExpiresAt.Sub(lastSeen))
	if _, err := s.db.Exec(ctx, queries.Get("TouchSession"), hashToken(token), now, expires, lastSeen); err != nil {
		return Session{}, fmt.Errorf("record session use: %w", err)
	}
	sess.ExpiresAt = expires
	return sess, nil
}

// Revoke ends the session of token (signing out). A token of no session is
// not an error.
func (s *Store) Revoke(ctx context.Context, token string) error {
	if _, err := s.db.Exec(ctx, queries.Get("DeleteSession"), hashToken(token)); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// PurgeExpired deletes the sessions expired at now and returns how many
// there were. Expired sessions are refused anyway; this only reclaims
// their rows.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.db.Exec(ctx, queries.Get("DeleteExpiredSessions"), now)
	if err != nil {
		return 0, fmt.Errorf("purge expired sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// CheckCSRF reports whether token is the CSRF token of sess, comparing in
// constant time. An empty token never matches.
func CheckCSRF(sess Session, token string) bool {
	return token != "" && sess.CSRF != "" && subtle.ConstantTimeCompare([]byte(sess.CSRF), []byte(token)) == 1
}

// clock returns the store's time at the database's precision, so that
// what is returned equals what is stored.
func (s *Store) clock() time.Time {
	return s.now().Round(0).Truncate(time.Microsecond)
}
