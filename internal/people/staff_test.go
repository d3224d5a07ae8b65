package people

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/columns"
	"userimport/validate"
)

func TestStaff(t *testing.T) {
	rows := Staff()
	if len(rows) != StaffRows {
		t.Fatalf("%d rows, want %d", len(rows), StaffRows)
	}
	if diff := cmp.Diff(rows, Staff()); diff != "" {
		t.Fatalf("Staff changed between two calls:\n%s", diff)
	}
	c := newChecker()
	var exp Expected
	for i := range rows {
		r := &rows[i]
		if r.Num != i+2 {
			t.Fatalf("row %d numbered %d", i+2, r.Num)
		}
		exp.Add(r)
		// Only validity here: a sample row's spelling is checked against its person by
		// the renderer's own tests.
		found := c.check(r, nil)
		var want []Problem
		if r.Error.Code != "" {
			want = append(want, r.Error)
		}
		if diff := cmp.Diff(want, found); diff != "" {
			t.Errorf("row %d %q: recorded vs found errors (-recorded +found):\n%s", r.Num, r.Cells, diff)
		}
	}
	wantErrors := []Problem{
		{Row: 5, Field: columns.Email, Code: validate.CodeEmailInvalid},
		{Row: 12, Field: columns.Phone, Code: validate.CodePhoneInvalid},
		{Row: 19, Field: columns.Position, Code: validate.CodeRequired},
		{Row: 26, Field: columns.BirthDate, Code: validate.CodeDateInvalid},
		{Row: 33, Field: columns.Email, Code: validate.CodeDuplicate, Of: 9},
		{Row: 40, Field: columns.FullName, Code: validate.CodeNameIncomplete},
		{Row: 47, Field: columns.UID, Code: validate.CodeRequired},
	}
	if diff := cmp.Diff(wantErrors, exp.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	wantWarnings := []Problem{{Row: 15, Field: columns.Email, Code: validate.CodeEmailTypo}}
	if diff := cmp.Diff(wantWarnings, exp.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	// The spellings the brief asks for, at the rows that hold them.
	cell := func(row, col int) string { return rows[row-2].Cells[col] }
	if got := cell(12, ColPhone); !strings.HasPrefix(got, "8 (") || len(digits(got)) != 10 {
		t.Errorf("row 12 phone %q, want 8 (XXX) XXX-XX-X", got)
	}
	if got := cell(26, ColBirth); got != "31.02.1990" || !rows[26-2].Birth.IsZero() {
		t.Errorf("row 26 birth date %q (date cell %v), want the text 31.02.1990", got, rows[26-2].Birth)
	}
	if a, b := cell(33, ColEmail), cell(9, ColEmail); a == b || !strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) || a == strings.TrimSpace(a) {
		t.Errorf("row 33 e-mail %q should repeat row 9's %q in other case and with spaces", a, b)
	}
	if got := cell(15, ColEmail); !strings.HasSuffix(got, "@gmial.com") {
		t.Errorf("row 15 e-mail %q, want one @gmial.com", got)
	}

	// Every kind of name the validator must handle is somewhere in the file, and keys
	// are unique.
	features := map[string]bool{}
	logins, uids := map[string]int{}, map[string]int{}
	for _, r := range rows {
		name := r.Cells[ColFullName]
		words := strings.Fields(name)
		switch {
		case len(words) > 0 && strings.Contains(words[0], "-") && words[0][0] >= 0x80:
			features["double surname"] = true
		case strings.Contains(name, " оглы"):
			features["оглы"] = true
		case strings.Contains(name, " кызы"):
			features["кызы"] = true
		case len(name) > 0 && name[0] < 0x80:
			features["latin"] = true
		}
		if name == strings.ToUpper(name) && len(words) > 1 {
			features["upper case"] = true
		}
		if strings.ContainsAny(name, "ёЁ") {
			features["ё"] = true
		}
		if r.Phone != 0 {
			features["phone as a number"] = true
		}
		if r.Birth.IsZero() && r.Error.Code == "" {
			features["date as text"] = true
		}
		if _, dup := logins[r.Cells[ColLogin]]; dup {
			t.Errorf("row %d repeats the login %q of row %d", r.Num, r.Cells[ColLogin], logins[r.Cells[ColLogin]])
		}
		logins[r.Cells[ColLogin]] = r.Num
		if u := r.Cells[ColUID]; u != "" {
			if _, dup := uids[u]; dup {
				t.Errorf("row %d repeats the uid %q of row %d", r.Num, u, uids[u])
			}
			uids[u] = r.Num
		}
	}
	for _, f := range []string{"double surname", "оглы", "кызы", "latin", "upper case", "ё", "phone as a number", "date as text"} {
		if !features[f] {
			t.Errorf("no row with %s", f)
		}
	}
}
