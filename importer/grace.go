package importer

import (
	"context"
	"time"
)

// graceTimer is what calls in flight run under: a context that outlives the run's stop
// by a grace period, so a Ctrl-C lets them finish instead of leaving writes
// half-known. The context is cancelled grace after stop is done, or by end, whichever
// comes first.
type graceTimer struct {
	calls  context.Context
	cancel context.CancelFunc
	ended  chan struct{}
}

// startGrace starts the timer: ctx gives the calls' values, stop says when the run
// stops taking rows.
func startGrace(ctx, stop context.Context, grace time.Duration) *graceTimer {
	calls, cancel := context.WithCancel(context.WithoutCancel(ctx))
	g := &graceTimer{calls: calls, cancel: cancel, ended: make(chan struct{})}
	go g.wait(stop, grace)
	return g
}

// wait cancels the calls grace after stop is done, unless end comes first.
func (g *graceTimer) wait(stop context.Context, grace time.Duration) {
	select {
	case <-g.ended:
		return
	case <-stop.Done():
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-g.ended:
	case <-t.C:
		g.cancel()
	}
}

// end cancels the calls' context and stops the timer; the calls must be done. Call
// it once.
func (g *graceTimer) end() {
	close(g.ended)
	g.cancel()
}
