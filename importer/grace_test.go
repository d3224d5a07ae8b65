package importer

import (
	"context"
	"testing"
	"time"
)

// TestGraceOutlivesTheStop: once the run stops, calls in flight keep their context
// for the grace period, then lose it.
func TestGraceOutlivesTheStop(t *testing.T) {
	stop, cancel := context.WithCancel(context.Background())
	g := startGrace(context.Background(), stop, 50*time.Millisecond)
	defer g.end()
	cancel()
	if g.calls.Err() != nil {
		t.Fatal("the calls lost their context as soon as the run stopped")
	}
	select {
	case <-g.calls.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the calls kept their context long after the grace period")
	}
}

// TestGraceEndsWithTheCalls: when every call is done the timer ends, stopped or not,
// and takes the calls' context with it.
func TestGraceEndsWithTheCalls(t *testing.T) {
	for _, stopFirst := range []bool{false, true} {
		stop, cancel := context.WithCancel(context.Background())
		g := startGrace(context.Background(), stop, time.Hour)
		if stopFirst {
			cancel()
		}
		g.end()
		if g.calls.Err() == nil {
			t.Errorf("stopped first %v: the calls' context outlived end", stopFirst)
		}
		cancel()
	}
}

// TestGraceKeepsValues: the calls' context carries the run's values, not its
// cancellation.
func TestGraceKeepsValues(t *testing.T) {
	type key struct{}
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	g := startGrace(ctx, context.Background(), time.Hour)
	defer g.end()
	cancel()
	if g.calls.Err() != nil || g.calls.Value(key{}) != "v" {
		t.Errorf("calls: err %v, value %v; want no error and the run's value", g.calls.Err(), g.calls.Value(key{}))
	}
}

// TestReachWatch: the platform is gone once it has not answered for longer than the
// watch waits, counted from the start or from its last answer.
func TestReachWatch(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	w := newReachWatch(time.Minute, func() time.Time { return now })
	now = now.Add(time.Minute)
	if d, over := w.gone(); over || d != time.Minute {
		t.Errorf("a minute after the start: gone %v, over %v; want 1m0s, not over", d, over)
	}
	now = now.Add(time.Second)
	if d, over := w.gone(); !over || d != 61*time.Second {
		t.Errorf("61s after the start: gone %v, over %v; want 1m1s, over", d, over)
	}
	w.answered()
	now = now.Add(30 * time.Second)
	if d, over := w.gone(); over || d != 30*time.Second {
		t.Errorf("30s after an answer: gone %v, over %v; want 30s, not over", d, over)
	}
}
