package llmtest

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateLimit enforces a provider's requests-per-minute limit in front of
// then, as a token bucket: it holds up to burst tokens, starts full and
// gains perMinute tokens a minute. A call that finds a token takes it and
// gets then's answer; any other is answered 429 at once, with the wait
// until the next token as Retry-After (seconds, to the millisecond), as
// OpenAI's rate limiter does. Wrap then in Slow to give admitted calls a
// latency without delaying the 429s:
//
//	h := llmtest.RateLimit(600, 10, llmtest.Slow(300*time.Millisecond, llmtest.Classifier()))
//
// It panics unless perMinute and burst are positive.
func RateLimit(perMinute, burst int, then Handler) Handler {
	if perMinute < 1 || burst < 1 {
		panic("llmtest: RateLimit needs a positive rate and burst")
	}
	b := &bucket{rate: float64(perMinute) / 60, burst: float64(burst), tokens: float64(burst), at: time.Now()}
	return func(ctx context.Context, c Call) Reply {
		if wait, ok := b.take(time.Now()); !ok {
			return Reply{Status: http.StatusTooManyRequests, Error: "Rate limit reached for requests per minute",
				RetryAfter: strconv.FormatFloat(math.Ceil(wait.Seconds()*1000)/1000, 'f', -1, 64)}
		}
		return then(ctx, c)
	}
}

// bucket is a token bucket.
type bucket struct {
	rate, burst float64 // tokens per second, capacity

	mu     sync.Mutex
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// take takes a token at now, or returns how long until one is available.
func (b *bucket) take(now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.at) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second)), false
}
