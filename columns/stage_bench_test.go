package columns_test

import (
	"testing"

	"userimport/columns"
	"userimport/internal/people"
)

// BenchmarkStageMap is the column stage: reading the header (once per file) and
// getting every field of a row by name, as the validator's callers do. ns/op is per
// row; the header is mapped once outside the loop, then once inside as its own case.
func BenchmarkStageMap(b *testing.B) {
	header := people.Header[:]
	b.Run("Header", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			columns.Map(header, nil)
		}
	})
	b.Run("GetRow", func(b *testing.B) {
		m := columns.Map(header, nil)
		var row []string
		for r := range people.Rows(1, 1, people.Mess{}) {
			row = r.Cells[:]
		}
		fields := m.Fields()
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			for _, f := range fields {
				n += len(m.Get(row, f))
			}
		}
		if n == 0 {
			b.Fatal("no values")
		}
	})
}
