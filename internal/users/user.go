package users

import (
	"fmt"
	"strings"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
)

// User is an account of the web UI.
type User struct {
	ID        int64
	Name      string // lower case, see [MaxNameLen]
	Role      Role
	CreatedAt time.Time
	Disabled  bool // cannot sign in; its sessions no longer work
}

// Limits on names and passwords.
const (
	MaxNameLen     = 64   // characters, all from [a-z0-9._@-]
	MinPasswordLen = 12   // bytes
	MaxPasswordLen = 1024 // bytes
)

// normalizeName lower-cases a name; names are compared that way.
func normalizeName(name string) string { return strings.ToLower(name) }

// checkName returns what is wrong with a normalized name, or "".
func checkName(name string) string {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Sprintf("must be 1 to %d characters", MaxNameLen)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("._@-", c)) {
			return fmt.Sprintf("%q is not allowed: use letters, digits and . _ @ -", c)
		}
	}
	return ""
}

// checkPassword returns what is wrong with a password, or "".
func checkPassword(password string) string {
	if len(password) < MinPasswordLen || len(password) > MaxPasswordLen {
		return fmt.Sprintf("must be %d to %d bytes", MinPasswordLen, MaxPasswordLen)
	}
	return ""
}

// validate checks a new account's fields, reporting every one at fault.
func validate(name, password string, role Role) error {
	var fields []apperr.FieldError
	if msg := checkName(name); msg != "" {
		fields = append(fields, apperr.FieldError{Field: "name", Message: msg})
	}
	if msg := checkPassword(password); msg != "" {
		fields = append(fields, apperr.FieldError{Field: "password", Message: msg})
	}
	if !role.valid() {
		fields = append(fields, roleField())
	}
	if len(fields) > 0 {
		return apperr.Invalid("invalid user", fields...)
	}
	return nil
}
