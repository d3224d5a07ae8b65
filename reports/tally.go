package reports

import (
	"cmp"
	"slices"
	"sync/atomic"

	"userimport/lang"
	"userimport/validate"
)

// Tally counts what became of a run's rows, each row once as it finishes: the summary's
// counts (Fill), its problem list (Problems) and the live counters of a progress
// display are all read from it. The zero value is ready to use.
//
// Add is called by one goroutine at a time, and Fill and Problems after the last Add;
// the exported counters may be read at any time, from any goroutine.
type Tally struct {
	// Done counts rows finished, whatever their status.
	Done atomic.Int64
	// Created … Skipped count the finished rows of each status.
	Created, Updated, Unchanged, Invalid, Failed, Skipped atomic.Int64

	blocked, unblocked, warnings int
	// problems groups the errors by field and code; nil until the first.
	problems map[problemKey]*Problem
}

// problemKey is what a Problem groups by: the field, the code and the severity.
type problemKey struct {
	field, code string
	sev         validate.Severity
}

// Add counts r, once: its status, its blocks and warnings, and its errors (one per
// field and code, however many cells), whose messages are in l.
func (t *Tally) Add(r *Row, l lang.Lang) {
	if c := t.counter(r.Status); c != nil {
		c.Add(1)
	}
	t.Done.Add(1)
	if r.Blocked {
		t.blocked++
	}
	if r.Unblocked {
		t.unblocked++
	}
	for _, i := range r.Issues {
		if i.Severity == validate.Warning {
			t.warnings++
		}
		t.addProblem(r.Num, i.Field, i.Column, string(i.Code), i.Severity, i.Message(l))
	}
	if r.Status == Failed {
		t.addProblem(r.Num, "", "", r.FailCode, validate.Error, r.Failure)
	}
}

// counter is the counter of status s; nil for Valid, which Fill works out.
func (t *Tally) counter(s Status) *atomic.Int64 {
	switch s {
	case Created:
		return &t.Created
	case Updated:
		return &t.Updated
	case Unchanged:
		return &t.Unchanged
	case Invalid:
		return &t.Invalid
	case Failed:
		return &t.Failed
	case Skipped:
		return &t.Skipped
	}
	return nil
}

// addProblem counts one row with a problem; the first such row gives the example.
func (t *Tally) addProblem(row int, field, column, code string, sev validate.Severity, msg string) {
	k := problemKey{field, code, sev}
	if g, ok := t.problems[k]; ok {
		g.Rows++
		return
	}
	if t.problems == nil {
		t.problems = make(map[problemKey]*Problem)
	}
	g := Problem{Field: field, Column: column, Code: code, Rows: 1, Example: msg, FirstRow: row,
		Severity: sev.String(), Routine: sev == validate.Warning && Routine(code)}.clipped()
	t.problems[k] = &g
}

// Fill sets the row counts of s (Rows through Warnings) from the tally.
func (t *Tally) Fill(s *Summary) {
	s.Rows = int(t.Done.Load())
	s.Invalid = int(t.Invalid.Load())
	s.Valid = s.Rows - s.Invalid
	s.Created = int(t.Created.Load())
	s.Updated = int(t.Updated.Load())
	s.Unchanged = int(t.Unchanged.Load())
	s.Failed = int(t.Failed.Load())
	s.Skipped = int(t.Skipped.Load())
	s.Blocked, s.Unblocked, s.Warnings = t.blocked, t.unblocked, t.warnings
}

// Problems returns the problem groups: the errors, then the warnings that may need a
// decision, then the routine notes; in each, most rows first, then by field and code.
func (t *Tally) Problems() []Problem {
	out := make([]Problem, 0, len(t.problems))
	for _, g := range t.problems {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.kind(), b.kind()), cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// kind orders the groups: errors, warnings, routine notes.
func (p Problem) kind() int {
	switch {
	case p.Severity != "warning":
		return 0
	case !p.Routine:
		return 1
	}
	return 2
}

// routineCodes are the warnings that are routine notes: what the tool did as it
// always does for a value left empty, with nothing for a person to decide. The
// terminal sums them in one line instead of listing them, so that they do not hide
// the warnings that may need a decision (a likely typo in a domain, a phone or its
// extension left out, a date read one way of two). README, "Reports"; issue 17.
var routineCodes = map[validate.Code]routineNote{
	validate.CodeLoginGenerated: {"login made from the e-mail or the name", "логин составлен из e-mail или имени"},
	validate.CodeGenderInferred: {"gender taken from the patronymic", "пол определён по отчеству"},
}

// routineNote is what the routine line says of one code, in English and Russian.
type routineNote struct{ en, ru string }

// Routine reports whether a warning of code is a routine note (see routineCodes).
func Routine(code string) bool {
	_, ok := routineCodes[validate.Code(code)]
	return ok
}
