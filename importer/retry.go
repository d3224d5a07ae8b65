package importer

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"userimport/targets"
)

// Why the retries stay in the importer, counted per call, rather than move into each
// client's HTTP entry point (targets.Do): a client decides what a failure is only after
// Do has returned, with its own words (statusError with the platform's messages, a 422
// that is a duplicate, iSpring's token refresh on a 401), so a retry inside Do would
// either second-guess that decision or need it moved into four entry points; the
// adaptive rate limit, which must see every 429, and the lookup of writes that may have
// landed both live here; and a call retried out of the importer's sight would leave it
// no count of attempts. So a row is still tried again as a whole, but every failure is
// charged to the call that failed (targets.Error.Method, which Do and StatusError set):
// a lookup and a write each get their own Retries, which is what a retry per call
// would give, and the run's budget is shared as before.

// backoff tries a call again while it fails in a Retryable way: with exponential
// backoff and full jitter, or after the platform's Retry-After when that is longer
// (capped at maxRetryAfter), at most Retries more times per kind of call (see callKind)
// and while the run's Budget lasts. A 429 uses up none of the Retries, up to max429 of
// them. It is the one retry loop: Retrying (rows), Verifying (lookups) and preflight
// (Check, Prepare) all use it. The zero value retries nothing.
type backoff struct {
	Retries int
	// Budget, when set, is the retries left for the whole run, shared by every row.
	Budget *atomic.Int64
	// Base and Cap bound the backoff; zero values mean 500 ms and 30 s.
	Base, Cap time.Duration
}

// maxRetryAfter caps a platform's Retry-After: an hour-long wait is a stalled run, not
// politeness.
const maxRetryAfter = 2 * time.Minute

// max429 bounds the tries of one call that the platform keeps answering 429. A 429 is
// the platform saying "not now": nothing was done, and the adaptive rate slows down for
// it, so it does not use up the row's Retries (with 30% of calls refused, five in a
// row would fail one row in 400); the run's budget and --unreachable-after still
// bound the whole.
const max429 = 50

// run calls call until it succeeds, fails in a way that is not Retryable, or the
// retries run out, and returns its last error and the number of calls made.
func (b backoff) run(ctx context.Context, call func(context.Context) error) (attempts int, err error) {
	base, maxDelay := cmpDuration(b.Base, 500*time.Millisecond), cmpDuration(b.Cap, 30*time.Second)
	// failures counts, per kind of call, the retryable failures that use up Retries;
	// refused, the 429s, which do not (up to max429). A row makes few kinds of call:
	// the map stays tiny and belongs to this one loop.
	var failures map[string]int
	refused := 0
	for {
		attempts++
		err = call(ctx)
		if err == nil || targets.KindOf(err) != targets.Retryable || ctx.Err() != nil {
			return attempts, err
		}
		te, _ := errors.AsType[*targets.Error](err)
		if te != nil && te.Status == 429 && refused < max429 {
			refused++
		} else {
			if failures == nil {
				failures = make(map[string]int, 2)
			}
			k := callKind(te)
			if failures[k]++; failures[k] > b.Retries {
				return attempts, err
			}
		}
		if b.Budget != nil && b.Budget.Add(-1) < 0 {
			return attempts, err
		}
		// Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a
		// uniform wait in [0, min(cap, base·2^attempt)] spreads retries of many rows.
		ceiling := min(maxDelay, base<<min(attempts-1, 20))
		delay := rand.N(ceiling + 1)
		if te != nil && te.RetryAfter > delay {
			delay = min(te.RetryAfter, maxRetryAfter)
		}
		if !sleep(ctx, delay) {
			return attempts, err
		}
	}
}

// callKind is the kind of call a failure came from, for counting retries per call: a
// read and a write of the same row each get their own. The HTTP method tells them
// apart; a failure that does not say is one kind of its own.
func callKind(te *targets.Error) string {
	if te == nil {
		return ""
	}
	return te.Method
}

// sleep waits for d, or until ctx is done: it reports whether the whole wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func cmpDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
