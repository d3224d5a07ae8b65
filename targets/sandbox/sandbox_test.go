package sandbox

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// counting is the platform behind the faults: it counts what reached it.
type counting struct{ n atomic.Int64 }

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	c.n.Add(1)
	_, _ = io.WriteString(w, `{"ok":true}`)
}

func serve(h http.Handler) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	return rec
}

func TestZeroFaultsPassEverything(t *testing.T) {
	inner := &counting{}
	h := Wrap(inner, Faults{})
	for range 100 {
		if rec := serve(h); rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200", rec.Code)
		}
	}
	got := []int64{h.Requests(), h.Refused(), h.Failed(), h.Dropped(), inner.n.Load()}
	if diff := cmp.Diff([]int64{100, 0, 0, 0, 100}, got); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
}

func TestFailRate(t *testing.T) {
	tests := []struct {
		name     string
		rate     float64
		min, max int64 // bounds on Failed() over 2000 requests
	}{
		{"never", 0, 0, 0},
		{"ten percent", 0.1, 140, 260},
		{"half", 0.5, 900, 1100},
		{"always", 1, 2000, 2000},
		{"above one is always", 7, 2000, 2000},
		{"negative is never", -1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &counting{}
			h := Wrap(inner, Faults{FailRate: tt.rate, Seed: 42})
			var five int64
			for range 2000 {
				rec := serve(h)
				if rec.Code == http.StatusInternalServerError {
					five++
				}
			}
			if f := h.Failed(); f < tt.min || f > tt.max || f != five {
				t.Errorf("Failed() = %d (500s seen %d), want in [%d, %d]", f, five, tt.min, tt.max)
			}
			if got, want := inner.n.Load(), 2000-h.Failed(); got != want {
				t.Errorf("requests passed on = %d, want %d: a failed request must not reach the platform", got, want)
			}
		})
	}
}

func TestSeedIsRepeatable(t *testing.T) {
	sequence := func(seed int64) []bool {
		h := Wrap(http.NotFoundHandler(), Faults{FailRate: 0.3, DropRate: 0.2, Jitter: time.Second, Seed: seed})
		var out []bool
		for range 200 {
			_, _, fail, drop := h.decide()
			out = append(out, fail, drop)
		}
		return out
	}
	if diff := cmp.Diff(sequence(7), sequence(7)); diff != "" {
		t.Errorf("same seed, different faults:\n%s", diff)
	}
	if cmp.Equal(sequence(7), sequence(8)) {
		t.Error("seeds 7 and 8 gave the same faults")
	}
}

func TestDropRate(t *testing.T) {
	tests := []struct {
		name     string
		rate     float64
		n        int
		min, max int64
	}{
		{"always", 1, 20, 20, 20},
		{"a fifth", 0.2, 300, 35, 85},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &counting{}
			h := Wrap(inner, Faults{DropRate: tt.rate, Seed: 1})
			srv := httptest.NewServer(h)
			defer srv.Close()
			var errs int64
			for range tt.n {
				// POST, not GET: the transport silently resends an idempotent request
				// whose connection closed, which would hide the drop.
				resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
				if err != nil {
					errs++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if d := h.Dropped(); d < tt.min || d > tt.max || d != errs {
				t.Errorf("Dropped() = %d, client errors %d, want in [%d, %d]", d, errs, tt.min, tt.max)
			}
			if got := inner.n.Load(); got != int64(tt.n) {
				t.Errorf("requests applied = %d, want %d: a dropped request is applied first", got, tt.n)
			}
		})
	}
}

func TestDropWithoutHijackAborts(t *testing.T) {
	h := Wrap(&counting{}, Faults{DropRate: 1})
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	serve(h) // a ResponseRecorder cannot be hijacked
	t.Error("ServeHTTP returned normally")
}

func TestRateLimit(t *testing.T) {
	type step struct {
		advance    time.Duration // the clock moves this much before the request
		status     int
		retryAfter string
	}
	tests := []struct {
		name  string
		rate  float64
		steps []step
	}{
		{
			name: "five per second, burst of five",
			rate: 5,
			steps: []step{
				{0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""},
				{0, 429, "1"}, {0, 429, "1"},
				{200 * time.Millisecond, 200, ""}, // one token back
				{0, 429, "1"},
				{time.Second, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""},
				{0, 429, "1"},
			},
		},
		{
			name: "one every two seconds",
			rate: 0.5,
			steps: []step{
				{0, 200, ""},
				{0, 429, "2"},
				{time.Second, 429, "1"},
				{time.Second, 200, ""},
				{1500 * time.Millisecond, 429, "1"},
			},
		},
		{
			name:  "no limit",
			rate:  0,
			steps: []step{{0, 200, ""}, {0, 200, ""}, {0, 200, ""}, {0, 200, ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &counting{}
			h := Wrap(inner, Faults{RateLimit: tt.rate})
			clock := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
			h.now = func() time.Time { return clock }
			var refused int64
			for i, s := range tt.steps {
				clock = clock.Add(s.advance)
				rec := serve(h)
				if rec.Code != s.status || rec.Header().Get("Retry-After") != s.retryAfter {
					t.Errorf("request %d: status %d Retry-After %q, want %d %q",
						i, rec.Code, rec.Header().Get("Retry-After"), s.status, s.retryAfter)
				}
				if s.status == http.StatusTooManyRequests {
					refused++
				}
			}
			if h.Refused() != refused || inner.n.Load() != int64(len(tt.steps))-refused {
				t.Errorf("Refused() = %d, passed on %d; want %d, %d",
					h.Refused(), inner.n.Load(), refused, int64(len(tt.steps))-refused)
			}
		})
	}
}

func TestRateLimitUnderLoad(t *testing.T) {
	// Real clock: 400 requests as fast as possible against 50 per second can only take
	// the burst plus what refills while they run.
	h := Wrap(&counting{}, Faults{RateLimit: 50})
	start := time.Now()
	var ok int64
	for range 400 {
		if serve(h).Code == http.StatusOK {
			ok++
		}
	}
	limit := 50 + int64(time.Since(start).Seconds()*50) + 1
	if ok < 50 || ok > limit {
		t.Errorf("%d requests passed, want between 50 and %d", ok, limit)
	}
	if h.Refused() != 400-ok {
		t.Errorf("Refused() = %d, want %d", h.Refused(), 400-ok)
	}
}

func TestLatency(t *testing.T) {
	h := Wrap(&counting{}, Faults{Latency: 30 * time.Millisecond})
	start := time.Now()
	serve(h)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("answered after %v, want at least 30ms", d)
	}
}

func TestLatencyRespectsContext(t *testing.T) {
	inner := &counting{}
	h := Wrap(inner, Faults{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", strings.NewReader("{}"))
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the delay ignored a cancelled request")
	}
	if inner.n.Load() != 0 {
		t.Error("a cancelled request was passed on")
	}
}

func TestJitterStaysInRange(t *testing.T) {
	const latency, jitter = 10 * time.Millisecond, 20 * time.Millisecond
	h := Wrap(http.NotFoundHandler(), Faults{Latency: latency, Jitter: jitter, Seed: 3})
	seen := map[time.Duration]bool{}
	for range 500 {
		d, _, _, _ := h.decide()
		if d < latency || d >= latency+jitter {
			t.Fatalf("delay %v outside [%v, %v)", d, latency, latency+jitter)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays in 500 draws", len(seen))
	}
}

// TestTimerLearnsWithinBounds: the timer's estimate of its own lateness stays between
// zero and maxEarly whatever it observes, and a cancelled request stops the wait.
func TestTimerLearnsWithinBounds(t *testing.T) {
	var tm timer
	for i := range 40 {
		deadline := time.Now().Add(time.Duration(i%3) * time.Millisecond) // some already past
		if !tm.sleepUntil(context.Background(), deadline) {
			t.Fatal("sleepUntil returned false without a cancelled context")
		}
		if late := time.Duration(tm.late.Load()); late < 0 || late > maxEarly {
			t.Fatalf("lateness estimate %v outside [0, %v]", late, maxEarly)
		}
	}
	tm.late.Store(int64(time.Hour)) // a wild estimate is still capped when used next
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if tm.sleepUntil(ctx, time.Now().Add(time.Hour)) {
		t.Error("sleepUntil waited out a cancelled request")
	}
}
