// Package source reads a spreadsheet (CSV or XLSX) as a stream of raw rows, each with
// the row number the spreadsheet shows, without holding the whole file in memory.
package source

import (
	"strconv"

	"userimport/fileformat"
)

// Row is one non-blank row of the file.
type Row struct {
	// Num is the row number as Excel shows it: 1 for the first line, counting blank rows
	// and counting a quoted cell with line breaks as one row.
	Num int
	// Cells are the row's values, cleaned of BOMs, zero-width and non-breaking spaces
	// (a non-breaking space becomes a plain one) but not trimmed. Trailing empty cells
	// may be missing. The caller owns the slice.
	Cells []string
	// NoValue lists the 0-based columns of XLSX formula cells that have no cached
	// value (the file was written by a program that does not compute formulas):
	// their Cells entry is empty, but it is not a blank the person typed, so the
	// caller should report it rather than import an empty value. Nil for CSV.
	NoValue []int `json:",omitempty"`
	// Rounded lists the 0-based columns of XLSX numbers with more than 15 significant
	// digits: Excel has already replaced the digits after the 15th with zeros, so an
	// id or a card number in such a cell is wrong and the caller should say so. Nil
	// for CSV.
	Rounded []int `json:",omitempty"`
}

// Info says how the file was read. It is defined in fileformat, below both this
// package and reports, so that reports can read it without importing the reader.
type Info = fileformat.Info

// Options choose how to read a file; zero values mean "detect".
type Options struct {
	Sheet     string // xlsx: sheet name or 1-based number; default the first visible sheet
	Delimiter string // csv: ",", ";", "tab", "\t" or "|"
	Encoding  string // csv: "utf-8", "cp1251", "windows-1251", "utf-16", "koi8-r", "cp866", ...
	// MaxCellBytes caps one cell's length; a longer cell is a file error. 0 means the
	// default (DefaultMaxCellBytes).
	MaxCellBytes int
	// MaxRows caps the number of rows read; more is a file error. 0 means no cap.
	MaxRows int
}

// DefaultMaxCellBytes is generous for any real cell (Excel itself stops at 32,767
// characters) and small enough that a hostile file cannot make one cell eat memory.
const DefaultMaxCellBytes = 64 << 10

// Reader yields rows in file order. It is not safe for concurrent use.
type Reader interface {
	// Next returns the next non-blank row, or io.EOF after the last one. Any other
	// error ends the reading: a file-level problem (*FileError), or the error of the
	// context given to OpenContext once it is done.
	Next() (Row, error)
	// Info says how the file is being read.
	Info() Info
	// Close releases the file and any temporary files.
	Close() error
}

// FileError is a problem with the file as a whole: it cannot be opened, is not a
// spreadsheet, is damaged. The command line prints it as one line and exits 2.
type FileError struct {
	Path string
	Line int    // the line or row where the problem is, 0 if none
	Msg  string // what is wrong and what to do, for a person
	Err  error
}

func (e *FileError) Error() string {
	s := e.Path + ": "
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	s += e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FileError) Unwrap() error { return e.Err }
