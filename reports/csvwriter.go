package reports

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// csvWriter writes CSV records byte for byte as encoding/csv's Writer does with
// UseCRLF false (FuzzCSVWriter holds it to that), but builds each record in one
// buffer and hands it on in one call: the reports write every row of the input two or
// three times, and encoding/csv's call per field and per delimiter was a fifth of a
// 1,000,000-row validate. The delimiter must be an ASCII character other than a
// quote or a line break.
type csvWriter struct {
	w     io.Writer
	comma byte
	buf   []byte
	err   error
}

func newCSVWriter(w io.Writer, comma byte) *csvWriter {
	return &csvWriter{w: w, comma: comma}
}

// Write writes one record and a line feed. An empty record is an empty line.
func (c *csvWriter) Write(record []string) error {
	if c.err != nil {
		return c.err
	}
	b := c.buf[:0]
	for i, f := range record {
		if i > 0 {
			b = append(b, c.comma)
		}
		if !c.needsQuotes(f) {
			b = append(b, f...)
			continue
		}
		b = append(b, '"')
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				break
			}
			b = append(b, f[:j+1]...)
			b = append(b, '"')
			f = f[j+1:]
		}
		b = append(b, f...)
		b = append(b, '"')
	}
	b = append(b, '\n')
	c.buf = b
	_, c.err = c.w.Write(b)
	return c.err
}

// needsQuotes is encoding/csv's rule: a field is quoted when it holds the delimiter,
// a quote or a line break, begins with a space (any Unicode space), or is `\.`, which
// PostgreSQL would take for the end of data.
func (c *csvWriter) needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` {
		return true
	}
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '"', '\n', '\r', c.comma:
			return true
		}
	}
	if f[0] < utf8.RuneSelf {
		switch f[0] {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			return true
		}
		return false
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

// Flush is there for encoding/csv's shape: records are handed on as they are
// written, so the caller flushes only its own buffer.
func (c *csvWriter) Flush() {}

// Error returns the first error of the writer underneath.
func (c *csvWriter) Error() error { return c.err }
