package template_test

import (
	"bytes"
	"encoding/csv"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"userimport/columns"
	"userimport/lang"
	"userimport/platforms"
	"userimport/targets/collaborator"
	"userimport/template"
)

func TestHeadersMapBackToTheirFields(t *testing.T) {
	for _, p := range platforms.All() {
		name, s := p.Name, p.Schema()
		for _, lang := range []lang.Lang{lang.Russian, lang.English} {
			t.Run(name+"/"+string(lang), func(t *testing.T) {
				cols := template.Columns(s, lang)
				if len(cols) != len(s.Fields) {
					t.Errorf("%d columns for %d fields", len(cols), len(s.Fields))
				}
				m := columns.Map(headers(cols), nil)
				for _, c := range cols {
					if got := m.Header(c.Field); got != c.Header {
						t.Errorf("field %s: header %q does not map back (mapped: %q)", c.Field, c.Header, got)
					}
				}
				if missing := s.MissingColumns(&m, nil); len(missing) > 0 {
					t.Errorf("the template lacks required columns %v", missing)
				}
			})
		}
	}
}

func TestEveryFormatHasARussianNote(t *testing.T) {
	for _, p := range platforms.All() {
		name, s := p.Name, p.Schema()
		for _, c := range template.Columns(s, lang.Russian) {
			rule, _ := s.Rule(c.Field)
			if rule.Format != "" && strings.Contains(c.Note, rule.Format) && !strings.ContainsAny(rule.Format, "абвгдеёжзийклмнопрстуфхцчшщъыьэюя") {
				t.Errorf("%s %s: the note shows the English format %q; add it to formatsRU", name, c.Field, rule.Format)
			}
		}
	}
}

func headers(cols []template.Column) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c.Header)
	}
	return out
}

// TestXLSXReadsBack opens the written workbook with excelize and checks what a person
// sees: headers, required ones bold, a note on each header, drop-down lists, the
// example row and the frozen header.
func TestXLSXReadsBack(t *testing.T) {
	tests := []struct {
		target    string
		lang      lang.Lang
		sheet     string
		wantLists map[string][]string // header → drop-down values
	}{
		{"collaborator", lang.Russian, "Сотрудники", map[string][]string{"Пол": {"м", "ж"}, "Активен": {"да", "нет"}}},
		{"collaborator", lang.English, "Staff", map[string][]string{"Gender": {"m", "f"}, "Active": {"yes", "no"}}},
		{"cscart", lang.Russian, "Покупатели", map[string][]string{"Тип пользователя": {"C", "A", "V"}, "Статус": {"A", "D"}, "Активен": {"да", "нет"}}},
		{"cscart", lang.English, "Customers", map[string][]string{"User type": {"C", "A", "V"}}},
		{"ispring", lang.Russian, "Сотрудники", map[string][]string{"Роль": nil}},
		{"inskill", lang.English, "Staff", map[string][]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.target+"/"+string(tt.lang), func(t *testing.T) {
			p, _ := platforms.Lookup(tt.target)
			s := p.Schema()
			var b bytes.Buffer
			if err := template.Write(&b, template.XLSX, &p, tt.lang); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(&b)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheet := tt.sheet
			if got := template.SheetName(&p, tt.lang); got != sheet {
				t.Errorf("SheetName = %q, want %q", got, sheet)
			}
			if got := f.GetSheetList(); !slices.Equal(got, []string{sheet}) {
				t.Fatalf("sheets %q, want %q", got, sheet)
			}
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			cols := template.Columns(s, tt.lang)
			if diff := cmp.Diff(headers(cols), rows[0]); diff != "" {
				t.Errorf("header row (-want +got):\n%s", diff)
			}
			if len(rows) != 2 {
				t.Errorf("%d rows, want the header and one example", len(rows))
			}

			notes, err := f.GetComments(sheet)
			if err != nil {
				t.Fatal(err)
			}
			byCell := map[string]string{}
			for _, n := range notes {
				byCell[n.Cell] = n.Text
				for _, p := range n.Paragraph {
					byCell[n.Cell] += p.Text
				}
			}
			for i, c := range cols {
				cell, _ := excelize.CoordinatesToCellName(i+1, 1)
				note := byCell[cell]
				if note == "" {
					t.Errorf("%s (%s) has no note", cell, c.Header)
					continue
				}
				if c.Required != strings.HasPrefix(note, "*") {
					t.Errorf("%s note %q: required %v", c.Header, note, c.Required)
				}
				if c.Example != "" && !strings.Contains(note, c.Example) {
					t.Errorf("%s note %q lacks the example %q", c.Header, note, c.Example)
				}
				styleID, _ := f.GetCellStyle(sheet, cell)
				st, _ := f.GetStyle(styleID)
				if st.Font == nil || !st.Font.Bold {
					t.Errorf("%s is not bold", c.Header)
				}
				if c.Required != strings.HasSuffix(c.Header, " *") {
					t.Errorf("%q: required %v but the mark says otherwise", c.Header, c.Required)
				}
			}

			dvs, err := f.GetDataValidations(sheet)
			if err != nil {
				t.Fatal(err)
			}
			lists := map[string][]string{}
			for _, dv := range dvs {
				col := strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")
				n, _ := excelize.ColumnNameToNumber(col)
				values := strings.Split(strings.Trim(dv.Formula1, `"`), ",")
				lists[rows[0][n-1]] = values
				if !strings.HasSuffix(dv.Sqref, "1048576") || !strings.HasPrefix(strings.SplitN(dv.Sqref, ":", 2)[0], col+"2") {
					t.Errorf("list on %s covers %s, want every row below the header", rows[0][n-1], dv.Sqref)
				}
			}
			for h, want := range tt.wantLists {
				got, ok := lists[h]
				if !ok {
					t.Errorf("no drop-down list on %q (lists on %v)", h, slices.Collect(maps.Keys(lists)))
					continue
				}
				if want != nil && !slices.Equal(got, want) {
					t.Errorf("list on %q = %q, want %q", h, got, want)
				}
			}

			panes, err := f.GetPanes(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("panes = %+v, want the first row frozen", panes)
			}
		})
	}
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	p := collaborator.Platform()
	s := p.Schema()
	if err := template.Write(&b, template.CSV, &p, lang.Russian); err != nil {
		t.Fatal(err)
	}
	data := b.String()
	body, ok := strings.CutPrefix(data, "\ufeff")
	if !ok {
		t.Fatalf("no UTF-8 BOM: Excel would read the Cyrillic as cp1251")
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := template.Columns(s, lang.Russian)
	if diff := cmp.Diff(headers(cols), recs[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(recs) != 2 || recs[1][0] != "T000123" {
		t.Errorf("records = %q, want a header and the example row", recs)
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name   string
		want   template.Format
		wantOK bool
	}{
		{"staff.xlsx", template.XLSX, true},
		{"staff.XLSX", template.XLSX, true},
		{"staff.CSV", template.CSV, true},
		{"staff.txt", "", false},
		{"staff.xls", "", false},
		{"staff", "", false},
		{"dir.csv/staff", "", false},
	}
	for _, tt := range tests {
		if got, ok := template.FormatOf(tt.name); got != tt.want || ok != tt.wantOK {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestNotesAgreeWithLists compares, for every field of every platform's template in
// both languages, the values a header's note lists with the drop-down list of its
// column, as Excel shows them (issue 17: the English notes said м/ж and да/нет over
// m/f and yes/no lists, and iSpring's role note named a role its list lacked).
func TestNotesAgreeWithLists(t *testing.T) {
	for _, p := range platforms.All() {
		for _, l := range []lang.Lang{lang.Russian, lang.English} {
			t.Run(p.Name+"/"+string(l), func(t *testing.T) {
				var b bytes.Buffer
				if err := template.Write(&b, template.XLSX, &p, l); err != nil {
					t.Fatal(err)
				}
				f, err := excelize.OpenReader(&b)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				sheet := template.SheetName(&p, l)
				notes, _ := f.GetComments(sheet)
				noteOf := map[string]string{}
				for _, n := range notes {
					text := n.Text
					for _, r := range n.Paragraph {
						text += r.Text
					}
					noteOf[strings.TrimRight(n.Cell, "0123456789")] = text
				}
				dvs, _ := f.GetDataValidations(sheet)
				listOf := map[string][]string{}
				for _, dv := range dvs {
					col := strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")
					listOf[col] = strings.Split(strings.Trim(dv.Formula1, `"`), ",")
				}
				for i, c := range template.Columns(p.Schema(), l) {
					col, _ := excelize.ColumnNumberToName(i + 1)
					list, note := listOf[col], noteOf[col]
					if (len(c.Choices) > 0) != (len(list) > 0) {
						t.Errorf("%s: choices %q, drop-down %q", c.Header, c.Choices, list)
					}
					if len(list) == 0 {
						continue
					}
					if got := noteValues(note); !sameSet(got, list) {
						t.Errorf("%s: the note lists %q, the drop-down %q\nnote: %q", c.Header, got, list, note)
					}
					if strings.Contains(note, " 1 characters") || strings.Contains(note, " 1 символов") {
						t.Errorf("%s: note %q", c.Header, note)
					}
				}
			})
		}
	}
}

// noteValues are the values a note's format line lists: "m/f (sent as 0/1)" gives m
// and f, "C — покупатель, A — администратор" gives C and A.
func noteValues(note string) []string {
	lines := strings.Split(note, "\n")
	if strings.HasPrefix(lines[0], "*") {
		lines = lines[1:]
	}
	line, _, _ := strings.Cut(lines[0], ";")
	line, _, _ = strings.Cut(line, " (")
	var out []string
	for _, item := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '/' }) {
		if w := strings.Fields(item); len(w) > 0 {
			out = append(out, w[0])
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestIsExample: the example row as each platform's template writes it, in either
// language, is the example; a row with one cell changed, or with only the shared
// drop-down values, is a person.
func TestIsExample(t *testing.T) {
	for _, p := range platforms.All() {
		for _, l := range []lang.Lang{lang.Russian, lang.English} {
			row := map[columns.Field]string{}
			for _, c := range template.Columns(p.Schema(), l) {
				row[c.Field] = c.Example
			}
			get := func(f columns.Field) string { return row[f] }
			if !template.IsExample(get) {
				t.Errorf("%s/%s: the template's own example row %v is not recognised", p.Name, l, row)
			}
			if row[columns.Email] != "" {
				row[columns.Email] = "p.petrov@example.ru"
				if template.IsExample(get) {
					t.Errorf("%s/%s: a row with another e-mail is taken for the example", p.Name, l)
				}
			}
		}
	}
	only := map[columns.Field]string{columns.Gender: "ж", columns.Active: "да", columns.City: "Москва"}
	if template.IsExample(func(f columns.Field) string { return only[f] }) {
		t.Errorf("a row of a gender, a yes and a city is taken for the example")
	}
}

// TestFirstNoteSaysTheExampleIsSkipped: the first header's note says that row 2 is an
// example import skips.
func TestFirstNoteSaysTheExampleIsSkipped(t *testing.T) {
	for _, p := range platforms.All() {
		for _, l := range []lang.Lang{lang.Russian, lang.English} {
			cols := template.Columns(p.Schema(), l)
			want := l.Pick("Row 2 is an example", "Строка 2 — пример")
			if !strings.Contains(cols[0].Note, want) {
				t.Errorf("%s/%s: first note %q lacks %q", p.Name, l, cols[0].Note, want)
			}
			for _, c := range cols[1:] {
				if strings.Contains(c.Note, want) {
					t.Errorf("%s/%s: %s's note repeats it", p.Name, l, c.Header)
				}
			}
		}
	}
}
