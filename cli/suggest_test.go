package cli

import (
	"testing"
	"time"
	"unicode/utf8"

	"userimport/importer"
	"userimport/lang"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"concurency", "concurrency", 1}, {"почта", "пчта", 1},
		{"kitten", "sitting", 3}, {"colaborator", "collaborator", 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	names := []string{"collaborator", "inskill", "ispring", "cscart"}
	tests := []struct {
		typed, want string
		ok          bool
	}{
		{"colaborator", "collaborator", true}, {"ispirng", "ispring", true}, {"cs", "", false},
		{"csc", "cscart", true}, {"moodle", "", false}, {"inskil", "inskill", true},
	}
	for _, tt := range tests {
		got, ok := nearest(tt.typed, names)
		if got != tt.want || ok != tt.ok {
			t.Errorf("nearest(%q) = %q, %v; want %q, %v", tt.typed, got, ok, tt.want, tt.ok)
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
		d := distance(a, b)
		if d != distance(b, a) {
			t.Fatalf("not symmetric for %q %q", a, b)
		}
		if (d == 0) != (string([]rune(a)) == string([]rune(b))) {
			t.Fatalf("distance(%q, %q) = %d", a, b, d)
		}
		if d > max(utf8.RuneCountInString(a), utf8.RuneCountInString(b)) {
			t.Fatalf("distance(%q, %q) = %d, longer than both", a, b, d)
		}
	})
}

// FuzzFrame: whatever the counts and the width, a frame never reaches the terminal's
// last column.
func FuzzFrame(f *testing.F) {
	f.Add(int64(1000), int64(250), int64(3), 80, false)
	f.Add(int64(0), int64(5), int64(0), 1, true)
	f.Fuzz(func(t *testing.T, total, done, failed int64, width int, dryRun bool) {
		if total < 0 || done < 0 || failed < 0 || width > 1000 {
			return
		}
		p := &importer.Progress{}
		p.Total.Store(total)
		p.Done.Store(done)
		p.Failed.Store(failed)
		clock := time.Unix(0, 0)
		m := newMeter(p, lang.Russian, dryRun, func() time.Time { clock = clock.Add(time.Second); return clock })
		got := m.frame(width)
		if n := utf8.RuneCountInString(got); n > max(width-1, 0) {
			t.Fatalf("frame of %d columns for width %d: %q", n, width, got)
		}
	})
}
