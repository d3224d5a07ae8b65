package importer

import (
	"math"
	"sync/atomic"

	"userimport/reports"
)

// Progress is the live state of a run: the pipeline counts each row in its Tally as
// the row finishes, and printers (a bar on a terminal, a periodic line elsewhere) read
// the counters from their own goroutines. The run's summary is read from the same
// Tally at the end, so a Progress serves one Run. It is a model only; it prints
// nothing. Its counters and Rate are safe for concurrent use.
type Progress struct {
	// Total is the number of rows expected, when the source can tell (an XLSX sheet's
	// dimension); 0 when unknown.
	Total atomic.Int64
	// Tally counts the finished rows: Done, and Created … Skipped by status.
	reports.Tally
	rate atomic.Uint64 // float64 bits
}

// Rate is the request rate in force, in requests per second; 0 when unlimited.
func (p *Progress) Rate() float64 { return math.Float64frombits(p.rate.Load()) }

func (p *Progress) setRate(r float64) { p.rate.Store(math.Float64bits(r)) }
