package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// maxTagBytes caps one start or end tag, attributes included. Real tags in a
// worksheet are under a hundred bytes (a <row> with spans and style is the longest);
// a megabyte is room for any producer and stops a hostile tag from filling memory.
const maxTagBytes = 1 << 20

// scanBufSize is the scanner's read size: large enough that refills are rare next to
// the work per tag, small enough to stay in the CPU cache.
const scanBufSize = 64 << 10

var (
	errTagTooLong  = errors.New("an XML tag is longer than 1 MiB")
	errTextTooLong = errors.New("a cell's text is longer than the cell limit")
	errBadXML      = errors.New("malformed XML")
)

// tokKind is what xmlScanner.next found.
type tokKind int

const (
	tokEOF   tokKind = iota
	tokStart         // <name attr="v"> or <name/> (selfClose)
	tokEnd           // </name>
)

// xmlScanner is a minimal pull tokenizer for the SpreadsheetML parts of a workbook
// (sheets and shared strings). encoding/xml allocates every token, name and
// attribute, which made it most of the cost of reading a large sheet; this scanner
// works on a reused buffer and hands out slices of it, valid until the next call.
//
// It knows only what those parts use: elements (with namespace prefixes, which it
// drops), attributes, character data with the five XML entities and numeric
// character references, CDATA sections, comments, processing instructions and a
// DOCTYPE (skipped). It is not a validating parser: it never panics on bad input and
// reports what it cannot read as an error.
type xmlScanner struct {
	r io.Reader
	// ctx, if not nil, is checked before every read: a cancelled scan fails with
	// ctx's error at the next refill, so no loop over the input outlives it by more
	// than one buffer's worth of work.
	ctx context.Context
	buf []byte
	pos int // buf[pos:end] is unread
	end int
	eof bool
	err error // a read error other than io.EOF

	// The last token: name is the local name (prefix dropped), attrs the raw bytes
	// between the name and the closing > or />.
	kind      tokKind
	name      []byte
	attrs     []byte
	selfClose bool
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, scanBufSize)}
}

// newXMLScannerContext is newXMLScanner stopped by ctx (see xmlScanner.ctx).
func newXMLScannerContext(ctx context.Context, r io.Reader) *xmlScanner {
	s := newXMLScanner(r)
	s.ctx = ctx
	return s
}

// fill reads more input, keeping buf[pos:end]; it reports whether anything was read.
func (s *xmlScanner) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.ctx != nil {
		if err := s.ctx.Err(); err != nil {
			s.err = err
			return false
		}
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxTagBytes+scanBufSize {
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.err = err
		}
		if n > 0 || s.eof || s.err != nil {
			return n > 0
		}
	}
}

// skipPast moves past the first occurrence of marker, reading as needed.
func (s *xmlScanner) skipPast(marker []byte) error {
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], marker); i >= 0 {
			s.pos += i + len(marker)
			return nil
		}
		// Keep a marker's length minus one in case it straddles the refill.
		if keep := len(marker) - 1; s.end-s.pos > keep {
			s.pos = s.end - keep
		}
		if !s.fill() {
			return s.failure()
		}
	}
}

// failure is the error to return when the input ends early.
func (s *xmlScanner) failure() error {
	if s.err != nil {
		return s.err
	}
	return io.ErrUnexpectedEOF
}

// next moves to the next start or end tag, skipping character data, comments,
// processing instructions and declarations. At the end of the input it returns
// tokEOF with a nil error.
func (s *xmlScanner) next() (tokKind, error) {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i < 0 {
			s.pos = s.end
			if !s.fill() {
				if s.err != nil {
					return tokEOF, s.err
				}
				s.kind = tokEOF
				return tokEOF, nil
			}
			continue
		}
		s.pos += i
		k, err := s.tag()
		if err != nil || k != tokEOF {
			return k, err
		}
	}
}

// tag reads the markup at s.pos (which is '<'). It returns tokEOF with no error for
// markup that is not an element tag (a comment, say), which the caller skips.
func (s *xmlScanner) tag() (tokKind, error) {
	for s.end-s.pos < 2 {
		if !s.fill() {
			return tokEOF, s.failure()
		}
	}
	switch s.buf[s.pos+1] {
	case '?':
		return tokEOF, s.skipPast([]byte("?>"))
	case '!':
		for s.end-s.pos < 9 {
			if !s.fill() {
				return tokEOF, s.failure()
			}
		}
		rest := s.buf[s.pos:s.end]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			s.pos += 4
			return tokEOF, s.skipPast([]byte("-->"))
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			s.pos += 9
			return tokEOF, s.skipPast([]byte("]]>"))
		}
		return tokEOF, s.skipPast([]byte(">"))
	}
	// Find the closing '>' outside quoted attribute values.
	start := s.pos
	j, quote := start+1, byte(0)
	for {
		for ; j < s.end; j++ {
			c := s.buf[j]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			if c == '"' || c == '\'' {
				quote = c
			} else if c == '>' {
				break
			}
		}
		if j < s.end {
			break
		}
		if j-start > maxTagBytes {
			return tokEOF, errTagTooLong
		}
		off := j - start
		if !s.fill() {
			if s.end-s.pos > maxTagBytes {
				return tokEOF, errTagTooLong
			}
			return tokEOF, s.failure()
		}
		start = s.pos
		j = start + off
	}
	t := s.buf[start+1 : j]
	s.pos = j + 1
	s.kind, s.selfClose = tokStart, false
	if len(t) > 0 && t[0] == '/' {
		s.kind = tokEnd
		t = t[1:]
	} else if len(t) > 0 && t[len(t)-1] == '/' {
		s.selfClose = true
		t = t[:len(t)-1]
	}
	n := 0
	for n < len(t) && !isXMLSpace(t[n]) {
		n++
	}
	if n == 0 {
		return tokEOF, errBadXML
	}
	s.name, s.attrs = t[:n], t[n:]
	if k := bytes.IndexByte(s.name, ':'); k >= 0 {
		s.name = s.name[k+1:]
	}
	return s.kind, nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// is reports whether the current tag's local name is name.
func (s *xmlScanner) is(name string) bool { return string(s.name) == name }

// attr returns the raw value of the current start tag's attribute with local name
// name, and whether it is there. Entities in the value are not decoded: the
// attributes read through it (r, s, t, ref) never contain any.
func (s *xmlScanner) attr(name string) ([]byte, bool) {
	return attrValue(s.attrs, name)
}

// attrText is attr with entities and line ends decoded, as encoding/xml gives an
// attribute's value: for the parts whose attributes carry text (a sheet's name, a
// number format's code, a relationship's target).
func (s *xmlScanner) attrText(name string) (string, bool) {
	v, ok := attrValue(s.attrs, name)
	if !ok {
		return "", false
	}
	return string(appendDecoded(nil, v)), true
}

// attrPrefixed returns the raw value of the current start tag's attribute with a
// namespace prefix and local name name, such as r:id: an attribute without a prefix
// is in no namespace, so it is never the relationships' id.
func (s *xmlScanner) attrPrefixed(name string) ([]byte, bool) {
	return attrValueOf(s.attrs, name, true)
}

func attrValue(a []byte, name string) ([]byte, bool) {
	return attrValueOf(a, name, false)
}

func attrValueOf(a []byte, name string, prefixed bool) ([]byte, bool) {
	i := 0
	for i < len(a) {
		for i < len(a) && isXMLSpace(a[i]) {
			i++
		}
		k := i
		for i < len(a) && a[i] != '=' && !isXMLSpace(a[i]) {
			i++
		}
		key := a[k:i]
		for i < len(a) && isXMLSpace(a[i]) {
			i++
		}
		if i >= len(a) || a[i] != '=' {
			return nil, false
		}
		i++
		for i < len(a) && isXMLSpace(a[i]) {
			i++
		}
		if i >= len(a) || (a[i] != '"' && a[i] != '\'') {
			return nil, false
		}
		q := a[i]
		end := bytes.IndexByte(a[i+1:], q)
		if end < 0 {
			return nil, false
		}
		val := a[i+1 : i+1+end]
		i += end + 2
		c := bytes.IndexByte(key, ':')
		if c >= 0 {
			key = key[c+1:]
		}
		if string(key) == name && (!prefixed || c >= 0) {
			return val, true
		}
	}
	return nil, false
}

// charData reads the character data up to the next tag (which it does not consume)
// into dst, decoding entities, CDATA sections and line ends ("\r\n" and "\r" become
// "\n", as encoding/xml and so excelize do). Comments inside it are skipped. Once dst
// would exceed limit bytes it stops and returns errTextTooLong.
func (s *xmlScanner) charData(dst []byte, limit int) ([]byte, error) {
	for {
		seg := s.buf[s.pos:s.end]
		i := bytes.IndexByte(seg, '<')
		if i < 0 {
			// Keep an incomplete entity or "\r" for after the refill.
			cut := len(seg)
			if k := bytes.LastIndexByte(seg, '&'); k >= 0 && bytes.IndexByte(seg[k:], ';') < 0 && len(seg)-k < 16 {
				cut = k
			} else if cut > 0 && seg[cut-1] == '\r' {
				cut--
			}
			dst = appendDecoded(dst, seg[:cut])
			s.pos += cut
			if len(dst) > limit {
				return dst, errTextTooLong
			}
			if !s.fill() {
				if s.err != nil {
					return dst, s.err
				}
				// The input ended inside text: keep what is left.
				dst = appendDecoded(dst, s.buf[s.pos:s.end])
				s.pos = s.end
				return dst, nil
			}
			continue
		}
		dst = appendDecoded(dst, seg[:i])
		s.pos += i
		if len(dst) > limit {
			return dst, errTextTooLong
		}
		for s.end-s.pos < 9 && s.fill() {
		}
		rest := s.buf[s.pos:s.end]
		switch {
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			s.pos += 9
			for {
				if j := bytes.Index(s.buf[s.pos:s.end], []byte("]]>")); j >= 0 {
					dst = append(dst, s.buf[s.pos:s.pos+j]...)
					s.pos += j + 3
					break
				}
				// Keep two bytes in case "]]>" straddles the refill.
				if n := s.end - s.pos - 2; n > 0 {
					dst = append(dst, s.buf[s.pos:s.pos+n]...)
					s.pos += n
				}
				if len(dst) > limit {
					return dst, errTextTooLong
				}
				if !s.fill() {
					return dst, s.failure()
				}
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			s.pos += 4
			if err := s.skipPast([]byte("-->")); err != nil {
				return dst, err
			}
		default:
			return dst, nil
		}
	}
}

// appendDecoded appends raw character data to dst with entities and line ends
// decoded. An entity it does not know is kept as written.
func appendDecoded(dst, raw []byte) []byte {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return append(dst, raw...)
	}
	for len(raw) > 0 {
		c := raw[0]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		case '&':
			semi := bytes.IndexByte(raw, ';')
			if semi > 1 && semi < 12 {
				if r, ok := entity(raw[1:semi]); ok {
					dst = utf8.AppendRune(dst, r)
					raw = raw[semi+1:]
					continue
				}
			}
		}
		dst = append(dst, c)
		raw = raw[1:]
	}
	return dst
}

// entity decodes the name of an entity reference (without & and ;).
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if name[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if len(name) > 1 && (name[1] == 'x' || name[1] == 'X') {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// skipElement moves past the end of the element whose start tag was just read.
func (s *xmlScanner) skipElement() error {
	if s.selfClose {
		return nil
	}
	depth := 1
	for depth > 0 {
		k, err := s.next()
		if err != nil {
			return err
		}
		switch k {
		case tokEOF:
			return io.ErrUnexpectedEOF
		case tokStart:
			if !s.selfClose {
				depth++
			}
		case tokEnd:
			depth--
		}
	}
	return nil
}
