package importer

import (
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"userimport/targets"
	"userimport/validate"
)

// Retrying tries a row again when the target says the failure is Retryable, with the
// run's one retry loop (backoff): exponential backoff and full jitter, or after the
// platform's Retry-After when it is longer (capped), at most Retries more times per
// call of the row (its lookup and its write each get Retries) and while the run's
// Budget lasts. Permanent, Unknown and Fatal failures are returned at once: only the
// target knows whether sending again is safe, and it says so by the kind. Safe for
// concurrent use.
type Retrying struct {
	targets.Target
	Retries int
	// Budget, when set, is the retries left for the whole run, shared by every row.
	Budget *atomic.Int64
	// Base and Cap bound the backoff; zero values mean 500 ms and 30 s.
	Base, Cap time.Duration
}

func (r *Retrying) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	res, _, err := r.upsert(ctx, u)
	return res, err
}

// upsert is Upsert that also says how many calls of the whole row it made.
func (r *Retrying) upsert(ctx context.Context, u *validate.User) (res targets.Result, attempts int, err error) {
	b := backoff{Retries: r.Retries, Budget: r.Budget, Base: r.Base, Cap: r.Cap}
	attempts, err = b.run(ctx, func(ctx context.Context) error {
		var err error
		res, err = r.Target.Upsert(ctx, u)
		return err
	})
	return res, attempts, err
}

// Verifying makes sure a write that may have landed is never blindly repeated: when
// the target answers Unknown (sent, but no answer), it looks the row up with the
// target's read-only Plan. If the account now holds what was sent, the write landed;
// if not, nothing of it did and sending again is safe, so the failure becomes
// Retryable. Safe for concurrent use.
type Verifying struct {
	targets.Target
	Planner targets.Planner
	// Settle is how long to wait before looking, so a write still being processed
	// by the platform is seen; zero means 500 ms.
	Settle time.Duration
	// Tries bounds the lookups of one uncertain write, retryable failures included;
	// zero or less means lookTries.
	Tries int
	// Budget, when set, is the run's retry budget, which lookups share with rows.
	Budget *atomic.Int64
}

func (v *Verifying) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	res, err := v.Target.Upsert(ctx, u)
	if err == nil || targets.KindOf(err) != targets.Unknown {
		return res, err
	}
	if !sleep(ctx, cmpDuration(v.Settle, 500*time.Millisecond)) {
		return res, err
	}
	plan, perr := v.look(ctx, u)
	te0, _ := errors.AsType[*targets.Error](err)
	if pe, ok := errors.AsType[*targets.Error](perr); ok && pe.Code == targets.CodeExists && te0 != nil && te0.Intent == targets.Created {
		// --mode create, and the account our create was making now exists: it landed.
		return targets.Result{Outcome: targets.Created, PasswordSet: u.Password != ""}, nil
	}
	if perr != nil {
		// Still unknown: report it as such, with why the lookup failed too; a resumed
		// run looks again.
		te, ok := errors.AsType[*targets.Error](err)
		if !ok {
			return res, err
		}
		cp := *te
		cp.Messages = slices.Clip(cp.Messages)
		if len(cp.Messages) == 0 && cp.Err != nil {
			cp.Messages = append(cp.Messages, cp.Err.Error())
		}
		cp.Messages = append(cp.Messages, "looking the account up afterwards failed too: "+perr.Error())
		return res, &cp
	}
	if plan.Outcome == targets.Unchanged {
		// It landed. Whether it created or updated the account, the attempt's own
		// error says, when the target knew what it was doing.
		out := targets.Updated
		if te, ok := errors.AsType[*targets.Error](err); ok && te.Intent == targets.Created {
			out = targets.Created
		}
		// A create always carries the password; an update carried it only if the
		// policy let it, which the lookup cannot tell: then it is not recorded as set.
		return targets.Result{Outcome: out, ID: plan.ID, PasswordSet: out == targets.Created && u.Password != ""}, nil
	}
	te, ok := errors.AsType[*targets.Error](err)
	if !ok {
		return res, err
	}
	cp := *te
	cp.Kind = targets.Retryable
	return res, &cp
}

// lookTries is the least number of lookups of one uncertain write: the platform that
// just lost an answer may be briefly unwell, and giving up early would leave the row
// unknown. The dispatcher gives a lookup at least the tries it gives a write.
const lookTries = 6

// look plans u, trying again while the lookup itself fails in a retryable way, with
// the run's one retry loop: Tries lookups at most (429s aside), shorter waits than a
// row's (a write is waiting on the answer).
func (v *Verifying) look(ctx context.Context, u *validate.User) (plan targets.Plan, err error) {
	tries := v.Tries
	if tries <= 0 {
		tries = lookTries
	}
	b := backoff{Retries: tries - 1, Budget: v.Budget, Base: 200 * time.Millisecond, Cap: 5 * time.Second}
	_, err = b.run(ctx, func(ctx context.Context) error {
		var err error
		plan, err = v.Planner.Plan(ctx, u)
		return err
	})
	return plan, err
}

// Adaptive keeps calls under the platform's limit: it waits for a token-bucket
// limiter before each call, cuts the rate when the platform answers 429 and lets it
// grow back slowly on successes (additive increase, multiplicative decrease, as TCP
// does), so a run settles just under the real limit instead of hammering it. With no
// configured rate it starts unlimited and only slows down once told to. Safe for
// concurrent use.
type Adaptive struct {
	targets.Target
	now func() time.Time
	// OnRate, when set, hears the new rate after each change (under a lock: keep it
	// quick).
	OnRate func(rps float64)

	mu      sync.Mutex
	lim     *rate.Limiter
	ceiling float64 // the user's --rate; +Inf when none
	cur     float64 // the rate in force; +Inf until the first 429 without --rate
	lastCut time.Time
	// done counts successes per second over the last few seconds, to find the rate
	// the platform was taking when it first said 429.
	done [4]struct {
		sec int64
		n   int
	}
}

// AIMD constants. Cutting by 15% and growing by 5% of the rate (at least one request
// per second) each second keeps the sawtooth between 85% and 100% of the limit: about
// 92% of it on average, back at the limit three seconds after each cut, with a few
// refusals each time the rate touches it.
const (
	aimdCut         = 0.85
	aimdGrowth      = 1.0  // requests per second, per second, at the least
	aimdGrowthShare = 0.05 // of the rate, per second
	aimdMinRate     = 0.5
	aimdCooldown    = time.Second // one cut per burst of 429s, not one per refused call
)

// NewAdaptive wraps t with a limiter starting at rps (0 or less: no limit).
func NewAdaptive(t targets.Target, rps float64, now func() time.Time) *Adaptive {
	a := &Adaptive{Target: t, now: now, ceiling: math.Inf(1), cur: math.Inf(1)}
	if rps > 0 {
		a.ceiling, a.cur = rps, rps
	}
	a.lim = rate.NewLimiter(limitOf(a.cur), 1) // a burst of one: an even rate, never a volley
	return a
}

func limitOf(r float64) rate.Limit {
	if math.IsInf(r, 1) {
		return rate.Inf
	}
	return rate.Limit(r)
}

// Rate is the rate in force: 0 when unlimited.
func (a *Adaptive) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	if math.IsInf(a.cur, 1) {
		return 0
	}
	return a.cur
}

func (a *Adaptive) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	if err := a.lim.Wait(ctx); err != nil {
		return targets.Result{}, err
	}
	start := a.now()
	res, err := a.Target.Upsert(ctx, u)
	if te, ok := errors.AsType[*targets.Error](err); ok && te.Status == 429 {
		a.throttle(start)
	} else if err == nil {
		a.grow()
	}
	return res, err
}

// throttle cuts the rate for a 429 to a call started at start. Only calls sent after
// the last cut count: the ones already in flight were sent at the old rate, and
// cutting again for each of them would collapse the rate to nothing (TCP cuts once per
// window for the same reason).
func (a *Adaptive) throttle(start time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if !start.After(a.lastCut) || now.Sub(a.lastCut) < aimdCooldown {
		return
	}
	a.lastCut = now
	cur := a.cur
	if math.IsInf(cur, 1) {
		cur = a.observed(now)
	}
	a.cur = max(aimdMinRate, cur*aimdCut)
	a.lim.SetLimit(limitOf(a.cur))
	if a.OnRate != nil {
		a.OnRate(a.cur)
	}
}

func (a *Adaptive) grow() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	sec := now.Unix()
	slot := &a.done[sec%int64(len(a.done))]
	if slot.sec != sec {
		slot.sec, slot.n = sec, 0
	}
	slot.n++
	if math.IsInf(a.cur, 1) {
		return
	}
	// One success adds growth/cur: at cur calls a second that is growth per second.
	growth := max(aimdGrowth, aimdGrowthShare*a.cur)
	a.cur = min(a.ceiling, a.cur+growth/a.cur)
	a.lim.SetLimit(limitOf(a.cur))
	if a.OnRate != nil {
		a.OnRate(a.cur)
	}
}

// observed is the success rate over the last full seconds or, early in a run, the
// successes of the current second, unscaled: scaling a burst the platform let through
// up to a rate overestimates its limit many times, and every overestimate is paid for
// in refused calls. At least the minimum.
func (a *Adaptive) observed(now time.Time) float64 {
	sec := now.Unix()
	n, secs := 0, 0
	for _, s := range a.done {
		if s.sec < sec && s.sec >= sec-int64(len(a.done)) {
			n += s.n
			secs++
		}
	}
	if secs > 0 {
		return max(aimdMinRate, float64(n)/float64(secs))
	}
	cur := a.done[sec%int64(len(a.done))]
	if cur.sec != sec || cur.n == 0 {
		return aimdMinRate / aimdCut * 10 // nothing measured yet: start low and grow
	}
	return max(aimdMinRate, float64(cur.n))
}
