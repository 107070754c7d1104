package llmtest

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// Always answers every call with r.
func Always(r Reply) Handler {
	return func(context.Context, Call) Reply { return r }
}

// RateLimited answers every call 429 with retryAfter as the Retry-After
// header (none when empty): seconds ("2") or an HTTP date.
func RateLimited(retryAfter string) Handler {
	return Always(Reply{Status: http.StatusTooManyRequests, Error: "Rate limit reached for requests", RetryAfter: retryAfter})
}

// ServerError answers every call with HTTP status (500, 502, 503...).
func ServerError(status int) Handler {
	return Always(Reply{Status: status})
}

// Hang never answers: every call blocks until the client gives up.
func Hang() Handler {
	return Always(Reply{Hang: true})
}

// GarbageContent is the content Garbage answers with.
const GarbageContent = "Sure! The item looks like a support issue, urgency high."

// Garbage answers every call with GarbageContent: a 200 whose content is
// not JSON, as a model ignoring its format produces.
func Garbage() Handler {
	return Always(Reply{Content: GarbageContent})
}

// SchemaViolationContent is the content SchemaViolation answers with.
const SchemaViolationContent = `{"intent":"complaint","topic":"weather","urgency":"whenever","sentiment":"furious",` +
	`"sarcasm":"maybe","risk":"none","severity":"extreme","language":"english","summary":"",` +
	`"confidence":{"intent":1.7}}`

// SchemaViolation answers every call with SchemaViolationContent: valid
// JSON whose labels are outside the taxonomy and whose confidences are
// missing or out of range.
func SchemaViolation() Handler {
	return Always(Reply{Content: SchemaViolationContent})
}

// Truncated answers every call with the Classifier's answer cut in half and
// finish_reason (done_reason) "length", as a model stopped by its token
// limit: a well-formed HTTP answer whose content is broken JSON. To cut the
// HTTP body itself, use Reply.Truncate.
func Truncated() Handler {
	classify := Classifier()
	return func(ctx context.Context, c Call) Reply {
		r := classify(ctx, c)
		r.Content = r.Content[:len(r.Content)/2]
		r.FinishReason = "length"
		return r
	}
}

// Slow delays every answer of then by d (added to any Delay it sets).
func Slow(d time.Duration, then Handler) Handler {
	return func(ctx context.Context, c Call) Reply {
		r := then(ctx, c)
		r.Delay += d
		return r
	}
}

// Sequence answers its n-th call with hs[n-1], and every call after the
// last with the last handler. Calls are numbered in the order they reach
// the returned handler. It panics when hs is empty.
func Sequence(hs ...Handler) Handler {
	if len(hs) == 0 {
		panic("llmtest: Sequence of no handlers")
	}
	var n atomic.Int64
	return func(ctx context.Context, c Call) Reply {
		i := min(int(n.Add(1)), len(hs)) - 1
		return hs[i](ctx, c)
	}
}

// FailFirst answers the first n calls with fault, then defers to then.
func FailFirst(n int, fault Reply, then Handler) Handler {
	var calls atomic.Int64
	return func(ctx context.Context, c Call) Reply {
		if calls.Add(1) <= int64(n) {
			return fault
		}
		return then(ctx, c)
	}
}

// FailEvery answers every k-th call (the k-th, the 2k-th...) with fault
// and the others with then. It panics when k < 1.
func FailEvery(k int, fault Reply, then Handler) Handler {
	if k < 1 {
		panic("llmtest: FailEvery needs k >= 1")
	}
	var calls atomic.Int64
	return func(ctx context.Context, c Call) Reply {
		if calls.Add(1)%int64(k) == 0 {
			return fault
		}
		return then(ctx, c)
	}
}
