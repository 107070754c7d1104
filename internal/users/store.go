package users

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/postgres"
)

//go:embed queries.sql
var queriesSQL string

var queries = postgres.ParseQueries(queriesSQL)

// ErrBadCredentials is in the chain of the error [Store.Authenticate]
// returns for a wrong name or password or a disabled user; the error's
// apperr code is EINVALID and its message "wrong name or password" (it
// does not tell which).
var ErrBadCredentials = errors.New("bad credentials")

func badCredentials() error {
	return &apperr.Error{Code: apperr.EINVALID, Message: "wrong name or password", Err: ErrBadCredentials}
}

// Store keeps accounts and sessions in PostgreSQL.
type Store struct {
	db  postgres.DB
	now func() time.Time
}

// NewStore returns a store on db, a pool or a transaction.
func NewStore(db postgres.DB) *Store {
	return &Store{db: db, now: time.Now}
}

func scanUser(row pgx.Row, more ...any) (User, error) {
	var u User
	err := row.Scan(append([]any{&u.ID, &u.Name, &u.Role, &u.CreatedAt, &u.Disabled}, more...)...)
	return u, err
}

// Create adds an account. The name is lower-cased and must be 1 to
// MaxNameLen characters from [a-z0-9._@-]; the password must be
// MinPasswordLen to MaxPasswordLen bytes. Bad input is EINVALID, naming
// every field at fault; a name already taken is ECONFLICT.
func (s *Store) Create(ctx context.Context, name, password string, role Role) (User, error) {
	name = normalizeName(name)
	if err := validate(name, password, role); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u, err := scanUser(s.db.QueryRow(ctx, queries.Get("InsertUser"), name, hash, role, s.clock()))
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "23505" { // unique_violation
		return User{}, apperr.Errorf(apperr.ECONFLICT, "user %q already exists", name)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", name, err)
	}
	return u, nil
}

// SetPassword changes a user's password and ends all their sessions. A
// password out of bounds is EINVALID; an unknown user ENOTFOUND.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	name = normalizeName(name)
	if msg := checkPassword(password); msg != "" {
		return apperr.Invalid("invalid password", apperr.FieldError{Field: "password", Message: msg})
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.updateUser(ctx, "UpdatePassword", name, hash)
}

// SetDisabled disables or re-enables a user. A disabled user cannot sign
// in, and disabling ends their sessions. An unknown user is ENOTFOUND.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	return s.updateUser(ctx, "UpdateDisabled", normalizeName(name), disabled)
}

// updateUser runs a query that returns the id of the user it changed.
func (s *Store) updateUser(ctx context.Context, query, name string, value any) error {
	var id int64
	err := s.db.QueryRow(ctx, queries.Get(query), name, value).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.ENOTFOUND, "user %q not found", name)
	}
	if err != nil {
		return fmt.Errorf("update user %q: %w", name, err)
	}
	return nil
}

// dummyHash is verified against when there is no such user, so that an
// unknown name takes as long to refuse as a wrong password.
var dummyHash = sync.OnceValues(func() (string, error) {
	return HashPassword("not anyone's password")
})

// Authenticate returns the enabled user with that name (any case) and
// password. Otherwise it returns an error wrapping [ErrBadCredentials],
// after the same work whether or not the user exists. A password hashed
// with outdated parameters is rehashed with the current ones.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	var hash string
	u, err := scanUser(s.db.QueryRow(ctx, queries.Get("SelectCredentials"), normalizeName(name)), &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		hash, err = dummyHash()
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return User{}, fmt.Errorf("authenticate %q: %w", u.Name, err)
	}
	if !ok || u.ID == 0 || u.Disabled {
		return User{}, badCredentials()
	}
	if err := s.upgradeHash(ctx, u, hash, password); err != nil {
		return User{}, err
	}
	return u, nil
}

// upgradeHash rehashes password if hash was made with other parameters.
func (s *Store) upgradeHash(ctx context.Context, u User, hash, password string) error {
	if p, _, _, err := parseHash(hash); err != nil || p == currentParams {
		return err
	}
	newHash, err := HashPassword(password)
	if err == nil {
		_, err = s.db.Exec(ctx, queries.Get("UpgradeHash"), u.ID, hash, newHash)
	}
	if err != nil {
		return fmt.Errorf("rehash password of %q: %w", u.Name, err)
	}
	return nil
}

// List returns every user, by name.
func (s *Store) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.Query(ctx, queries.Get("ListUsers"))
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	us, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// Count returns the number of users, disabled ones included.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, queries.Get("CountUsers")).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}
