package validate_test

import (
	"testing"

	"userimport/columns"
	"userimport/internal/people"
	"userimport/targets/collaborator"
	"userimport/validate"
)

// BenchmarkStageRow is the whole validation of one row (validate.Worker.Row): every
// normalizer the collaborator schema uses, over rows of the project's messy
// generator (3% broken), cycling through 4,096 of them so that the phone and e-mail
// spellings vary as in a real file. ns/op and allocs/op are per row. The single
// normalizers have their own benchmarks beside their tests (BenchmarkPhone,
// BenchmarkNormalizeEmail, BenchmarkParseDate, BenchmarkNormalizeName, ...).
func BenchmarkStageRow(b *testing.B) {
	var rows [][]string
	for r := range people.Rows(1, 4096, people.Mess{ErrorRate: 0.03}) {
		rows = append(rows, r.Cells[:])
	}
	m := columns.Map(people.Header[:], nil)
	v := validate.NewValidator(collaborator.Schema(), &m, validate.Options{Today: validate.Date{Year: 2026, Month: 11, Day: 1}})
	w := v.Worker()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.Row(rows[i&4095], validate.Marks{})
		i++
	}
}
