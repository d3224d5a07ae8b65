package people

import (
	"strings"
	"time"

	"userimport/columns"
	"userimport/validate"
)

// StaffRows is how many people the sample files hold.
const StaffRows = 50

// staffSeed makes the sample's people; it was picked because its 50 people include an ё.
const staffSeed = 2026

// Rows of the sample with a person of a given kind, so the sample always shows each
// kind of name the validator must handle.
var staffKinds = map[int]kind{
	3:  kindDouble, // Петров-Водкин
	8:  kindAz,     // ... оглы or кызы
	22: kindLat,    // a Latin-script name
	36: kindAz,
}

// staffUpper is the row whose ФИО is in capitals, as personnel systems print it.
const staffUpper = 29

// staffEdit is one deliberate problem of the sample, at a fixed row.
type staffEdit struct {
	problem Problem
	warning bool
	edit    func(r *Row, rows []Row)
}

// staffEdits are the sample's deliberate problems, spread through the file. Every other
// row is valid for every target.
var staffEdits = []staffEdit{
	{problem: Problem{Row: 5, Field: columns.Email, Code: validate.CodeEmailInvalid},
		edit: func(r *Row, _ []Row) {
			r.Cells[ColEmail] = strings.Replace(strings.TrimSpace(r.Cells[ColEmail]), "@", "", 1)
		}},
	{problem: Problem{Row: 12, Field: columns.Phone, Code: validate.CodePhoneInvalid},
		edit: func(r *Row, _ []Row) {
			// The last digit lost: 8 (912) 345-67-8.
			d := digits(r.Cells[ColPhone])
			d = d[len(d)-10:]
			r.Cells[ColPhone] = "8 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:9]
			r.Phone = 0
		}},
	{problem: Problem{Row: 15, Field: columns.Email, Code: validate.CodeEmailTypo}, warning: true,
		edit: func(r *Row, _ []Row) {
			e := strings.ToLower(strings.TrimSpace(r.Cells[ColEmail]))
			r.Cells[ColEmail] = e[:strings.IndexByte(e, '@')] + "@gmial.com"
		}},
	{problem: Problem{Row: 19, Field: columns.Position, Code: validate.CodeRequired},
		edit: func(r *Row, _ []Row) { r.Cells[ColPosition] = "" }},
	{problem: Problem{Row: 26, Field: columns.BirthDate, Code: validate.CodeDateInvalid},
		edit: func(r *Row, _ []Row) { r.Cells[ColBirth] = "31.02.1990"; r.Birth = time.Time{} }},
	{problem: Problem{Row: 33, Field: columns.Email, Code: validate.CodeDuplicate, Of: 9},
		edit: func(r *Row, rows []Row) {
			r.Cells[ColEmail] = "  " + shout(strings.ToLower(strings.TrimSpace(rows[9-2].Cells[ColEmail]))) + " "
		}},
	{problem: Problem{Row: 40, Field: columns.FullName, Code: validate.CodeNameIncomplete},
		edit: func(r *Row, _ []Row) { r.Cells[ColFullName] = strings.Fields(r.Cells[ColFullName])[0] }},
	{problem: Problem{Row: 47, Field: columns.UID, Code: validate.CodeRequired},
		edit: func(r *Row, _ []Row) { r.Cells[ColUID] = "" }},
}

// Staff returns the rows of the project's sample files, testdata/staff.csv and
// testdata/staff.xlsx: 50 people in varied but valid spellings, with the deliberate
// problems in staffEdits recorded in each row's Error or Warning. The result never
// changes unless this code does.
func Staff() []Row {
	g := New(staffSeed)
	rd := NewRenderer(staffSeed, Mess{})
	rows := make([]Row, StaffRows)
	for i := range rows {
		num := i + 2
		k, ok := staffKinds[num]
		if !ok {
			k = kindAny
		}
		rows[i] = rd.Render(num, g.next(k))
	}
	r := &rows[staffUpper-2]
	r.Cells[ColFullName] = strings.ToUpper(r.Cells[ColFullName])
	for _, e := range staffEdits {
		r := &rows[e.problem.Row-2]
		e.edit(r, rows)
		if e.warning {
			r.Warning = e.problem
		} else {
			r.Error = e.problem
		}
	}
	return rows
}

// digits keeps the ASCII digits of s.
func digits(s string) string {
	b := make([]byte, 0, len(s))
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
