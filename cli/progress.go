package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"userimport/importer"
	"userimport/lang"
)

// How often progress is shown. Five frames a second look live without costing the
// terminal anything; a plain line every five seconds says the run is alive without
// burying the rest of a log file.
const (
	barEvery   = 200 * time.Millisecond
	plainEvery = 5 * time.Second
	// rateWindow is how far back rows per second are measured: long enough to smooth
	// out a burst of invalid rows, short enough to follow a platform slowing down.
	rateWindow = 10 * time.Second
	// barCells is the width of the graphic part of the bar: half on terminals narrower
	// than wideTerminal, so that 80 columns hold the bar and the counts.
	barCells     = 20
	wideTerminal = 120
)

// meter turns an importer.Progress into words: rows done of total, rows per second,
// the rate in force, the time left and the running counts. It is only called from one
// printer goroutine at a time.
type meter struct {
	p       *importer.Progress
	rate    func() float64 // the rate in force: p.Rate, which only the importer sets
	lang    lang.Lang
	dryRun  bool // validate and plan: no created/updated/failed to show
	now     func() time.Time
	samples []sample
}

type sample struct {
	at   time.Time
	done int64
}

func newMeter(p *importer.Progress, l lang.Lang, dryRun bool, now func() time.Time) *meter {
	m := &meter{p: p, rate: p.Rate, lang: l, dryRun: dryRun, now: now}
	m.samples = append(m.samples, sample{now(), 0})
	return m
}

// status is a snapshot of the numbers a printer shows.
type status struct {
	done, total                                  int64
	perSecond                                    float64 // rows finished per second lately
	limit                                        float64 // requests per second allowed; 0: none
	eta                                          time.Duration
	created, updated, unchanged, failed, invalid int64
}

// read takes a snapshot and records it for the rows-per-second window.
func (m *meter) read() status {
	now := m.now()
	s := status{
		done:      m.p.Done.Load(),
		total:     m.p.Total.Load(),
		limit:     m.rate(),
		created:   m.p.Created.Load(),
		updated:   m.p.Updated.Load(),
		unchanged: m.p.Unchanged.Load(),
		failed:    m.p.Failed.Load(),
		invalid:   m.p.Invalid.Load(),
	}
	if s.total > 0 {
		// The importer keeps its estimate at or above the rows done; this holds the
		// line to it whatever the estimate (issue 17).
		s.total = max(s.total, s.done)
	}
	m.samples = append(m.samples, sample{now, s.done})
	for len(m.samples) > 2 && now.Sub(m.samples[1].at) >= rateWindow {
		m.samples = m.samples[1:]
	}
	first := m.samples[0]
	if dt := now.Sub(first.at).Seconds(); dt > 0 {
		s.perSecond = float64(s.done-first.done) / dt
	}
	if s.total > 0 && s.perSecond > 0 && s.done < s.total {
		s.eta = time.Duration(float64(s.total-s.done) / s.perSecond * float64(time.Second))
	}
	return s
}

// part is a piece of a progress line; a narrow terminal drops the pieces of the highest
// drop rank first, and keeps the order of the rest.
type part struct {
	text string
	drop int
}

// parts are the pieces of a progress line, in the order they are shown.
func (m *meter) parts(s status) []part {
	t := m.lang.Pick
	var out []part
	if s.total > 0 {
		pct := min(100, s.done*100/s.total)
		out = append(out, part{fmt.Sprintf("%d/%d %d%%", s.done, s.total, pct), 0})
	} else {
		out = append(out, part{fmt.Sprintf("%d %s", s.done, m.lang.Plural(int(s.done), "row", "rows", "строка", "строки", "строк")), 0})
	}
	out = append(out, part{fmt.Sprintf(t("%.0f rows/s", "%.0f строк/с"), s.perSecond), 5})
	if s.limit > 0 && !m.dryRun {
		out = append(out, part{fmt.Sprintf(t("limit %.3g/s", "лимит %.3g/с"), s.limit), 6})
	}
	if s.eta > 0 {
		out = append(out, part{t("ETA ", "осталось ") + clock(s.eta), 1})
	}
	invalidRank := 1
	if !m.dryRun {
		invalidRank = 7
		out = append(out,
			part{fmt.Sprintf(t("created %d", "создано %d"), s.created), 2},
			part{fmt.Sprintf(t("updated %d", "обновлено %d"), s.updated), 3},
			part{fmt.Sprintf(t("unchanged %d", "без изменений %d"), s.unchanged), 5},
			part{fmt.Sprintf(t("failed %d", "не удалось %d"), s.failed), 2})
	}
	out = append(out, part{fmt.Sprintf(t("invalid %d", "с ошибками %d"), s.invalid), invalidRank})
	return out
}

// plain is the line a non-terminal gets every plainEvery.
func (m *meter) plain() string {
	var texts []string
	for _, p := range m.parts(m.read()) {
		texts = append(texts, p.text)
	}
	return m.lang.Pick("progress: ", "ход: ") + strings.Join(texts, ", ")
}

// graphicRank is where the drawn bar stands among the parts when room runs out: after
// the counts, before the request limit.
const graphicRank = 4

// frame is the bar for a terminal width columns wide; it never reaches the last
// column, where a terminal would wrap and the next \r could no longer erase it.
func (m *meter) frame(width int) string {
	s := m.read()
	parts := m.parts(s)
	room := width - 1
	graphic := ""
	if s.total > 0 {
		cells := int64(barCells)
		if width < wideTerminal {
			cells /= 2
		}
		full := int(min(s.done, s.total) * cells / s.total)
		graphic = "▕" + strings.Repeat("█", full) + strings.Repeat("░", int(cells)-full) + "▏ "
	}
	render := func() string {
		var texts []string
		for _, p := range parts {
			texts = append(texts, p.text)
		}
		return graphic + strings.Join(texts, " · ")
	}
	for utf8.RuneCountInString(render()) > room {
		worst, at := -1, -1
		for i, p := range parts {
			if i > 0 && p.drop > worst {
				worst, at = p.drop, i
			}
		}
		switch {
		case graphic != "" && graphicRank >= worst:
			graphic = ""
		case at > 0:
			parts = append(parts[:at], parts[at+1:]...)
		default:
			out := []rune(render())
			return string(out[:max(room, 0)])
		}
	}
	return render()
}

// clock renders a duration as a person reads a countdown: 0:42, 12:05, 1:02:03.
func clock(d time.Duration) string {
	sec := int64(d.Round(time.Second) / time.Second)
	h, m, s := sec/3600, sec/60%60, sec%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// bar draws a progress line at the bottom of a terminal and keeps it there: lines
// written through it (the run's notes, logs) are printed above it, whole, and the bar
// is redrawn below. It draws with \r and spaces only, no escape sequences, so a
// Windows console without VT processing shows it as well as any terminal. Safe for
// concurrent use.
type bar struct {
	mu      sync.Mutex
	out     io.Writer
	width   func() int
	m       *meter
	drawn   int    // columns the bar takes on screen now; 0 when erased
	pending []byte // the start of a line not yet ended by \n
	running bool   // between start and stop: lines written are followed by the bar
	quit    chan struct{}
	done    chan struct{}
}

// newBar makes a bar that passes lines straight through until start.
func newBar(out io.Writer, width func() int, m *meter) *bar {
	return &bar{out: out, width: width, m: m}
}

// start draws the first frame and redraws every barEvery until stop. A bar is started
// once.
func (b *bar) start() {
	b.mu.Lock()
	b.running = true
	b.quit, b.done = make(chan struct{}), make(chan struct{})
	b.draw()
	b.mu.Unlock()
	go func() {
		defer close(b.done)
		t := time.NewTicker(barEvery)
		defer t.Stop()
		for {
			select {
			case <-b.quit:
				return
			case <-t.C:
				b.mu.Lock()
				b.erase()
				b.draw()
				b.mu.Unlock()
			}
		}
	}()
}

// Write prints whole lines above the bar; a line without its \n yet waits for it.
func (b *bar) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = append(b.pending, p...)
	i := bytes.LastIndexByte(b.pending, '\n')
	if i < 0 {
		return len(p), nil
	}
	b.erase()
	_, err := b.out.Write(b.pending[:i+1])
	b.pending = append(b.pending[:0], b.pending[i+1:]...)
	if b.running {
		b.draw()
	}
	return len(p), err
}

// stop erases the bar for good and prints a line left unfinished; lines written after
// it go straight through. It blocks until the drawing goroutine has ended, and does
// nothing more the second time.
func (b *bar) stop() {
	b.mu.Lock()
	running := b.running
	b.running = false
	b.mu.Unlock()
	if running {
		close(b.quit)
		<-b.done
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.erase()
	if len(b.pending) > 0 {
		b.out.Write(append(b.pending, '\n'))
		b.pending = nil
	}
}

func (b *bar) draw() {
	f := b.m.frame(b.width())
	io.WriteString(b.out, "\r"+f)
	b.drawn = utf8.RuneCountInString(f)
}

func (b *bar) erase() {
	if b.drawn == 0 {
		return
	}
	io.WriteString(b.out, "\r"+strings.Repeat(" ", b.drawn)+"\r")
	b.drawn = 0
}

// ticker writes the plain progress line to out every interval until stop: what a log
// file or a pipe gets instead of a bar.
type ticker struct {
	out  io.Writer
	m    *meter
	quit chan struct{}
	done chan struct{}
}

func startTicker(out io.Writer, m *meter, every time.Duration) *ticker {
	t := &ticker{out: out, m: m, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(t.done)
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-t.quit:
				return
			case <-tk.C:
				fmt.Fprintln(t.out, t.m.plain())
			}
		}
	}()
	return t
}

// stop ends the lines; it blocks until the last one is written.
func (t *ticker) stop() {
	close(t.quit)
	<-t.done
}
