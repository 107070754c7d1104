// Package tokens issues and checks the API tokens of programs: an ingest
// relay, a metrics scraper, a review bot. A token is shown once, when it
// is created; only its SHA-256 is stored. Each token has scopes (which
// routes it may call) and a rate limit.
package tokens

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// Scope is what a token may do.
type Scope string

// Scopes. Admin may do everything.
const (
	ScopeIngest   Scope = "ingest"   // POST /v1/items
	ScopeReviewer Scope = "reviewer" // read items, review drafts, incidents, QA verdicts
	ScopeOps      Scope = "ops"      // read items and drafts, QA verdicts
	ScopeManager  Scope = "manager"  // metrics (JSON and Prometheus), read incidents and QA
	ScopeAdmin    Scope = "admin"    // everything
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeIngest, ScopeReviewer, ScopeOps, ScopeManager, ScopeAdmin}

// ParseScopes reads a comma-separated scope list.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(strings.ToLower(p))
		if p == "" {
			continue
		}
		if !slices.Contains(Scopes, Scope(p)) {
			return nil, apperr.Invalid("invalid scopes", apperr.FieldError{Field: "scopes", Message: fmt.Sprintf("unknown scope %q; scopes: ingest, reviewer, ops, manager, admin", p)})
		}
		if !slices.Contains(out, Scope(p)) {
			out = append(out, Scope(p))
		}
	}
	if len(out) == 0 {
		return nil, apperr.Invalid("invalid scopes", apperr.FieldError{Field: "scopes", Message: "at least one of ingest, reviewer, ops, manager, admin"})
	}
	return out, nil
}

// Token is a stored token (never its secret).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Scopes     []Scope    `json:"scopes"`
	RatePerMin int        `json:"rate_per_minute"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Allows reports whether the token has one of scopes, or admin.
func (t Token) Allows(scopes ...Scope) bool {
	return slices.Contains(t.Scopes, ScopeAdmin) || slices.ContainsFunc(scopes, func(s Scope) bool { return slices.Contains(t.Scopes, s) })
}

// Prefix starts every token, so that a leaked one is easy to recognise
// (and for secret scanners).
const Prefix = "trg_"

// DefaultRatePerMin is a token's request budget when none is given.
const DefaultRatePerMin = 600

// ErrInvalid is matched by Verify's error for an unknown, malformed or
// revoked token.
var ErrInvalid = errors.New("invalid API token")

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Store keeps tokens in PostgreSQL.
type Store struct {
	db  postgres.DB
	now func() time.Time
}

// NewStore returns a Store.
func NewStore(db postgres.DB) *Store { return &Store{db: db, now: time.Now} }

func hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Create issues a token and returns its secret, which is not stored and
// cannot be shown again.
func (s *Store) Create(ctx context.Context, name string, scopes []Scope, ratePerMin int, createdBy string) (string, Token, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	var bad []apperr.FieldError
	if !nameRE.MatchString(name) {
		bad = append(bad, apperr.FieldError{Field: "name", Message: "1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"})
	}
	if len(scopes) == 0 {
		bad = append(bad, apperr.FieldError{Field: "scopes", Message: "at least one"})
	}
	if ratePerMin <= 0 || ratePerMin > 1_000_000 {
		bad = append(bad, apperr.FieldError{Field: "rate_per_minute", Message: "between 1 and 1000000"})
	}
	if len(bad) > 0 {
		return "", Token{}, apperr.Invalid("invalid token", bad...)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", Token{}, err
	}
	secret := Prefix + base64.RawURLEncoding.EncodeToString(b)
	t := Token{Name: name, Scopes: scopes, RatePerMin: ratePerMin, CreatedBy: createdBy}
	err := s.db.QueryRow(ctx, queries.Get("CreateToken"), name, hash(secret), scopeStrings(scopes), ratePerMin, createdBy, s.now()).
		Scan(&t.ID, &t.CreatedAt)
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return "", Token{}, apperr.Errorf(apperr.ECONFLICT, "a token named %q exists; revoke it or choose another name", name)
	}
	if err != nil {
		return "", Token{}, fmt.Errorf("create token %s: %w", name, err)
	}
	return secret, t, nil
}

// Verify returns the live token whose secret is secret. last_used_at is
// written at most once a minute.
func (s *Store) Verify(ctx context.Context, secret string) (Token, error) {
	if !strings.HasPrefix(secret, Prefix) || len(secret) != len(Prefix)+43 {
		return Token{}, fmt.Errorf("%w: malformed", ErrInvalid)
	}
	t, err := scan(s.db.QueryRow(ctx, queries.Get("TokenByHash"), hash(secret)))
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, fmt.Errorf("%w: unknown or revoked", ErrInvalid)
	}
	if err != nil {
		return Token{}, fmt.Errorf("verify token: %w", err)
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := s.db.Exec(ctx, queries.Get("TouchToken"), t.ID, now); err != nil {
			return Token{}, fmt.Errorf("verify token: %w", err)
		}
	}
	return t, nil
}

// List returns every token, newest first, revoked ones included.
func (s *Store) List(ctx context.Context) ([]Token, error) {
	rows, err := s.db.Query(ctx, queries.Get("ListTokens"))
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// Revoke ends the token called name; it stops working at once.
func (s *Store) Revoke(ctx context.Context, name string) error {
	tag, err := s.db.Exec(ctx, queries.Get("RevokeToken"), strings.ToLower(name), s.now())
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return apperr.Errorf(apperr.ENOTFOUND, "no live token named %q", name)
	}
	return nil
}

func scan(row pgx.Row) (Token, error) {
	var t Token
	var scopes []string
	err := row.Scan(&t.ID, &t.Name, &scopes, &t.RatePerMin, &t.CreatedBy, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	for _, s := range scopes {
		t.Scopes = append(t.Scopes, Scope(s))
	}
	return t, err
}

func scopeStrings(ss []Scope) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
