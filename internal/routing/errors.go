package routing

import (
	"errors"
	"fmt"
)

// ErrInvalid is matched with errors.Is by every error [Parse] and [Load]
// return for a rules file that was read but is wrong.
var ErrInvalid = errors.New("invalid routing rules")

// LineError is one problem in a rules file. Parse joins every LineError it
// finds with errors.Join, in line order, so that one run shows them all.
type LineError struct {
	File string // the name given to Parse, or the path given to Load
	Line int    // 1-based; 0 when the YAML parser could not tell
	Msg  string
}

// Error returns "file:line: message", the form editors and CI logs link.
func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Is reports whether target is [ErrInvalid].
func (e *LineError) Is(target error) bool { return target == ErrInvalid }
