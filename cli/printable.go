package cli

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"userimport/reports"
)

// printableLines is reports.Printable of each line of s: a message of several lines
// keeps its line breaks, and nothing else in it can act on the terminal.
func printableLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = reports.Printable(l)
	}
	return strings.Join(lines, "\n")
}

// printableWriter passes text on with every line made printable (reports.Printable,
// line breaks kept), so that whatever the importer prints for people about the file or
// the platform, a name or a message quoted, cannot retitle the window or clear the
// screen. A character split between two writes is held until it is whole.
type printableWriter struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte
}

func (p *printableWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	data := b
	if len(p.pending) > 0 {
		data = append(p.pending, b...)
		p.pending = nil
	}
	// Hold back an incomplete UTF-8 sequence at the end (at most 3 bytes).
	keep := 0
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				keep = len(data) - i
			}
			break
		}
	}
	if keep > 0 {
		p.pending = append([]byte(nil), data[len(data)-keep:]...)
		data = data[:len(data)-keep]
	}
	var out bytes.Buffer
	out.Grow(len(data))
	for len(data) > 0 {
		line, rest, nl := bytes.Cut(data, []byte{'\n'})
		out.WriteString(reports.Printable(string(line)))
		if nl {
			out.WriteByte('\n')
		}
		data = rest
	}
	if out.Len() == 0 {
		return len(b), nil
	}
	if _, err := p.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(b), nil
}
