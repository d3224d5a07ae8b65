package source

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The hostile workbooks of issue 14: small files that unpack to something the reader
// must refuse or stream. Each is written part by part through the zip writer, so even
// the full-size ones (hundreds of megabytes unpacked) are made in seconds and a
// megabyte or two on disk; the tests make small ones, TestMeasureHostile the full
// ones.

// hostileKinds are the kinds writeHostile knows, with the size of the full-size file
// that TestMeasureHostile measures.
var hostileKinds = map[string]int{
	"attr":    900_000_000, // an attribute of n bytes after the sheet data
	"sst":     150_000_000, // n empty shared strings
	"widerow": 20_000_000,  // one row of n cells without r=
	"styles":  12_000_000,  // n cell formats
	"runs":    15_000,      // one inline string of n runs of 60,000 bytes
	"sheets":  1_500_000,   // a workbook listing n sheets
	"zipdir":  1_000_000,   // a ZIP listing n empty parts
}

const (
	xmlHead  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	mainNS   = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	smallRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>Фамилия</t></is></c><c r="B1" t="inlineStr"><is><t>Имя</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Иванов</t></is></c><c r="B2" t="inlineStr"><is><t>Иван</t></is></c></row>`
)

// repeatTo writes s n times to w, in large writes.
func repeatTo(w io.Writer, s string, n int) error {
	chunk := strings.Repeat(s, max(1, (1<<20)/max(1, len(s))))
	per := len(chunk) / len(s)
	for n > 0 {
		k := min(n, per)
		if _, err := io.WriteString(w, chunk[:k*len(s)]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// writeHostile writes a workbook of the given kind and size to path.
func writeHostile(path, kind string, n int) error {
	sheet := func(w io.Writer) error {
		_, err := io.WriteString(w, xmlHead+`<worksheet `+mainNS+`><dimension ref="A1:B2"/><sheetData>`+smallRow+`</sheetData></worksheet>`)
		return err
	}
	var sst, styles func(io.Writer) error
	workbook := ""
	switch kind {
	case "runs":
		sheet = func(w io.Writer) error {
			if _, err := io.WriteString(w, xmlHead+`<worksheet `+mainNS+`><sheetData><row r="1"><c r="A1" t="inlineStr"><is>`); err != nil {
				return err
			}
			if err := repeatTo(w, "<r><t>"+strings.Repeat("я", 30_000)+"</t></r>", n); err != nil {
				return err
			}
			_, err := io.WriteString(w, `</is></c></row></sheetData></worksheet>`)
			return err
		}
	case "sheets":
		workbook = xmlHead + `<workbook ` + mainNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			strings.Repeat(`<sheet name="Лист" sheetId="1" r:id="rId1"/>`, n) + `</sheets></workbook>`
	case "zipdir":
		return writeZIPDir(path, n)
	case "attr":
		sheet = func(w io.Writer) error {
			if _, err := io.WriteString(w, xmlHead+`<worksheet `+mainNS+`><dimension ref="A1:B2"/><sheetData>`+smallRow+`</sheetData><ignoredErrors x="`); err != nil {
				return err
			}
			if err := repeatTo(w, "x", n); err != nil {
				return err
			}
			_, err := io.WriteString(w, `"/><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`)
			return err
		}
	case "sst":
		sst = func(w io.Writer) error {
			if _, err := io.WriteString(w, xmlHead+`<sst `+mainNS+` count="`+strconv.Itoa(n)+`">`); err != nil {
				return err
			}
			if err := repeatTo(w, "<si/>", n); err != nil {
				return err
			}
			_, err := io.WriteString(w, `</sst>`)
			return err
		}
	case "widerow":
		sheet = func(w io.Writer) error {
			if _, err := io.WriteString(w, xmlHead+`<worksheet `+mainNS+`><sheetData><row>`); err != nil {
				return err
			}
			if err := repeatTo(w, "<c><v>1</v></c>", n); err != nil {
				return err
			}
			_, err := io.WriteString(w, `</row></sheetData></worksheet>`)
			return err
		}
	case "styles":
		styles = func(w io.Writer) error {
			if _, err := io.WriteString(w, xmlHead+`<styleSheet `+mainNS+`><cellXfs count="`+strconv.Itoa(n)+`">`); err != nil {
				return err
			}
			if err := repeatTo(w, "<xf/>", n); err != nil {
				return err
			}
			_, err := io.WriteString(w, `</cellXfs></styleSheet>`)
			return err
		}
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	return writeParts(path, workbook, sheet, sst, styles)
}

// writeZIPDir writes a ZIP of a workbook part and n empty stored entries.
func writeZIPDir(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	if _, err := zw.Create("xl/workbook.xml"); err != nil {
		return err
	}
	for range n {
		if _, err := zw.CreateRaw(&zip.FileHeader{Name: "x", Method: zip.Store}); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// writeParts writes a one-sheet workbook; workbook ("" for the usual one), sst and
// styles may be nil.
func writeParts(path, workbook string, sheet, sst, styles func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	part := func(name string, body func(io.Writer) error) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		return body(w)
	}
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	if styles != nil {
		rels += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	}
	if workbook == "" {
		workbook = xmlHead + `<workbook ` + mainNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	}
	steps := []struct {
		name string
		body func(io.Writer) error
	}{
		{"[Content_Types].xml", text(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)},
		{"xl/workbook.xml", text(workbook)},
		{"xl/_rels/workbook.xml.rels", text(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`)},
		{"xl/worksheets/sheet1.xml", sheet},
	}
	if sst != nil {
		steps = append(steps, struct {
			name string
			body func(io.Writer) error
		}{"xl/sharedStrings.xml", sst})
	}
	if styles != nil {
		steps = append(steps, struct {
			name string
			body func(io.Writer) error
		}{"xl/styles.xml", styles})
	}
	for _, s := range steps {
		if err := part(s.name, s.body); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// TestMeasureHostile makes (if missing) and then reads the full-size hostile workbook
// named by USERIMPORT_MEASURE_HOSTILE=kind:path, so that its peak memory and time can
// be measured from outside:
//
//	go test -c -o /tmp/source.test ./source
//	USERIMPORT_MEASURE_HOSTILE=attr:/tmp/attr.xlsx /tmp/source.test -test.run TestMeasureHostile -test.v   # makes it
//	USERIMPORT_MEASURE_HOSTILE=attr:/tmp/attr.xlsx /usr/bin/time -v /tmp/source.test -test.run TestMeasureHostile -test.v
func TestMeasureHostile(t *testing.T) {
	spec := os.Getenv("USERIMPORT_MEASURE_HOSTILE")
	if spec == "" {
		t.Skip("set USERIMPORT_MEASURE_HOSTILE=kind:path to measure")
	}
	kind, path, _ := strings.Cut(spec, ":")
	if _, err := os.Stat(path); err != nil {
		if err := writeHostile(path, kind, hostileKinds[kind]); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(path)
		t.Logf("wrote %s: %d bytes", path, fi.Size())
		return
	}
	start := time.Now()
	g := readAll(t, path, Options{})
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%s: %d rows, error %q, %v, heap sys %d MiB", kind, len(g.Rows), g.Error, time.Since(start), ms.HeapSys>>20)
}
