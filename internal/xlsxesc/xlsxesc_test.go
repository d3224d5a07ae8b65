package xlsxesc

import "testing"

func TestAt(t *testing.T) {
	for _, tc := range []struct {
		s    string
		i    int
		want bool
	}{
		{"_x0008_", 0, true},
		{"a_x005F_b", 1, true},
		{"a_x005f_b", 1, true},
		{"_xABCD_", 0, true},
		{"a_x005F_b", 0, false},
		{"_x00G8_", 0, false},
		{"_X0008_", 0, false},
		{"_x0008", 0, false},
		{"_x0008-", 0, false},
		{"", 0, false},
	} {
		if got := At(tc.s, tc.i); got != tc.want {
			t.Errorf("At(%q, %d) = %v, want %v", tc.s, tc.i, got, tc.want)
		}
		if got := At([]byte(tc.s), tc.i); got != tc.want {
			t.Errorf("At([]byte(%q), %d) = %v, want %v", tc.s, tc.i, got, tc.want)
		}
	}
}
