package importer

import (
	"sync/atomic"
	"time"
)

// reachWatch watches how long the platform has gone without answering, so that a run
// stops once it has been gone for longer than a restart takes (see
// Sending.UnreachableAfter). Safe for concurrent use.
type reachWatch struct {
	after time.Duration
	now   func() time.Time
	last  atomic.Int64 // unix nanoseconds of the last answer; at first, the start
}

func newReachWatch(after time.Duration, now func() time.Time) *reachWatch {
	w := &reachWatch{after: after, now: now}
	w.answered()
	return w
}

// answered records that the platform answered just now (an answer that refuses the row
// is an answer too).
func (w *reachWatch) answered() { w.last.Store(w.now().UnixNano()) }

// gone says how long the platform has not answered for, and whether that is longer
// than the run waits.
func (w *reachWatch) gone() (time.Duration, bool) {
	d := w.now().Sub(time.Unix(0, w.last.Load()))
	return d, d > w.after
}
