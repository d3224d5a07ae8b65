package importer

import "testing"

// TestSteadyTotal: the total shown for a CSV never falls, whatever the guesses from
// the bytes read, and never below the rows read (issue 17: 3,000 rows were shown as
// 2994, then 2959, then 2829).
func TestSteadyTotal(t *testing.T) {
	tests := []struct {
		name              string
		prev, rows, guess int64
		want              int64
	}{
		{"first guess", 0, 256, 2994, 2994},
		{"a smaller guess keeps the total", 2994, 512, 2959, 2994},
		{"shrinking further still keeps it", 2994, 2816, 2829, 2994},
		{"a larger guess raises it", 2994, 1024, 3100, 3100},
		{"never below the rows read", 2994, 3072, 2900, 3072},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := steadyTotal(tt.prev, tt.rows, tt.guess); got != tt.want {
				t.Errorf("steadyTotal(%d, %d, %d) = %d, want %d", tt.prev, tt.rows, tt.guess, got, tt.want)
			}
		})
	}
}
