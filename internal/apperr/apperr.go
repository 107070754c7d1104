// Package apperr is Triage's one application error type. Every error a user
// can cause carries a machine-readable code, a message safe to show, and,
// for invalid input, the fields at fault. Adapters (HTTP, CLI) translate
// codes into their own terms in one place; anything without a code is
// internal, logged in full and shown to the user only as "internal error".
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a machine-readable error class.
type Code string

// Error codes.
const (
	EMALFORMED    Code = "malformed"    // the request could not be parsed at all
	EINVALID      Code = "invalid"      // parsed, but a field's value is unacceptable
	ETOOLARGE     Code = "too_large"    // the request or one of its parts exceeds a limit
	EUNSUPPORTED  Code = "unsupported"  // wrong media type or unsupported format
	EUNAUTHORIZED Code = "unauthorized" // the request's credentials or signature are missing or wrong
	EFORBIDDEN    Code = "forbidden"    // authenticated, but not allowed to do this
	ERATELIMITED  Code = "rate_limited" // too many requests; retry later
	ENOTFOUND     Code = "not_found"    // the named resource does not exist
	ECONFLICT     Code = "conflict"     // the resource is not in a state that allows this
	EUNAVAILABLE  Code = "unavailable"  // a dependency is down; try again later
	EINTERNAL     Code = "internal"     // a bug or an unexpected failure
)

// FieldError names one field at fault, with a JSON-pointer-like path such
// as "items[3].text".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an application error with a code.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error // optional cause, never shown to users
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field + ": " + f.Message)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error listing the fields at fault.
func Invalid(msg string, fields ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// CodeOf returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// MessageOf returns the user-facing message of err: the message of its
// *Error, or "internal error" for anything else.
func MessageOf(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "internal error"
}

// FieldsOf returns the field errors of err's *Error, if any.
func FieldsOf(err error) []FieldError {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Fields
	}
	return nil
}
