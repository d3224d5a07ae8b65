// Package reports writes what a run did: summary.json, results.csv (one line per row,
// in row order), passwords.csv for generated passwords, and the summary people read on
// the terminal. Every file is created owner-only, because reports hold personal data,
// and never through a symbolic link (folder.go). The reports copy the input's cells
// only where a copy is the point, and clip everything they quote (clip.go), so a small
// file cannot make them large.
package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"userimport/fileformat"
	"userimport/lang"
	"userimport/outcome"
	"userimport/validate"
)

// Status is what became of one row; results.csv spells it.
type Status string

const (
	Valid     Status = "valid" // validate only: the row would be sent
	Created   Status = "created"
	Updated   Status = "updated"
	Unchanged Status = "unchanged"
	Invalid   Status = "invalid"
	Failed    Status = "failed"
	Skipped   Status = "skipped"
)

// Row is the outcome of one spreadsheet row.
type Row struct {
	Num      int    // the row number the spreadsheet shows
	Key      string // the identity key's normalized value
	Status   Status
	TargetID string
	Issues   []validate.Issue // validation errors and warnings
	// FailCode and Failure say why the platform refused or could not take the row.
	FailCode  string
	Failure   string
	Blocked   bool
	Unblocked bool
	// Changes are, for a plan's "updated" row, the fields an import would change.
	Changes []outcome.Change
	// Cells are the raw cells as read, for reports that copy the input.
	Cells []string
	// User is the normalized user, for generated passwords; nil for invalid rows.
	User *validate.User
	// Origin is the row of the original file this row came from, "5 (staff.xlsx)",
	// when the input is itself a failed file; "" means the row is its own origin.
	Origin string
}

// Summary is summary.json, and what --json prints. Its fields and their meaning are
// part of the contract in docs/contract.md.
type Summary struct {
	// Command is the command that made the summary: validate, plan or import.
	Command   string `json:"command,omitempty"`
	Target    string `json:"target"`
	Mode      string `json:"mode"`
	DryRun    bool   `json:"dry_run"`
	Input     string `json:"input"`
	Rows      int    `json:"rows"`
	Valid     int    `json:"valid"`
	Invalid   int    `json:"invalid"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Failed    int    `json:"failed"`
	Skipped   int    `json:"skipped"`
	Blocked   int    `json:"blocked"`
	Unblocked int    `json:"unblocked"`
	Warnings  int    `json:"warnings"`
	ElapsedMS int64  `json:"elapsed_ms"`
	// Rate is the request rate in force at the end of an import (requests per
	// second), after any slowing down on 429s; 0 when there was no limit.
	Rate float64 `json:"rate,omitempty"`
	// Retries counts the calls tried again after a 429, 5xx or network error.
	Retries int `json:"retries,omitempty"`
	// Aborted says why the run stopped early, when it did.
	Aborted string `json:"aborted,omitempty"`
	// ReportDir is the folder the reports were written to.
	ReportDir string `json:"report_dir,omitempty"`
	// FailedFile is the name of the file of failed rows this run wrote in ReportDir:
	// failed.xlsx, or failed-2.xlsx when KeptFailed holds failed.xlsx.
	FailedFile string `json:"failed_file,omitempty"`
	// KeptFailed are failed files an earlier run wrote and a person has changed since:
	// no run overwrites them.
	KeptFailed []string `json:"kept_failed,omitempty"`
	// Problems groups errors, then warnings, by field and code, most frequent first
	// (Problem.Severity says which).
	Problems []Problem `json:"problems,omitempty"`
	// Source says how the file was read.
	Source *SourceInfo `json:"source,omitempty"`
}

// Problem counts the rows with one kind of error in one field.
type Problem struct {
	Field string `json:"field"`
	// Column is the header of the field's column in the file, as people know it.
	Column string `json:"column,omitempty"`
	Code   string `json:"code"`
	Rows   int    `json:"rows"`
	// Example is the message of the first such row, in the run's language.
	Example string `json:"example"`
	// FirstRow is the first row with the problem.
	FirstRow int `json:"first_row"`
	// Severity is "error" (the rows were kept out) or "warning" (the rows went on,
	// something may need a decision); Routine marks a warning that is a routine note
	// (see Routine). Both added with issue 17; docs/contract.md.
	Severity string `json:"severity"`
	Routine  bool   `json:"routine,omitempty"`
}

// SourceInfo is how the file was read, for the summary.
type SourceInfo struct {
	fileformat.Info
	HeaderRow int      `json:"header_row"`
	Columns   []Column `json:"columns"`
	// Samples are the first data rows as decoded, so a person can see at a glance
	// whether the encoding and the columns were read right.
	Samples []Sample `json:"samples,omitempty"`
}

// Sample is one data row as read.
type Sample struct {
	Row   int      `json:"row"`
	Cells []string `json:"cells"`
	// Omitted counts the row's last cells left out of Cells to keep the summary small
	// (see clip.go); a cell that is there may be clipped, ending in an ellipsis.
	Omitted int `json:"omitted_cells,omitempty"`
}

// Column is one column of the input and the field it was read as.
type Column struct {
	Index  int    `json:"index"` // 0-based position in the row
	Header string `json:"header"`
	Field  string `json:"field,omitempty"`
	Note   string `json:"note,omitempty"`
}

// WriteSummary writes s as indented JSON to w, with the values that come from the file
// or the platform clipped (see clip.go); s itself is not changed.
func WriteSummary(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(bounded(s))
}

// SaveSummary writes summary.json into dir.
func SaveSummary(dir string, s *Summary) error {
	f, err := Create(dir, "summary.json")
	if err != nil {
		return err
	}
	if err := WriteSummary(f, s); err != nil {
		f.Close()
		return fmt.Errorf("write summary.json: %w", err)
	}
	return f.Close()
}

// Neutralize makes a cell safe to open in a spreadsheet: a value a spreadsheet could
// run as a formula (see formulaStart) gets a leading apostrophe, which Excel and
// LibreOffice show as text and do not run. The source reader takes that apostrophe
// back off (a cell "'" + v with formulaStart(v) reads as v), so a failed file run
// again reads as the input did.
func Neutralize(s string) string {
	if s != "" && s[0] > ' ' && s[0] < utf8.RuneSelf && s[0] != '=' && s[0] != '+' && s[0] != '-' && s[0] != '@' {
		return s // most cells: decided by the first byte, inlined
	}
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// formulaStart reports whether a spreadsheet could take s for a formula: s starts
// with a tab or a carriage return, or, after any run of leading spaces (every Unicode
// space: the no-break space U+00A0, U+2000-U+200A, the ideographic space U+3000, line
// breaks...; unicode.IsSpace) and zero-width characters (U+200B-U+200D, U+2060,
// U+FEFF, the ones the source reader removes), with = + - or @, or with their
// full-width forms ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20), which Excel and
// LibreOffice take for the ASCII ones in some locales and input modes. Excel skips
// leading spaces before a formula, so " =2+2" runs as well as "=2+2".
func formulaStart(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '\t' || s[0] == '\r' {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '=', '+', '-', '@':
				return true
			case ' ', '\t', '\n', '\v', '\f', '\r':
				i++
				continue
			}
			return false
		}
		// Every space, zero-width and full-width character above starts with one of
		// these bytes; Cyrillic (0xD0, 0xD1) and most text is decided here.
		if c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3 && c != 0xEF {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\uFF1D', r == '\uFF0B', r == '\uFF0D', r == '\uFF20':
			return true
		case unicode.IsSpace(r), r >= '\u200B' && r <= '\u200D', r == '\u2060', r == '\uFEFF':
			i += size
		default:
			return false
		}
	}
	return false
}

// ErrorsText renders the errors of r for results.csv: `field: code: message`, joined
// with " | ", the message ending with the value as the file had it, so the reader
// sees what was wrong without opening the input.
func ErrorsText(r *Row, l lang.Lang) string {
	var parts []string
	for _, i := range r.Issues {
		if i.Severity == validate.Error {
			parts = append(parts, issueText(i, l))
		}
	}
	if r.Status == Failed || r.Status == Skipped && r.FailCode != "" {
		// A skipped row's reason (--mode create: exists) is said the same way.
		parts = append(parts, "platform: "+clip(r.FailCode, maxHeader)+": "+clip(r.Failure, maxMessage))
	}
	return clip(strings.Join(parts, " | "), maxRowText)
}

// WarningsText renders the warnings of r the same way.
func WarningsText(r *Row, l lang.Lang) string {
	var parts []string
	for _, i := range r.Issues {
		if i.Severity == validate.Warning {
			parts = append(parts, issueText(i, l))
		}
	}
	return clip(strings.Join(parts, " | "), maxRowText)
}

// maxRawInText caps the raw value quoted in a message: enough to recognise it.
const maxRawInText = 60

func issueText(i validate.Issue, l lang.Lang) string {
	s := i.Field + ": " + string(i.Code) + ": " + clip(i.Message(l), maxMessage)
	if raw := strings.TrimSpace(i.Raw); raw != "" {
		s += fmt.Sprintf(" (%q)", clip(raw, maxRawInText))
	}
	return s
}

// ChangesText renders a plan's changes for results.csv: `field: old → new`, joined
// with "; ", each value clipped to maxShown.
func ChangesText(r *Row) string {
	parts := make([]string, 0, len(r.Changes))
	for _, c := range r.Changes {
		parts = append(parts, c.Field+": "+clip(c.Old, maxShown)+" → "+clip(c.New, maxShown))
	}
	return clip(strings.Join(parts, "; "), maxRowText)
}
