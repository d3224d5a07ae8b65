// Command gendata writes messy staff spreadsheets for benchmarks and tests, and the
// project's sample files. The data come from package people and depend only on the
// seed, so a file can always be made again instead of being kept.
//
// Usage:
//
//	go run ./bench/gendata -rows 1000000 -seed 1 -errors 0.03 -o /tmp/staff.csv -expected /tmp/staff.expected.json
//	go run ./bench/gendata -rows 100000 -format xlsx -o /tmp/staff.xlsx
//	go run ./bench/gendata -staff testdata
//
// The expected file lists every deliberate problem as
// {"errors":[{"row":N,"field":"email","code":"email_invalid"}],"warnings":[...]}, with
// row the spreadsheet's row number (the header is row 1); a duplicate also names the
// earlier row it repeats ("of"). Every row not listed is valid.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"userimport/internal/people"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// The exit codes: 0 written, 1 the files could not be written, 2 bad usage.
const (
	exitOK    = 0
	exitWrite = 1
	exitUsage = 2
)

// options are the parsed command line.
type options struct {
	rows     int
	seed     uint64
	errors   float64
	format   string
	out      string
	expected string
	bom      bool
	staff    string
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("gendata", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.rows, "rows", 1000, "number of people (rows after the header)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed; the same seed gives the same file")
	fs.Float64Var(&o.errors, "errors", 0.03, "share of rows with one deliberate error, 0 to 1")
	fs.StringVar(&o.format, "format", "", "csv or xlsx (default: from the -o file's extension)")
	fs.StringVar(&o.out, "o", "", "the file to write")
	fs.StringVar(&o.expected, "expected", "", "also write the deliberate problems to this JSON file")
	fs.BoolVar(&o.bom, "bom", false, "csv: start with a UTF-8 BOM and end lines with CRLF, as Excel's \"CSV UTF-8\"")
	fs.StringVar(&o.staff, "staff", "", "(re)write the sample files staff.csv, staff.xlsx and staff.expected.json into this folder instead")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gendata -rows N -seed S -errors 0.03 -format csv|xlsx -o FILE [-expected FILE.json]\n       gendata -staff DIR\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.staff != "" {
		return o, nil
	}
	if o.out == "" {
		return o, errors.New("-o FILE is required (or -staff DIR)")
	}
	if o.format == "" {
		o.format = strings.TrimPrefix(strings.ToLower(filepath.Ext(o.out)), ".")
	}
	if o.format != "csv" && o.format != "xlsx" {
		return o, fmt.Errorf("format %q: use -format csv or -format xlsx", o.format)
	}
	if o.rows < 0 || o.rows > 1_048_575 && o.format == "xlsx" {
		return o, fmt.Errorf("-rows %d: give 0 or more, and at most 1048575 for xlsx", o.rows)
	}
	if o.errors < 0 || o.errors > 1 {
		return o, fmt.Errorf("-errors %v: give a share from 0 to 1", o.errors)
	}
	return o, nil
}

func run(args []string, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "gendata: %v\n", err)
		return exitUsage
	}
	start := time.Now()
	if o.staff != "" {
		if err := writeStaff(o.staff); err != nil {
			fmt.Fprintf(stderr, "gendata: %v\n", err)
			return exitWrite
		}
		fmt.Fprintf(stderr, "gendata: wrote the sample files to %s\n", o.staff)
		return exitOK
	}
	exp, err := generate(o)
	if err != nil {
		fmt.Fprintf(stderr, "gendata: %v\n", err)
		return exitWrite
	}
	fmt.Fprintf(stderr, "gendata: wrote %d rows to %s in %v: %d errors, %d warnings\n",
		o.rows, o.out, time.Since(start).Round(time.Millisecond), len(exp.Errors), len(exp.Warnings))
	return exitOK
}

func generate(o options) (people.Expected, error) {
	rows := people.Rows(o.seed, o.rows, people.Mess{ErrorRate: o.errors})
	var exp people.Expected
	err := writeFile(o.out, func(w io.Writer) error {
		var err error
		if o.format == "xlsx" {
			exp, err = people.WriteXLSX(w, rows)
		} else {
			exp, err = people.WriteCSV(w, rows, people.CSVOptions{BOM: o.bom})
		}
		return err
	})
	if err != nil {
		return exp, err
	}
	if o.expected != "" {
		err = writeFile(o.expected, func(w io.Writer) error {
			_, err := w.Write(marshalExpected(exp))
			return err
		})
	}
	return exp, err
}

// writeStaff writes the project's sample files into dir: the same 50 people as a CSV
// the way Excel's "CSV UTF-8" saves it, as a workbook, and the list of their problems.
func writeStaff(dir string) error {
	rows := people.Staff()
	seq := func(yield func(people.Row) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	}
	var exp people.Expected
	err := writeFile(filepath.Join(dir, "staff.csv"), func(w io.Writer) error {
		var err error
		exp, err = people.WriteCSV(w, seq, people.CSVOptions{BOM: true})
		return err
	})
	if err != nil {
		return err
	}
	err = writeFile(filepath.Join(dir, "staff.xlsx"), func(w io.Writer) error {
		_, err := people.WriteXLSX(w, seq)
		return err
	})
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "staff.expected.json"), func(w io.Writer) error {
		_, err := w.Write(marshalExpected(exp))
		return err
	})
}

// marshalExpected writes one problem per line, so that a diff of two expected files
// reads row by row.
func marshalExpected(e people.Expected) []byte {
	var b bytes.Buffer
	list := func(name string, ps []people.Problem) {
		fmt.Fprintf(&b, "  %q: [", name)
		for i, p := range ps {
			if i > 0 {
				b.WriteByte(',')
			}
			line, _ := json.Marshal(p) // a Problem always marshals
			b.WriteString("\n    ")
			b.Write(line)
		}
		if len(ps) > 0 {
			b.WriteString("\n  ")
		}
		b.WriteByte(']')
	}
	b.WriteString("{\n")
	list("errors", e.Errors)
	b.WriteString(",\n")
	list("warnings", e.Warnings)
	b.WriteString("\n}\n")
	return b.Bytes()
}

// writeFile writes path through a temporary file in the same folder and renames it
// into place, so that a failed run never leaves half a file where a good one was.
func writeFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
