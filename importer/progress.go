package importer

import (
	"math"
	"sync/atomic"

	"userimport/reports"
)

// Progress is the live state of a run: the pipeline updates it as rows finish, and
// printers (a bar on a terminal, a periodic line elsewhere) read it from their own
// goroutines. It is a model only; it prints nothing. Safe for concurrent use.
type Progress struct {
	// Total is the number of rows expected, when the source can tell (an XLSX sheet's
	// dimension); 0 when unknown.
	Total atomic.Int64
	// Done counts rows finished, whatever their status.
	Done                                                  atomic.Int64
	Created, Updated, Unchanged, Invalid, Failed, Skipped atomic.Int64
	rate                                                  atomic.Uint64 // float64 bits
}

// Rate is the request rate in force, in requests per second; 0 when unlimited.
func (p *Progress) Rate() float64 { return math.Float64frombits(p.rate.Load()) }

func (p *Progress) setRate(r float64) { p.rate.Store(math.Float64bits(r)) }

// add counts one finished row.
func (p *Progress) add(r *reports.Row) {
	switch r.Status {
	case reports.Created:
		p.Created.Add(1)
	case reports.Updated:
		p.Updated.Add(1)
	case reports.Unchanged:
		p.Unchanged.Add(1)
	case reports.Invalid:
		p.Invalid.Add(1)
	case reports.Failed:
		p.Failed.Add(1)
	case reports.Skipped:
		p.Skipped.Add(1)
	}
	p.Done.Add(1)
}
