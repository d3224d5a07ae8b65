// Package template writes an empty spreadsheet for one platform, ready to be filled in
// by hand: its columns in the order people fill them, with headers the tool recognises
// without --map, the required ones marked, a note on each header saying what goes there
// with an example, drop-down lists where the values are fixed, one example row and a
// frozen header. A template filled in this way validates as it is.
package template

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"userimport/columns"
	"userimport/lang"
	"userimport/targets"
	"userimport/validate"
)

// Column is one column of a template.
type Column struct {
	Field columns.Field
	// Header is what the template's header cell says: an alias that maps back to Field,
	// with " *" after it when the column is required.
	Header   string
	Required bool
	// Note explains the column: whether it is required, the format, the longest value,
	// an example.
	Note string
	// Example is the value in the example row.
	Example string
	// Choices are the only values the platform takes, offered as a drop-down list; nil
	// when the value is free.
	Choices []string
	// First is set on the first column, whose note also says that the example row is
	// skipped.
	First bool
}

// Columns returns the template's columns for schema s in lang, in the order
// columns.Fields gives, which is the order people fill a staff list in.
func Columns(s *validate.Schema, l lang.Lang) []Column {
	var out []Column
	for _, f := range columns.Fields() {
		rule, ok := s.Rule(f)
		if !ok {
			continue
		}
		// A value the tool makes when the cell is empty is not something a person must
		// fill in, whatever the platform requires.
		required := rule.Required &&
			!(f == columns.Login && s.GenerateLogin) &&
			!(f == columns.Password && s.GeneratePassword)
		c := Column{
			Field:    f,
			Header:   header(f, l),
			Required: required,
			Example:  example(f, l),
			Choices:  choices(rule, l),
			First:    len(out) == 0,
		}
		if required {
			c.Header += " *"
		}
		c.Note = note(c, rule, l)
		out = append(out, c)
	}
	return out
}

// englishHeaders are the headers of an English template: aliases columns knows, chosen
// to read well (columns' first alias of each field is Russian).
var englishHeaders = map[columns.Field]string{
	columns.UID: "Employee ID", columns.FullName: "Full name", columns.LastName: "Last name",
	columns.FirstName: "First name", columns.MiddleName: "Middle name", columns.Login: "Login",
	columns.Email: "E-mail", columns.Password: "Password", columns.BirthDate: "Birth date",
	columns.Gender: "Gender", columns.City: "City", columns.Department: "Department",
	columns.Position: "Position", columns.Phone: "Phone", columns.Tags: "Tags",
	columns.Active: "Active", columns.HireDate: "Hire date", columns.Groups: "Groups",
	columns.Role: "Role", columns.Product: "Product", columns.UserType: "User type",
	columns.CompanyID: "Company ID", columns.Status: "Status",
	columns.WorkContact: "Work contacts", columns.PositionDate: "Position date",
	columns.UserField1: "User field 1", columns.UserField2: "User field 2", columns.UserField3: "User field 3",
	columns.UserField4: "User field 4", columns.UserField5: "User field 5",
}

func header(f columns.Field, l lang.Lang) string {
	if h, ok := englishHeaders[f]; ok && l != lang.Russian {
		return h
	}
	if a := columns.Aliases(f); len(a) > 0 {
		return a[0]
	}
	return string(f)
}

// examples are the example row: one plausible person, valid for every platform.
var examples = map[columns.Field]string{
	columns.UID: "T000123", columns.LastName: "Иванова", columns.FirstName: "Мария",
	columns.MiddleName: "Петровна", columns.FullName: "Иванова Мария Петровна",
	columns.Login: "m.ivanova", columns.Email: "m.ivanova@example.ru",
	columns.BirthDate: "26.07.1988", columns.City: "Москва", columns.Department: "Отдел продаж",
	columns.Position: "Менеджер", columns.Phone: "+79123456789", columns.Tags: "новичок",
	columns.HireDate: "01.09.2025", columns.Groups: "Новички", columns.Role: "learner",
	columns.Product: "12", columns.UserType: "C", columns.CompanyID: "1", columns.Status: "A",
	columns.WorkContact: "+7 495 123-45-67 доб. 123", columns.PositionDate: "01.03.2026",
}

// IsExample reports whether a data row is the template's example row left as the
// template wrote it, in either language: cell gives the row's value of a field ("" for
// a field without a column), every field it has a value for holds the example's value,
// and the example's name or e-mail or id is among them. Import skips such a row
// (importer, docs/design.md); a row the person edited is a person.
func IsExample(cell func(columns.Field) string) bool {
	matched, identified := 0, false
	for _, f := range columns.Fields() {
		v := strings.TrimSpace(cell(f))
		if v == "" {
			continue
		}
		if v != example(f, lang.English) && v != example(f, lang.Russian) {
			return false
		}
		matched++
		switch f {
		case columns.UID, columns.Email, columns.Login, columns.LastName, columns.FullName:
			identified = true
		}
	}
	return identified && matched >= 2
}

func example(f columns.Field, l lang.Lang) string {
	switch f {
	case columns.Gender:
		return l.Pick("f", "ж")
	case columns.Active:
		return l.Pick("yes", "да")
	case columns.Password:
		// Left empty: an example password would be copied down the column.
		return ""
	}
	return examples[f]
}

// choices are the schema's fixed values, or the words the tool reads for a gender or a
// yes/no field.
func choices(rule validate.FieldRule, l lang.Lang) []string {
	if len(rule.Values) > 0 {
		return slices.Clone(rule.Values)
	}
	switch rule.Field {
	case columns.Gender:
		return []string{l.Pick("m", "м"), l.Pick("f", "ж")}
	case columns.Active:
		return []string{l.Pick("yes", "да"), l.Pick("no", "нет")}
	case columns.Role:
		// iSpring's standard roles; a custom role's title is also taken, so the list
		// only warns (listStyle).
		return []string{"learner", "administrator", "department_administrator", "publisher"}
	case columns.UserType:
		return []string{"C", "A", "V"}
	case columns.Status:
		return []string{"A", "D"}
	}
	return nil
}

// formatsRU are the schemas' format descriptions in Russian; a description missing
// here is shown in English.
var formatsRU = map[string]string{
	"A active, D disabled; default A":                                 "A — активен, D — отключён; по умолчанию A",
	"C customer, A administrator, V vendor; default C":                "C — покупатель, A — администратор, V — продавец; по умолчанию C",
	"DD.MM.YYYY (sent as a Unix timestamp)":                           "ДД.ММ.ГГГГ",
	"DD.MM.YYYY":                                                      "ДД.ММ.ГГГГ",
	"E.164, +79123456789":                                             "в международном виде, +79123456789; 8 (912) 345-67-89 тоже подойдёт; добавочный номер платформа не примет, он будет пропущен",
	"Latin letters, digits, . _ - @; empty: user_<id>":                "латинские буквы, цифры, . _ - @; пусто — user_<номер>",
	"Latin letters, digits, . _ - @; made from the e-mail when empty": "латинские буквы, цифры, . _ - @; пусто — будет взят из e-mail",
	"Latin letters, digits, . _ -; made from the e-mail when empty":   "латинские буквы, цифры, . _ -; пусто — будет взят из e-mail",
	"code, name or Parent/Child path of a department":                 "код, название или путь Родитель/Дочерний подразделения",
	"comma-separated":                                                 "через запятую",
	"e-mail":                                                          "адрес электронной почты",
	"e-mail, unique":                                                  "адрес электронной почты, у каждого свой",
	"group names, comma-separated":                                    "названия групп через запятую",
	"international, +79123456789":                                     "в международном виде, +79123456789; 8 (912) 345-67-89 тоже подойдёт",
	"learner, administrator, department_administrator":                "learner — слушатель, administrator — администратор, department_administrator — администратор подразделения",
	"learner, administrator, department_administrator, publisher":     "learner — слушатель, administrator — администратор, department_administrator — администратор подразделения, publisher — автор",
	"letters":                         "буквы",
	"letters, apostrophes and dashes": "буквы, апостроф и дефис",
	"letters; sent with the first and middle name as one ФИО": "буквы; уходит вместе с именем и отчеством одной строкой ФИО",
	"text (job_title)":                       "текст",
	"text":                                   "текст",
	"text, unique: the employee's stable id": "текст, у каждого свой и не меняется: по нему платформа узнаёт сотрудника",
	"text; empty: the user sets one":         "текст; пусто — пользователь задаст сам",
	"text; generated when empty":             "текст; пусто — пароль будет создан и записан в passwords.csv",
	"the product's number in inSkill":        "номер продукта в inSkill",
	"the storefront's number; default 1 (Ultimate) or 0 (Multi-Vendor)": "номер витрины; по умолчанию 1 (Ultimate) или 0 (Multi-Vendor)",
	"да/нет (sent as 1/0)":                                              "да/нет",
	"да/нет (sent as status A/D)":                                       "да/нет",
	"да/нет (sent as status 1/3)":                                       "да/нет",
	"м/ж (sent as 0/1)":                                                 "м/ж",
}

// formatsEN are the English words of the formats that schemas write with the values a
// Russian sheet holds: an English template's drop-down offers m/f and yes/no, and its
// note says the same.
var formatsEN = map[string]string{
	"м/ж (sent as 0/1)":           "m/f (sent as 0/1)",
	"да/нет (sent as 1/0)":        "yes/no (sent as 1/0)",
	"да/нет (sent as status A/D)": "yes/no (sent as status A/D)",
	"да/нет (sent as status 1/3)": "yes/no (sent as status 1/3)",
}

// FormatIn is a schema's description of a field's format (validate.FieldRule.Format,
// written in English) in lang; one without a translation stays as written.
func FormatIn(format string, l lang.Lang) string {
	words := formatsEN
	if l == lang.Russian {
		words = formatsRU
	}
	if t, ok := words[format]; ok {
		return t
	}
	return format
}

// note is the text of a header's note.
func note(c Column, rule validate.FieldRule, l lang.Lang) string {
	var b strings.Builder
	if c.Required {
		b.WriteString(l.Pick("* Required.\n", "* Обязательное поле.\n"))
	}
	format := FormatIn(rule.Format, l)
	if format != "" {
		b.WriteString(format)
	}
	// A length says nothing more when the value is chosen from a fixed list.
	if rule.MaxLen > 0 && len(rule.Values) == 0 {
		fmt.Fprintf(&b, "; "+l.Plural(rule.MaxLen, "up to %d character", "up to %d characters",
			"не длиннее %d символа", "не длиннее %d символов", "не длиннее %d символов"), rule.MaxLen)
	}
	if c.Example != "" {
		fmt.Fprintf(&b, l.Pick("\nExample: %s", "\nПример: %s"), c.Example)
	}
	if c.First {
		b.WriteString(l.Pick("\nRow 2 is an example: while it is left as it is, import skips it; write over it or leave it.",
			"\nСтрока 2 — пример: пока она не изменена, при загрузке она пропускается; её можно заменить или оставить."))
	}
	if c.Field == columns.UID || c.Field == columns.Phone {
		b.WriteString(l.Pick("\nThe column is text, so Excel keeps leading zeros and long numbers.",
			"\nСтолбец текстовый: Excel сохранит ведущие нули и длинные номера."))
	}
	return b.String()
}

// SheetName is the name of platform p's template sheet: the platform's own
// (targets.Platform.SheetName, CS-Cart's customers) or staff.
func SheetName(p *targets.Platform, l lang.Lang) string {
	if p.SheetName != nil {
		return p.SheetName(l)
	}
	return l.Pick("Staff", "Сотрудники")
}

// Format is a template's file format.
type Format string

const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// Write writes the template of platform p to w in format, in lang.
func Write(w io.Writer, format Format, p *targets.Platform, l lang.Lang) error {
	cols := Columns(p.Schema(), l)
	switch format {
	case XLSX:
		return writeXLSX(w, cols, SheetName(p, l), l)
	case CSV:
		return writeCSV(w, cols)
	}
	return fmt.Errorf("template: unknown format %q: use xlsx or csv", format)
}

// writeCSV writes the header and the example row, `;`-separated UTF-8 with a BOM: what
// a Russian Excel opens correctly with a double click. A CSV has no notes or lists; the
// required columns keep their *.
func writeCSV(w io.Writer, cols []Column) error {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.Comma = ';'
	cw.UseCRLF = true
	var head, ex []string
	for _, c := range cols {
		head = append(head, c.Header)
		ex = append(ex, c.Example)
	}
	cw.Write(head)
	cw.Write(ex)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("template: write csv: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("template: write csv: %w", err)
	}
	return nil
}

// lastRow is the bottom of Excel's sheet: drop-down lists and the text format cover
// every row below the header.
const lastRow = 1048576

func writeXLSX(w io.Writer, cols []Column, sheet string, l lang.Lang) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	styles, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	for i, c := range cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		head, _ := excelize.CoordinatesToCellName(i+1, 1)
		ex, _ := excelize.CoordinatesToCellName(i+1, 2)
		// Every cell is text, so Excel does not turn a phone into 7.9E+10, drop an id's
		// leading zeros or a date into a serial number.
		if err := f.SetColStyle(sheet, col, styles.text); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		width := float64(max(14, len([]rune(c.Header))+4, len([]rune(c.Example))+2))
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		style := styles.header
		if c.Required {
			style = styles.required
		}
		if err := f.SetCellStr(sheet, head, c.Header); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if err := f.SetCellStyle(sheet, head, head, style); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if err := f.SetCellStr(sheet, ex, c.Example); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if err := f.SetCellStyle(sheet, ex, ex, styles.example); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		if err := f.AddComment(sheet, excelize.Comment{
			Cell: head, Author: "userimport", Text: c.Note,
			Width: 300, Height: uint(60 + 16*strings.Count(c.Note, "\n")),
		}); err != nil {
			return fmt.Errorf("template: note on %s: %w", head, err)
		}
		if len(c.Choices) > 0 {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, lastRow)
			if err := dv.SetDropList(c.Choices); err != nil {
				return fmt.Errorf("template: list for %s: %w", c.Header, err)
			}
			dv.SetError(listStyle(c.Field),
				l.Pick("Not in the list", "Нет в списке"),
				l.Pick("Choose one of: ", "Выберите одно из: ")+strings.Join(c.Choices, ", "))
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return fmt.Errorf("template: list for %s: %w", c.Header, err)
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return fmt.Errorf("template: freeze the header: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("template: write xlsx: %w", err)
	}
	return nil
}

// listStyle is how Excel meets a value not in a column's list: refused, except for a
// role, where iSpring also takes a custom role's title (docs/platforms/ispring.md).
func listStyle(f columns.Field) excelize.DataValidationErrorStyle {
	if f == columns.Role {
		return excelize.DataValidationErrorStyleWarning
	}
	return excelize.DataValidationErrorStyleStop
}

type styles struct{ text, header, required, example int }

func newStyles(f *excelize.File) (styles, error) {
	const textFormat = 49 // "@": the cell holds text as typed
	var s styles
	var err error
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}}
	border := []excelize.Border{{Type: "bottom", Color: "7F7F7F", Style: 1}}
	all := []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.text, excelize.Style{NumFmt: textFormat}},
		{&s.header, excelize.Style{NumFmt: textFormat, Font: &excelize.Font{Bold: true}, Fill: fill, Border: border}},
		{&s.required, excelize.Style{NumFmt: textFormat, Font: &excelize.Font{Bold: true, Color: "9C0006"}, Fill: fill, Border: border}},
		{&s.example, excelize.Style{NumFmt: textFormat, Font: &excelize.Font{Italic: true, Color: "7F7F7F"}}},
	}
	for _, m := range all {
		st := m.style
		if *m.dst, err = f.NewStyle(&st); err != nil {
			return s, err
		}
	}
	return s, nil
}

// FormatOf picks the format from a file name's extension, .xlsx or .csv in any case;
// ok is false for any other extension or none, which the template cannot be written as.
func FormatOf(name string) (f Format, ok bool) {
	switch ext := filepath.Ext(name); {
	case strings.EqualFold(ext, ".xlsx"):
		return XLSX, true
	case strings.EqualFold(ext, ".csv"):
		return CSV, true
	}
	return "", false
}
