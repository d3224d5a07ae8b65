package editdist

import (
	"testing"
	"unicode/utf8"
)

func TestDistanceBothWays(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"valdate", "validate", 1},
		{"concurency", "concurrency", 1},
		{"почта", "почто", 1},
		{"kitten", "sitting", 3},
		{"ФИО", "фио", 3},
	} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Distance(tt.b, tt.a); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"concurency", "concurrency", 1}, {"почта", "пчта", 1},
		{"kitten", "sitting", 3}, {"colaborator", "collaborator", 1},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// FuzzDistance: the distance is symmetric, zero only for equal strings, and at most
// the longer length.
func FuzzDistance(f *testing.F) {
	f.Add("Эл. почта", "Эл. пчта")
	f.Add("concurency", "concurrency")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 200 || len(b) > 200 {
			return
		}
		d := Distance(a, b)
		if d != Distance(b, a) {
			t.Fatalf("not symmetric for %q %q", a, b)
		}
		if (d == 0) != (string([]rune(a)) == string([]rune(b))) {
			t.Fatalf("Distance(%q, %q) = %d", a, b, d)
		}
		if d > max(utf8.RuneCountInString(a), utf8.RuneCountInString(b)) {
			t.Fatalf("Distance(%q, %q) = %d, longer than both", a, b, d)
		}
	})
}
