package validate

import (
	"testing"

	"userimport/lang"
)

// TestPaddedIDs: a табельный номер written as a number among zero-padded ones is a
// warning naming the id with its zeros back (issue 17); ids of one style, ids that are
// not numbers and a number as long as the padded ones are not.
func TestPaddedIDs(t *testing.T) {
	tests := []struct {
		name string
		ids  []string
		want map[int]string // index → Detail of the warning
	}{
		{"number among padded", []string{"000124", "000125", "123", "000126"}, map[int]string{2: "000123"}},
		{"several", []string{"0042", "7", "0043", "99"}, map[int]string{1: "0007", 3: "0099"}},
		{"all numbers", []string{"123", "124", "125"}, nil},
		{"all padded", []string{"000123", "000124"}, nil},
		{"number before any padded", []string{"123", "000124"}, nil},
		{"as long as the padded", []string{"000124", "123456"}, nil},
		{"not numbers", []string{"000124", "T123", "", "12a"}, nil},
		{"a lone zero", []string{"0", "5"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p PaddedIDs
			for i, id := range tt.ids {
				iss, ok := p.Check(id)
				want, wantOK := tt.want[i]
				if ok != wantOK || iss.Detail != want {
					t.Errorf("Check(%q) = %+v, %v; want detail %q, %v", id, iss, ok, want, wantOK)
				}
				if ok && (iss.Code != CodeIDZerosDropped || iss.Severity != Warning || iss.Raw != id) {
					t.Errorf("Check(%q) = %+v", id, iss)
				}
			}
		})
	}
	var p PaddedIDs
	p.Check("000124")
	iss, _ := p.Check("123")
	if got, want := iss.Message(lang.Russian), "число среди табельных номеров с нулями впереди: Excel мог отбросить нули (было 000123?); сделайте столбец текстовым и введите заново"; got != want {
		t.Errorf("ru: %q, want %q", got, want)
	}
	if got, want := iss.Message(lang.English), "a number among ids with leading zeros: Excel may have dropped its zeros (was it 000123?); format the column as text and type it again"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
}
