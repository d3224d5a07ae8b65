package cli

import (
	"testing"
	"time"
	"unicode/utf8"

	"userimport/importer"
	"userimport/lang"
)

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
