package importer

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"userimport/reports"
	"userimport/targets"
	"userimport/validate"
)

// sequencer writes rows in the order they were reserved, whatever order they finish
// in, like gofmt's sequencer. A window caps how far the newest reserved row may run
// ahead of the oldest unwritten one, so one slow row cannot make finished rows pile up
// in memory without bound. It is safe for concurrent use.
type sequencer struct {
	write  func(*reports.Row) error
	window chan struct{}

	mu       sync.Mutex
	next     int // the next index to write
	reserved int // the next index to hand out
	pending  map[int]*reports.Row
	werr     error
}

// windowFor sizes the reorder window: room for every call in flight several times
// over, so the window only bites when a row is stuck in retries.
func windowFor(concurrency int) int { return 1024 + 16*concurrency }

func newSequencer(write func(*reports.Row) error, window int) *sequencer {
	return &sequencer{write: write, window: make(chan struct{}, window), pending: make(map[int]*reports.Row)}
}

// reserve hands out the next index, blocking while the window is full. Only one
// goroutine reserves.
func (s *sequencer) reserve() int {
	s.window <- struct{}{}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.reserved
	s.reserved++
	return i
}

// put hands in the row for index i and writes every row that is now next in line.
func (s *sequencer) put(i int, row *reports.Row) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[i] = row
	for {
		r, ok := s.pending[s.next]
		if !ok {
			return
		}
		delete(s.pending, s.next)
		s.next++
		<-s.window
		if s.werr == nil {
			s.werr = s.write(r)
		}
	}
}

func (s *sequencer) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.werr
}

// dispatcher sends valid rows to the target: at most Concurrency calls in flight
// (errgroup's limit blocks the caller, which is the back-pressure on the reader), each
// through the retry and rate-limit decorators. A row's failure is data in its report;
// only a fatal error (credentials rejected) is a group error, and it stops the run.
type dispatcher struct {
	g      *errgroup.Group
	ctx    context.Context
	target targets.Target
	out    *sequencer
	abort  atomic.Bool
}

func newDispatcher(ctx context.Context, t targets.Target, opts *Options, out *sequencer) *dispatcher {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	if opts.Rate > 0 {
		// A burst of one: the platform sees an even rate, never a volley.
		t = &Limited{Target: t, Limiter: rate.NewLimiter(rate.Limit(opts.Rate), 1)}
	}
	retries := opts.Retries
	if retries == 0 {
		retries = DefaultRetries
	}
	t = &Retrying{Target: t, Retries: max(retries, 0)}
	return &dispatcher{g: g, ctx: gctx, target: t, out: out}
}

// send starts the call for row, blocking while Concurrency calls are in flight.
func (d *dispatcher) send(idx int, row *reports.Row) {
	d.g.Go(func() error {
		if d.ctx.Err() != nil {
			row.Status, row.FailCode, row.Failure = reports.Failed, "interrupted", "not sent: the run was stopped"
			d.out.put(idx, row)
			return nil
		}
		res, err := d.target.Upsert(d.ctx, row.User)
		fillRow(row, res, err)
		d.out.put(idx, row)
		if targets.IsFatal(err) {
			d.abort.Store(true)
			return &AbortError{Reason: "the platform refused the credentials", Err: err}
		}
		return nil
	})
}

func (d *dispatcher) aborted() bool { return d.abort.Load() }

func (d *dispatcher) wait() error { return d.g.Wait() }

// fillRow records a call's outcome in the row's report.
func fillRow(row *reports.Row, res targets.Result, err error) {
	if err == nil {
		switch res.Outcome {
		case targets.Created:
			row.Status = reports.Created
		case targets.Unchanged:
			row.Status = reports.Unchanged
		default:
			row.Status = reports.Updated
		}
		row.TargetID, row.Blocked, row.Unblocked, row.Changes = res.ID, res.Blocked, res.Unblocked, res.Changes
		return
	}
	row.Status = reports.Failed
	if te, ok := errors.AsType[*targets.Error](err); ok {
		row.FailCode = te.Code
		row.Failure = strings.Join(te.Messages, "; ")
		if row.Failure == "" && te.Err != nil {
			row.Failure = te.Err.Error()
		}
		if te.Kind == targets.Unknown {
			row.Failure += " (the request was sent but no answer came: check the account before sending again)"
		}
		return
	}
	if errors.Is(err, context.Canceled) {
		row.FailCode, row.Failure = "interrupted", "the run was stopped before the platform answered"
		return
	}
	row.FailCode, row.Failure = targets.CodeUnreachable, err.Error()
}

// Limited waits for the rate limiter before every call. It is safe for concurrent use.
type Limited struct {
	targets.Target
	Limiter *rate.Limiter
}

func (l *Limited) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	if err := l.Limiter.Wait(ctx); err != nil {
		return targets.Result{}, err
	}
	return l.Target.Upsert(ctx, u)
}

// Retrying tries a call again when the target says the failure is Retryable: with
// exponential backoff and full jitter, or after the platform's Retry-After when it is
// longer (capped), at most Retries more times. Permanent, Unknown and Fatal failures
// are returned at once: only the target knows whether sending again is safe, and it
// says so by the kind.
type Retrying struct {
	targets.Target
	Retries int
	// Base and Cap bound the backoff; zero values mean 500 ms and 30 s.
	Base, Cap time.Duration
}

// maxRetryAfter caps a platform's Retry-After: an hour-long wait is a stalled run, not
// politeness.
const maxRetryAfter = 2 * time.Minute

func (r *Retrying) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	base, maxDelay := r.Base, r.Cap
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxDelay <= 0 {
		maxDelay = 30 * time.Second
	}
	for attempt := 0; ; attempt++ {
		res, err := r.Target.Upsert(ctx, u)
		if err == nil || attempt >= r.Retries || targets.KindOf(err) != targets.Retryable || ctx.Err() != nil {
			return res, err
		}
		// Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): a
		// uniform wait in [0, min(cap, base·2^attempt)] spreads retries of many rows.
		ceiling := min(maxDelay, base<<min(attempt, 20))
		delay := rand.N(ceiling + 1)
		if te, ok := errors.AsType[*targets.Error](err); ok && te.RetryAfter > delay {
			delay = min(te.RetryAfter, maxRetryAfter)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return res, err
		case <-t.C:
		}
	}
}
