// Package sandbox puts faults in front of a platform's stand-in: latency, failures,
// dropped connections and a rate limit. Every sandbox (Collaborator, inSkill, iSpring,
// CS-Cart), the tests and the benchmarks use it, so that the importer's retries, its
// adaptive rate and its "the write may have landed" path are exercised the same way
// against every platform.
package sandbox

import (
	"bytes"
	"context"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Faults says what goes wrong, and how often. The zero value passes every request on
// untouched.
type Faults struct {
	// Latency delays every request that is not refused; Jitter adds a uniform random
	// extra delay in [0, Jitter).
	Latency time.Duration
	Jitter  time.Duration
	// FailRate is the share of requests (0..1) answered 500 without being passed on:
	// the platform failed before doing anything.
	FailRate float64
	// DropRate is the share of requests (0..1) passed on, and so applied, whose
	// connection is then closed without an answer: the write landed but the client
	// cannot know it.
	DropRate float64
	// RateLimit is the number of requests per second the platform takes, with a burst of
	// one second's worth; above it the answer is 429 with Retry-After. 0 means no limit.
	RateLimit float64
	// Seed makes the random choices repeatable: the same seed and the same sequence of
	// requests give the same faults.
	Seed int64
}

// Handler is an http.Handler that applies Faults in front of another handler. It is
// safe for concurrent use. The order of the checks is: rate limit (429, answered at
// once, as a real limiter does), latency, failure (500), then the request is passed on
// and may be dropped after it was applied.
type Handler struct {
	next   http.Handler
	faults Faults

	mu  sync.Mutex // guards rng and the bucket
	rng *rand.Rand
	// The token bucket: tokens available at last.
	tokens float64
	last   time.Time
	now    func() time.Time // time.Now; tests replace it

	timer timer

	requests atomic.Int64
	refused  atomic.Int64
	failed   atomic.Int64
	dropped  atomic.Int64
}

// Wrap returns h behind the faults f. Rates outside 0..1 are clamped; a negative
// latency, jitter or rate limit counts as zero.
func Wrap(h http.Handler, f Faults) *Handler {
	f.FailRate = clamp01(f.FailRate)
	f.DropRate = clamp01(f.DropRate)
	f.Latency = max(f.Latency, 0)
	f.Jitter = max(f.Jitter, 0)
	if f.RateLimit < 0 || math.IsNaN(f.RateLimit) || math.IsInf(f.RateLimit, 0) {
		f.RateLimit = 0
	}
	seed := uint64(f.Seed)
	return &Handler{
		next:   h,
		faults: f,
		// The second PCG word is a fixed odd constant, so that one Seed is enough.
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		tokens: burst(f.RateLimit),
		now:    time.Now,
	}
}

func clamp01(x float64) float64 {
	if math.IsNaN(x) || x < 0 {
		return 0
	}
	return min(x, 1)
}

// burst is the bucket's size: one second's worth of requests, and at least one, so that
// a rate below 1 per second still lets a request through now and then.
func burst(rate float64) float64 {
	return max(1, math.Ceil(rate))
}

// Requests is the number of requests that arrived, refused or not.
func (h *Handler) Requests() int64 { return h.requests.Load() }

// Refused is the number of requests answered 429.
func (h *Handler) Refused() int64 { return h.refused.Load() }

// Failed is the number of requests answered 500 without being passed on.
func (h *Handler) Failed() int64 { return h.failed.Load() }

// Dropped is the number of requests passed on whose connection was then closed
// without an answer.
func (h *Handler) Dropped() int64 { return h.dropped.Load() }

// ServeHTTP applies the faults to one request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	h.requests.Add(1)
	delay, wait, fail, drop := h.decide()
	if wait > 0 {
		h.refused.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":"too many requests"}`))
		return
	}
	if delay > 0 {
		// Read the body first: the server notices a client that went away only once
		// the body has been read, and until then the request's context stays alive.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBuffered))
		if err != nil {
			return
		}
		r.Body = readCloser{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		if !h.timer.sleepUntil(r.Context(), arrived.Add(delay)) {
			return // the client is gone; there is nobody to answer
		}
	}
	if fail {
		h.failed.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"internal server error"}`))
		return
	}
	if !drop {
		h.next.ServeHTTP(w, r)
		return
	}
	// Apply the request, throw the answer away, and close the connection under the
	// client's feet.
	h.next.ServeHTTP(&discard{header: http.Header{}}, r)
	h.dropped.Add(1)
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, or a recorder in a test): abort the stream instead; the
	// server neither answers nor logs it.
	panic(http.ErrAbortHandler)
}

// decide makes every random and rate-limit choice for one request under the lock, so
// that a seeded run is repeatable. wait > 0 means refuse with Retry-After: wait seconds.
func (h *Handler) decide() (delay time.Duration, wait int, fail, drop bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if rate := h.faults.RateLimit; rate > 0 {
		now := h.now()
		if !h.last.IsZero() {
			h.tokens = min(burst(rate), h.tokens+now.Sub(h.last).Seconds()*rate)
		}
		h.last = now
		if h.tokens < 1 {
			// Seconds until the bucket holds a whole token, rounded up: Retry-After
			// takes an integer, and rounding down would invite a second refusal.
			return 0, max(1, int(math.Ceil((1-h.tokens)/rate))), false, false
		}
		h.tokens--
	}
	delay = h.faults.Latency
	if j := h.faults.Jitter; j > 0 {
		delay += time.Duration(h.rng.Int64N(int64(j)))
	}
	// Both draws happen for every request, so that one knob does not shift the
	// sequence of the other.
	fail = h.rng.Float64() < h.faults.FailRate
	drop = h.rng.Float64() < h.faults.DropRate
	return delay, 0, fail, drop && !fail
}

// maxBuffered caps the body read ahead of a delay. Bigger bodies are passed on whole,
// but a client leaving during the delay is then noticed only when the delay ends.
const maxBuffered = 8 << 20

// readCloser reads the buffered start of a body, then the rest, and closes the
// original.
type readCloser struct {
	io.Reader
	io.Closer
}

// discard is a ResponseWriter that keeps nothing: the answer of a dropped request.
type discard struct {
	header http.Header
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }

// timer sleeps until a deadline, on time on average. Go's timers fire late: on Linux
// the runtime waits for them in whole milliseconds, so a 20 ms delay took 20.4 ms on
// average here with 32 requests waiting, and a sandbox asked for a latency of L was
// slower than L by that much, which the throughput benchmark, whose ideal is N/L,
// counted against the importer. timer learns how late its wake-ups are (a moving
// average) and asks to be woken that much early, so that requests take L on average;
// some answer a little before L, some a little after.
type timer struct {
	late atomic.Int64 // nanoseconds, the moving average of how late a wake-up is
}

// maxEarly bounds how early a timer is asked to fire.
const maxEarly = 2 * time.Millisecond

// sleepUntil returns at about deadline, or false as soon as ctx is done.
func (t *timer) sleepUntil(ctx context.Context, deadline time.Time) bool {
	if ctx.Err() != nil {
		return false
	}
	early := min(time.Duration(t.late.Load()), maxEarly)
	wake := deadline.Add(-early)
	tm := time.NewTimer(time.Until(wake))
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-ctx.Done():
		return false
	}
	// The average moves an eighth of the way to each new observation. Updates from
	// concurrent requests may overwrite one another; an observation lost now and
	// then does not matter to an average.
	late := int64(time.Since(wake))
	avg := t.late.Load()
	t.late.Store(min(max(avg+(late-avg)/8, 0), int64(maxEarly)))
	return true
}

// Stats are what a platform's stand-in counts, so that a test can prove what an
// import changed: every sandbox has a Stats method, and `userimport sandbox` serves
// them at StatsPath for tests of the built binary.
type Stats struct {
	// Accounts is how many accounts the stand-in holds.
	Accounts int `json:"accounts"`
	// Writes counts requests that created or changed an account.
	Writes int64 `json:"writes"`
	// PasswordResets counts passwords set on accounts that already existed: an
	// import must cause none unless the file's password column or
	// --reset-passwords asks for it.
	PasswordResets int64 `json:"password_resets"`
	// Requests counts every request that reached `userimport sandbox`, and Refused those
	// it answered 429: the command fills them from its Handler, for the benchmarks'
	// calls per row and refused share. A stand-in alone leaves them 0.
	Requests int64 `json:"requests"`
	Refused  int64 `json:"refused"`
}

// StatsPath is where `userimport sandbox` answers its stand-in's Stats as JSON. No
// platform has this path; only the sandbox command serves it.
const StatsPath = "/_sandbox/stats"
