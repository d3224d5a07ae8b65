package reports

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"userimport/fileformat"
)

// csvFile writes a CSV report in the input's own dialect: its encoding (with the same
// byte-order mark), its delimiter, so that Excel opens the report the way it opened
// the input and the tool reads it back the same way. Every cell is neutralized.
type csvFile struct {
	name string
	f    *os.File
	bw   *bufio.Writer
	tw   io.WriteCloser // the encoder, nil for UTF-8
	cw   *csvWriter
	rec  []string
}

// csvEncoding maps fileformat.Info.Encoding to the encoder that writes it back and the
// byte-order mark to put first. Unknown names fall back to the WHATWG index the
// source reader also accepts, and then to UTF-8, which loses nothing.
func csvEncoding(name string) (bom []byte, enc encoding.Encoding) {
	switch strings.ToLower(name) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "utf-8-bom":
		return []byte{0xEF, 0xBB, 0xBF}, nil
	case "utf-16le", "utf-16":
		// The encoder writes the BOM itself: Excel's "Unicode text" has one, and the
		// source reader detects UTF-16 by it.
		return nil, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case "utf-16be":
		return nil, unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	case "windows-1251":
		return nil, charmap.Windows1251
	case "koi8-r":
		return nil, charmap.KOI8R
	case "cp866", "ibm866":
		return nil, charmap.CodePage866
	}
	if e, err := htmlindex.Get(name); err == nil {
		if canon, _ := htmlindex.Name(e); canon != "utf-8" {
			return nil, e
		}
	}
	return nil, nil
}

// csvDelimiter is the input's delimiter (the source reader knows four), or a comma
// for XLSX input.
func csvDelimiter(info fileformat.Info) byte {
	switch info.Delimiter {
	case ";", "\t", "|":
		return info.Delimiter[0]
	}
	return ','
}

// createCSV creates dir/name as an owner-only CSV in info's dialect.
func createCSV(dir, name string, info fileformat.Info) (*csvFile, error) {
	f, err := Create(dir, name)
	if err != nil {
		return nil, err
	}
	c := &csvFile{name: name, f: f, bw: bufio.NewWriterSize(f, 64<<10)}
	bom, enc := csvEncoding(info.Encoding)
	var w io.Writer = c.bw
	if bom != nil {
		c.bw.Write(bom)
	}
	if enc != nil {
		// A character the code page lacks (an emoji in a message) becomes the code
		// page's substitute rather than failing the whole report.
		c.tw = transform.NewWriter(c.bw, encoding.ReplaceUnsupported(enc.NewEncoder()))
		w = c.tw
	}
	// Line feeds, not CRLF: encoding/csv's CRLF mode rewrites line breaks inside
	// cells, and a report must give back the cells byte for byte. Excel reads both.
	c.cw = newCSVWriter(w, csvDelimiter(info))
	return c, nil
}

// write writes one record, neutralizing every cell.
func (c *csvFile) write(cells ...[]string) error {
	c.rec = c.rec[:0]
	for _, part := range cells {
		for _, s := range part {
			c.rec = append(c.rec, Neutralize(s))
		}
	}
	if err := c.cw.Write(c.rec); err != nil {
		return fmt.Errorf("write %s: %w", c.name, err)
	}
	return nil
}

// blank writes an empty line, which keeps the row numbers of the input.
func (c *csvFile) blank() error {
	if err := c.cw.Write(nil); err != nil {
		return fmt.Errorf("write %s: %w", c.name, err)
	}
	return nil
}

// close flushes and closes the file; it reports the first error.
func (c *csvFile) close() error {
	if c.f == nil {
		return nil
	}
	c.cw.Flush()
	err := c.cw.Error()
	if c.tw != nil {
		if e := c.tw.Close(); err == nil {
			err = e
		}
	}
	if e := c.bw.Flush(); err == nil {
		err = e
	}
	if e := c.f.Close(); err == nil {
		err = e
	}
	c.f = nil
	if err != nil {
		return fmt.Errorf("write %s: %w", c.name, err)
	}
	return nil
}
