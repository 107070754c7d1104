package bench

import (
	"context"
	"fmt"
	"time"
)

// pollEvery is how often the benchmark looks at the pipeline's progress.
const pollEvery = 20 * time.Millisecond

// checkIngested checks that the stack stored n items and n triage jobs.
func (s *stack) checkIngested(ctx context.Context, n int) error {
	var stored, jobs int
	if err := s.pool.QueryRow(ctx, queries.Get("IngestedCounts")).Scan(&stored, &jobs); err != nil {
		return fmt.Errorf("count ingested items: %w", err)
	}
	if stored != n || jobs != n {
		return fmt.Errorf("posted %d items: %d stored, %d triage jobs", n, stored, jobs)
	}
	return nil
}

// triageCounts returns how many items are stored, wait for triage, and
// were handed to a human.
func (s *stack) triageCounts(ctx context.Context) (total, waiting, needsHuman int, err error) {
	err = s.pool.QueryRow(ctx, queries.Get("TriageCounts")).Scan(&total, &waiting, &needsHuman)
	if err != nil {
		err = fmt.Errorf("count triaged items: %w", err)
	}
	return total, waiting, needsHuman, err
}

// waitTriaged waits until n items are stored and none waits for triage.
func (s *stack) waitTriaged(ctx context.Context, n int, timeout time.Duration) error {
	return poll(ctx, timeout, func() (bool, string, error) {
		total, waiting, _, err := s.triageCounts(ctx)
		return total == n && waiting == 0, fmt.Sprintf("%d of %d items stored, %d waiting for triage", total, n, waiting), err
	})
}

// waitSettled waits until n items are stored, none waits for triage and no
// triage, dispatch or draft job is left to run.
func (s *stack) waitSettled(ctx context.Context, n int, timeout time.Duration) error {
	return poll(ctx, timeout, func() (bool, string, error) {
		total, waiting, _, err := s.triageCounts(ctx)
		if err != nil {
			return false, "", err
		}
		var jobs int
		if err := s.pool.QueryRow(ctx, queries.Get("LiveJobs")).Scan(&jobs); err != nil {
			return false, "", fmt.Errorf("count live jobs: %w", err)
		}
		return total == n && waiting == 0 && jobs == 0,
			fmt.Sprintf("%d of %d items stored, %d waiting for triage, %d jobs left", total, n, waiting, jobs), nil
	})
}

// poll calls done every pollEvery until it reports true, fails, or timeout
// passes (then the error says what done last saw).
func poll(ctx context.Context, timeout time.Duration, done func() (bool, string, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, state, err := done()
		switch {
		case err != nil:
			return err
		case ok:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("not done after %s: %s", timeout, state)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}
