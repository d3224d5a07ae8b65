package importer

import (
	"strings"
	"unicode/utf8"

	"userimport/reports"
)

// screen is what a run tells people of the file as it reads it, besides the live
// counts (Progress): the first rows as read go into the summary, and once they are
// in, or the file ends first, the caller hears how the file was read (Hooks.Read).
type screen struct {
	read   func(input string, source *reports.SourceInfo) // Hooks.Read
	input  string
	source *reports.SourceInfo
	// example is the number of the template's example row the reader skipped, 0 for
	// none; the reader sets it before it hands on any row. skipped is Hooks.Example.
	example int
	skipped func(row int)
	// described is set once describe has printed.
	described bool
}

// sample keeps the first data rows for the summary and, once it has them, tells people
// how the file was read.
func (s *screen) sample(row *reports.Row) {
	si := s.source
	if len(si.Samples) >= sampleRows {
		return
	}
	si.Samples = append(si.Samples, reports.Sample{Row: row.Num, Cells: sampleCells(row.Cells)})
	if len(si.Samples) == sampleRows {
		s.describe()
	}
}

// Bounds of a sample row: enough to see how the file was read, never a copy of a
// hostile file's megabytes in summary.json or on the terminal.
const (
	sampleCellBytes = 200
	sampleMaxCells  = 100
)

// sampleCells copies cells for a sample, each clipped to sampleCellBytes (on a rune
// boundary, marked with an ellipsis), at most sampleMaxCells of them.
func sampleCells(cells []string) []string {
	out := make([]string, 0, min(len(cells), sampleMaxCells))
	for i, c := range cells {
		if i == sampleMaxCells {
			break
		}
		if len(c) > sampleCellBytes {
			cut := sampleCellBytes
			for cut > 0 && !utf8.RuneStart(c[cut]) {
				cut--
			}
			c = c[:cut] + "…"
		}
		out = append(out, strings.Clone(c))
	}
	return out
}

// describe tells the caller how the file was read, once.
func (s *screen) describe() {
	if s.described || s.read == nil {
		return
	}
	s.described = true
	s.read(s.input, s.source)
	if s.example > 0 && s.skipped != nil {
		s.skipped(s.example)
	}
}

// sampleRows is how many decoded rows the run shows: enough to spot mojibake or a
// shifted column, few enough to read.
const sampleRows = 3
