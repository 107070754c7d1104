package taxonomy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
)

// Taxonomy is the label space of one deployment: the fixed label sets plus
// its configured topics. The zero value is not usable; build one with [New].
type Taxonomy struct {
	topics []string
}

// MaxTopics bounds the configured topic list; a longer list would blow up
// the prompt and the schema.
const MaxTopics = 64

var topicRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// New returns a taxonomy with the given topics ([DefaultTopics] when empty).
// Topics are snake_case identifiers; "other" is appended when missing.
// It fails on a malformed or repeated topic.
func New(topics []string) (*Taxonomy, error) {
	if len(topics) == 0 {
		topics = DefaultTopics
	}
	out := make([]string, 0, len(topics)+1)
	for _, t := range topics {
		if !topicRE.MatchString(t) {
			return nil, fmt.Errorf("topic %q: must be snake_case, start with a letter and be at most 40 characters", t)
		}
		if slices.Contains(out, t) {
			return nil, fmt.Errorf("topic %q: listed twice", t)
		}
		out = append(out, t)
	}
	if !slices.Contains(out, TopicOther) {
		out = append(out, TopicOther)
	}
	if len(out) > MaxTopics {
		return nil, fmt.Errorf("%d topics: at most %d are allowed", len(out), MaxTopics)
	}
	return &Taxonomy{topics: out}, nil
}

// MustNew is [New] for topic lists known to be valid; it panics otherwise.
func MustNew(topics []string) *Taxonomy {
	t, err := New(topics)
	if err != nil {
		panic(err)
	}
	return t
}

// Default returns the taxonomy with [DefaultTopics].
func Default() *Taxonomy { return MustNew(nil) }

// Topics returns the configured topics, "other" included.
func (t *Taxonomy) Topics() []string { return append([]string(nil), t.topics...) }

// Problem is one reason a classification is invalid.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in a classification. Its
// message is written so it can be shown to a model asked to repair its
// output.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	msg := "invalid classification:"
	for i, p := range e.Problems {
		if i > 0 {
			msg += ";"
		}
		msg += " " + p.Field + ": " + p.Message
	}
	return msg
}

// ErrInvalid is matched by every *ValidationError with errors.Is.
var ErrInvalid = errors.New("invalid classification")

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }
