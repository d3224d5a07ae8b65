// Package fileformat says how a spreadsheet was read: CSV or XLSX, its encoding,
// delimiter and sheet. The reader (source) fills it in; the reports read it to write
// the failed file and the annotated copy back in the input's own format, and to tell
// it in summary.json. It sits below both, so that reports does not import the reader.
package fileformat

// Info says how the file was read.
type Info struct {
	Format    string   `json:"format"`              // "csv" or "xlsx"
	Encoding  string   `json:"encoding,omitempty"`  // csv: "utf-8", "utf-8-bom", "utf-16le", "windows-1251", ...
	Delimiter string   `json:"delimiter,omitempty"` // csv: ",", ";", "\t" or "|"
	Sheet     string   `json:"sheet,omitempty"`     // xlsx: the sheet read
	Sheets    []string `json:"sheets,omitempty"`    // xlsx: all sheets in the workbook
	// LastRow is the number of the sheet's last row as its dimension says, for
	// progress; 0 when unknown (CSV, or a sheet without a dimension). It is a hint,
	// not a promise: the sheet may end sooner (A1:XFD1048576 over three rows).
	LastRow int `json:"last_row,omitempty"`
}
