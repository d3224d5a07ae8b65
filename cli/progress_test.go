package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"userimport/importer"
	"userimport/lang"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMeterFrame(t *testing.T) {
	tests := []struct {
		name   string
		total  int64
		done   int64
		dryRun bool
		lang   lang.Lang
		width  int
		want   []string // substrings
		absent []string
	}{
		{"known total", 1000, 250, false, lang.English, 200,
			[]string{"▕█████░░░░░░░░░░░░░░░▏", "250/1000 25%", "25 rows/s", "limit 5/s", "ETA 0:30", "created 200", "updated 40", "unchanged 7", "failed 10"}, nil},
		{"unknown total", 0, 250, false, lang.English, 200,
			[]string{"250 rows", "25 rows/s", "created 200"}, []string{"ETA", "▕", "%"}},
		{"validate", 1000, 250, true, lang.English, 200,
			[]string{"250/1000", "invalid 3"}, []string{"created", "limit"}},
		{"russian", 1000, 250, false, lang.Russian, 200,
			[]string{"250/1000 25%", "25 строк/с", "лимит 5/с", "осталось 0:30", "создано 200", "без изменений 7", "не удалось 10"}, nil},
		{"80 columns keep the bar and the counts", 1000, 250, false, lang.English, 80,
			[]string{"▕", "250/1000 25%", "ETA 0:30", "created 200", "failed 10"}, []string{"limit"}},
		{"narrow drops the graphic", 1000, 250, false, lang.English, 60,
			[]string{"250/1000 25%", "ETA"}, []string{"▕"}},
		{"very narrow", 1000, 250, false, lang.English, 12,
			nil, nil},
		{"a total below the rows done is not shown", 200, 250, false, lang.English, 200,
			[]string{"250/250 100%"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(0, 0)}
			p := &importer.Progress{}
			p.Total.Store(tt.total)
			m := newMeter(p, tt.lang, tt.dryRun, clock.now)
			clock.add(10 * time.Second)
			p.Done.Store(tt.done)
			p.Created.Store(200)
			p.Updated.Store(40)
			p.Unchanged.Store(7)
			p.Failed.Store(10)
			p.Invalid.Store(3)
			m.rate = func() float64 { return 5 }
			got := m.frame(tt.width)
			if n := utf8.RuneCountInString(got); n >= tt.width {
				t.Errorf("frame is %d columns on a %d-column terminal: %q", n, tt.width, got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("frame %q lacks %q", got, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(got, a) {
					t.Errorf("frame %q has %q", got, a)
				}
			}
		})
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00"}, {42 * time.Second, "0:42"}, {12*time.Minute + 5*time.Second, "12:05"}, {time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
	}
	for _, tt := range tests {
		if got := clock(tt.d); got != tt.want {
			t.Errorf("clock(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestBarKeepsLinesWhole writes log lines in pieces while the bar redraws, and checks
// that every line comes out whole, above the bar, and that the bar is erased at the end.
func TestBarKeepsLinesWhole(t *testing.T) {
	var out bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) })
	p := &importer.Progress{}
	p.Total.Store(100)
	b := newBar(w, func() int { return 80 }, newMeter(p, lang.English, false, time.Now))
	b.Write([]byte("before the bar\n"))
	b.start()
	// Whole lines from several goroutines, then one writer's lines in pieces, all while
	// the bar redraws.
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			for range 50 {
				p.Done.Add(1)
				b.Write([]byte("line " + strings.Repeat("x", i+1) + "\n"))
			}
		})
	}
	wg.Wait()
	for range 50 {
		b.Write([]byte("line "))
		time.Sleep(time.Millisecond)
		b.Write([]byte("\n"))
	}
	b.Write([]byte("unfinished"))
	b.stop()
	b.stop() // a second stop does nothing
	screen := emulate(out.String())
	if len(screen) == 0 || screen[0] != "before the bar" {
		t.Fatalf("screen starts %q", screen)
	}
	lines := 0
	for _, l := range screen[1:] {
		switch {
		case l == "":
		case l == "unfinished":
		case l == "line" || strings.HasPrefix(l, "line "):
			lines++
			if strings.Trim(strings.TrimPrefix(l, "line"), " x") != "" {
				t.Errorf("garbled line %q", l)
			}
		default:
			t.Errorf("unexpected line on the screen %q", l)
		}
	}
	// Pieces of different goroutines may pair up, but no line may be lost or merged.
	if lines != 200 {
		t.Errorf("%d whole lines on the screen, want 200", lines)
	}
	if !strings.Contains(out.String(), "▕") {
		t.Errorf("the bar was never drawn")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// emulate plays terminal output onto a screen: \r returns to the start of the line,
// \n goes to the next line, characters overwrite what is under them; colour escapes are
// skipped. It returns the lines with trailing spaces trimmed.
func emulate(s string) []string {
	var screen [][]rune
	row, col := 0, 0
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		for len(screen) <= row {
			screen = append(screen, nil)
		}
		switch r {
		case '\r':
			col = 0
		case '\n':
			row++
			col = 0
		case '\x1b':
			for i++; i < len(rs) && !(rs[i] >= 'A' && rs[i] <= 'Z' || rs[i] >= 'a' && rs[i] <= 'z'); i++ {
			}
		default:
			line := screen[row]
			for len(line) <= col {
				line = append(line, ' ')
			}
			line[col] = r
			screen[row] = line
			col++
		}
	}
	var out []string
	for _, l := range screen {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func TestTickerWritesPlainLines(t *testing.T) {
	var out lockedWriter
	var buf bytes.Buffer
	out.w = &buf
	p := &importer.Progress{}
	p.Done.Store(7)
	tk := startTicker(&out, newMeter(p, lang.English, true, time.Now), 10*time.Millisecond)
	time.Sleep(60 * time.Millisecond)
	tk.stop()
	out.mu.Lock()
	got := buf.String()
	out.mu.Unlock()
	if !strings.HasPrefix(got, "progress: 7 rows, ") || strings.ContainsAny(got, "\r\x1b") {
		t.Errorf("plain lines = %q", got)
	}
}
