package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"userimport/reports"
	"userimport/targets"
	"userimport/validate"
)

// reorder puts values numbered 0, 1, 2… back in that order, whatever order they come
// in: the one way the importer restores file order, for batches of validated rows
// (run.run) and for rows done by the target (sequencer). Not safe for concurrent use.
type reorder[T any] struct {
	next    int // the number of the next value to take
	pending map[int]T
}

func newReorder[T any]() *reorder[T] { return &reorder[T]{pending: make(map[int]T)} }

// put hands in value number i.
func (o *reorder[T]) put(i int, v T) { o.pending[i] = v }

// take returns the next value in order, if it has come.
func (o *reorder[T]) take() (T, bool) {
	v, ok := o.pending[o.next]
	if ok {
		delete(o.pending, o.next)
		o.next++
	}
	return v, ok
}

// sequencer writes rows in the order they were reserved, whatever order they finish
// in, like gofmt's sequencer. A window caps how far the newest reserved row may run
// ahead of the oldest unwritten one, so one slow row cannot make finished rows pile up
// in memory without bound. It is safe for concurrent use.
type sequencer struct {
	write  func(*reports.Row) error
	window chan struct{}

	mu       sync.Mutex
	reserved int // the next index to hand out
	order    *reorder[*reports.Row]
	werr     error
}

// windowFor sizes the reorder window: room for every call in flight several times
// over, so the window only bites when a row is stuck in retries.
func windowFor(concurrency int) int { return 1024 + 16*concurrency }

func newSequencer(write func(*reports.Row) error, window int) *sequencer {
	return &sequencer{write: write, window: make(chan struct{}, window), order: newReorder[*reports.Row]()}
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
	s.order.put(i, row)
	for r, ok := s.order.take(); ok; r, ok = s.order.take() {
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
// through the decorators: retries, the adaptive rate limit, and the lookup of writes
// that may have landed. A row's failure is data in its report; only a fatal error
// (credentials rejected, the platform gone for too long) is a group error, and it
// stops the run.
type dispatcher struct {
	g *errgroup.Group
	// stop is cancelled when the run must take no more rows: Ctrl-C or an abort.
	stop context.Context
	// grace gives calls in flight their context, which outlives stop by the grace period.
	grace *graceTimer
	reach *reachWatch
	abort atomic.Bool

	target   *Retrying
	adaptive *Adaptive
	retries  atomic.Int64

	out     *sequencer
	journal *journal // nil for a plan
	// passwords records the generated passwords the platform took; nil for a plan.
	passwords *reports.Passwords
}

// Defaults of the dispatcher's bounds.
const (
	// DefaultGrace is how long calls in flight may finish after Ctrl-C: longer than a
	// normal call, short enough that a person waiting at the terminal does not give up.
	DefaultGrace = 15 * time.Second
	// DefaultUnreachableAfter is how long the platform may go without answering before
	// the run stops: past the longest usual restart of a web application.
	DefaultUnreachableAfter = 2 * time.Minute
	// DefaultRetryBudget caps retries over a whole run, so a platform failing every
	// call does not cost hours of backoff: with the per-row limit it is the second net.
	DefaultRetryBudget = 10000
)

func newDispatcher(ctx context.Context, t targets.Target, opts *Options, out *sequencer, j *journal, pw *reports.Passwords, now func() time.Time, progress *Progress) *dispatcher {
	g, stop := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	d := &dispatcher{
		g: g, stop: stop, grace: startGrace(ctx, stop, opts.Grace), reach: newReachWatch(opts.UnreachableAfter, now),
		out: out, journal: j, passwords: pw,
	}
	d.target, d.adaptive = decorate(t, opts, now)
	if progress != nil {
		progress.setRate(d.adaptive.Rate())
		d.adaptive.OnRate = progress.setRate
	}
	return d
}

// decorate wraps t in what every call goes through: for an import into a target that
// can look accounts up, the lookup of writes that may have landed; the adaptive rate
// limit; and retries, which share one budget with the lookups. It returns the outer
// decorator and the rate limit.
func decorate(t targets.Target, opts *Options, now func() time.Time) (*Retrying, *Adaptive) {
	retries := max(opts.Retries, 0)
	budget := &atomic.Int64{}
	budget.Store(int64(opts.RetryBudget))
	if p, ok := t.(targets.Planner); ok && opts.Kind == Import {
		// Looking up a write that may have landed gets at least the tries a write
		// gets: a row whose lookup gave up first stays unknown, and fails.
		t = &Verifying{Target: t, Planner: p, Settle: opts.RetryBase, Tries: max(lookTries, retries+1), Budget: budget}
	}
	adaptive := NewAdaptive(t, opts.Rate, now)
	return &Retrying{Target: adaptive, Retries: retries, Budget: budget, Base: opts.RetryBase}, adaptive
}

// send starts the call for row, blocking while Concurrency calls are in flight.
func (d *dispatcher) send(idx int, row *reports.Row, hash string) {
	d.g.Go(func() error {
		if d.stop.Err() != nil {
			row.Status, row.FailCode, row.Failure = reports.Failed, "interrupted", "not sent: the run was stopped"
			d.out.put(idx, row)
			return nil
		}
		err := d.call(idx, row, hash)
		if err != nil {
			d.abort.Store(true)
		}
		return err
	})
}

// call makes row's call and records what came of it: the generated password, the
// journal, then the report. It returns an *AbortError when the run must stop.
func (d *dispatcher) call(idx int, row *reports.Row, hash string) error {
	// The row's calls, counted by the retry loop itself: the journal keeps them, the
	// summary their retries.
	res, tries, err := d.target.upsert(d.grace.calls, row.User)
	d.retries.Add(int64(tries - 1))
	fillRow(row, res, err)
	// The password reaches the disk before the journal says the row is done: a
	// resumed run skips done rows, and their passwords must not be lost.
	if err == nil && res.PasswordSet && row.User.PasswordGenerated {
		if perr := d.savePassword(row, tries); perr != nil {
			d.out.put(idx, row)
			return perr
		}
	}
	d.record(Entry{Row: row.Num, Key: row.Key, Hash: hash, Status: string(row.Status), ID: row.TargetID, Attempts: tries, Code: row.FailCode})
	d.out.put(idx, row)
	return d.verdict(row, err)
}

// savePassword records the generated password the platform took for row. When it
// cannot, the row says so, the journal has it failed, and the run must stop: the
// *AbortError tells people to set a new password.
func (d *dispatcher) savePassword(row *reports.Row, tries int) error {
	if d.passwords == nil {
		return nil
	}
	err := d.passwords.Add(row.Num, row.Key, row.User.Login, row.User.Email, row.User.Password)
	if err == nil {
		return nil
	}
	row.Issues = append(row.Issues, validate.Issue{Field: "password", Code: validate.CodeRequired, Severity: validate.Warning,
		Detail: "the account got a generated password that could not be saved: " + err.Error()})
	d.record(Entry{Row: row.Num, Key: row.Key, Hash: "", Status: string(reports.Failed), ID: row.TargetID, Attempts: tries, Code: "passwords"})
	return &AbortError{Reason: "the generated passwords cannot be saved (" + err.Error() + "); the account of row " +
		strconv.Itoa(row.Num) + " was created with a password that is not recorded: set a new one on the platform",
		ReasonRU: "сгенерированные пароли не удаётся сохранить (" + err.Error() + "); учётная запись строки " +
			strconv.Itoa(row.Num) + " создана с паролем, который нигде не записан: задайте ей новый на платформе", Err: err}
}

// record adds e to the journal, when the run keeps one.
func (d *dispatcher) record(e Entry) {
	if d.journal != nil {
		d.journal.add(e)
	}
}

// verdict says whether a call's outcome stops the run: credentials refused, or the
// platform gone for longer than the run waits. Any answer resets the wait.
func (d *dispatcher) verdict(row *reports.Row, err error) error {
	switch {
	case targets.IsFatal(err):
		return &AbortError{Reason: "the platform refused the credentials", ReasonRU: "платформа не приняла учётные данные", Err: err}
	case err == nil || targets.KindOf(err) == targets.Permanent:
		d.reach.answered()
	case row.FailCode == targets.CodeUnreachable:
		if gone, over := d.reach.gone(); over {
			return &AbortError{Reason: fmt.Sprintf("the platform has not answered for %s", gone.Round(time.Second)),
				ReasonRU: fmt.Sprintf("платформа не отвечает уже %s", gone.Round(time.Second)), Err: err}
		}
	}
	return nil
}

func (d *dispatcher) aborted() bool { return d.abort.Load() }

// sendStats are what the dispatcher tells the summary once every call is done.
type sendStats struct {
	rate    float64 // the request rate in force at the end; 0: none
	retries int     // calls made again, over the whole run
}

// wait waits for every call, ends the grace period and says how the sending went.
func (d *dispatcher) wait() (sendStats, error) {
	err := d.g.Wait()
	d.grace.end()
	return sendStats{rate: d.adaptive.Rate(), retries: int(d.retries.Load())}, err
}

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
	if te, ok := errors.AsType[*targets.Error](err); ok && te.Code == targets.CodeExists {
		// --mode create: an existing account is left alone, which is what was asked,
		// not a failure (Moodle's "add new only, skip existing").
		row.Status, row.FailCode, row.Failure = reports.Skipped, te.Code, strings.Join(te.Messages, "; ")
		return
	}
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
