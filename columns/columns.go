// Package columns maps a spreadsheet's header row to canonical fields, by aliases in
// Russian and English matched without regard to case, spaces or punctuation, with
// --map overrides. It knows nothing of any platform: which fields are required is the
// schema's business (package validate).
package columns

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"userimport/lang"
)

// Field is a canonical field name, as --map, --set and the reports spell it.
type Field string

// The canonical fields. Their names are part of the command-line contract.
const (
	UID        Field = "uid"
	FullName   Field = "full_name"
	LastName   Field = "last_name"
	FirstName  Field = "first_name"
	MiddleName Field = "middle_name"
	Login      Field = "login"
	Email      Field = "email"
	Password   Field = "password"
	BirthDate  Field = "birth_date"
	Gender     Field = "gender"
	City       Field = "city"
	Department Field = "department"
	Position   Field = "position"
	Phone      Field = "phone"
	Tags       Field = "tags"
	Active     Field = "active"
	HireDate   Field = "hire_date"
	Groups     Field = "groups"
	Role       Field = "role"
	Product    Field = "product"
	UserType   Field = "user_type"
	CompanyID  Field = "company_id"
	Status     Field = "status"
	// Collaborator's work contacts, date of the current position and five fields of
	// its own.
	WorkContact  Field = "work_contact"
	PositionDate Field = "position_date"
	UserField1   Field = "user_field1"
	UserField2   Field = "user_field2"
	UserField3   Field = "user_field3"
	UserField4   Field = "user_field4"
	UserField5   Field = "user_field5"
)

// Bookkeeping fields: the columns the tool itself adds to a failed file, so that the
// file keeps each row's identity when it is fixed and run again. They are not fields of
// any platform, are never sent, and are not offered by templates (Fields leaves them
// out); their headers carry both languages, as the annotated copy's do.
const (
	// SourceRow is the row of the original file a failed row came from: "5
	// (staff.xlsx)".
	SourceRow Field = "source_row"
	// Repeats says which earlier row a duplicate repeats and by which key: "2
	// (staff.xlsx): uid=T000001", several joined by "; ". While the row still holds
	// that key it stays a duplicate.
	Repeats Field = "repeats"
)

// Headers of the bookkeeping columns, as the failed file writes them.
const (
	SourceRowHeader = "Исходная строка/Source row"
	RepeatsHeader   = "Повторяет/Repeats"
)

// Ignore is the --map target that drops a column on purpose.
const Ignore Field = "-"

// aliases lists, for each field, the headers people write for it. The first alias is
// the one templates use. Matching folds case, ё to е, and drops spaces and punctuation,
// so "E-mail", "e mail" and "EMAIL" are one alias.
var aliases = []struct {
	field Field
	names []string
}{
	{UID, []string{"Табельный номер", "uid", "Таб. номер", "Таб. №", "Табельный №", "Табельный", "Таб номер", "Идентификатор", "ID", "Внешний ID", "Внешний идентификатор", "Employee ID", "External ID", "Personnel number", "Таб. N", "Табельный N", "Код сотрудника", "Personnel No", "Employee number"}},
	{FullName, []string{"ФИО", "Ф.И.О.", "Фамилия Имя Отчество", "Сотрудник", "Работник", "Full name", "Name", "Имя полностью", "fullname", "Полное имя", "Ф.И.О. полностью", "Физическое лицо", "Физ. лицо", "Employee", "Employee name"}},
	{LastName, []string{"Фамилия", "Last name", "Surname", "Family name", "lastname", "secondname", "second_name"}},
	{FirstName, []string{"Имя", "First name", "Given name", "firstname"}},
	{MiddleName, []string{"Отчество", "Middle name", "Patronymic", "middlename"}},
	{Login, []string{"Логин", "Login", "Username", "User name", "Имя пользователя", "user_login"}},
	{Email, []string{"E-mail", "Email", "Почта", "Эл. почта", "Электронная почта", "Адрес электронной почты", "e-mail адрес", "Mail", "Емейл", "Емэйл", "Имейл", "Е-мейл", "Эл. адрес", "Электронный адрес", "Адрес эл. почты", "Адрес e-mail", "E-mail адрес", "Email address", "E-mail address", "Эл. почта (e-mail)"}},
	{Password, []string{"Пароль", "Password"}},
	{BirthDate, []string{"Дата рождения", "Birth date", "Date of birth", "Birthday", "ДР", "birth_date", "birthdate", "Дата рожд.", "Д.р.", "personal_birthday"}},
	{Gender, []string{"Пол", "Gender", "Sex", "personal_gender"}},
	{City, []string{"Город", "City", "Населённый пункт"}},
	{Department, []string{"Подразделение", "Department", "Отдел", "Структурное подразделение", "Департамент", "Division", "Наименование подразделения", "Название подразделения", "Отдел/подразделение", "Org unit", "iblock_section_name_1"}},
	{Position, []string{"Должность", "Position", "Job title", "Title", "job_title", "Наименование должности", "Название должности", "Занимаемая должность", "work_position"}},
	{Phone, []string{"Телефон", "Phone", "Мобильный", "Мобильный телефон", "Моб. телефон", "Тел.", "Тел", "Сотовый", "Номер телефона", "Mobile", "Phone number", "Telephone", "Моб. тел", "Моб.", "Сот. тел", "Мобильный тел", "Контактный телефон", "Mobile phone", "Cell phone", "personal_mobile", "work_phone", "personal_phone"}},
	{Tags, []string{"Метки", "Tags", "Теги", "Тэги"}},
	{Active, []string{"Активен", "Active", "Активность", "is_active", "Включен"}},
	{HireDate, []string{"Дата приёма", "Дата приема на работу", "Дата приёма на работу", "Hire date", "Date of employment", "date_of_employment", "Дата трудоустройства"}},
	{Groups, []string{"Группы", "Groups", "Группа", "Group"}},
	{Role, []string{"Роль", "Role"}},
	{Product, []string{"Продукт", "Product", "Курс", "Course"}},
	{UserType, []string{"Тип пользователя", "User type", "user_type"}},
	{CompanyID, []string{"ID компании", "Company ID", "company_id", "Витрина"}},
	{Status, []string{"Статус", "Status"}},
	{WorkContact, []string{"Рабочие контакты", "Work contacts", "Work contact", "Рабочий контакт", "work_contact"}},
	{PositionDate, []string{"Дата назначения на должность", "Дата назначения на текущую должность", "Date of current position assignment",
		"Position date", "В должности с", "date_of_assignment_current_position"}},
	{UserField1, []string{"Дополнительное поле 1", "Доп. поле 1", "Additional field 1", "User field 1"}},
	{UserField2, []string{"Дополнительное поле 2", "Доп. поле 2", "Additional field 2", "User field 2"}},
	{UserField3, []string{"Дополнительное поле 3", "Доп. поле 3", "Additional field 3", "User field 3"}},
	{UserField4, []string{"Дополнительное поле 4", "Доп. поле 4", "Additional field 4", "User field 4"}},
	{UserField5, []string{"Дополнительное поле 5", "Доп. поле 5", "Additional field 5", "User field 5"}},
}

// index maps a folded alias to its field.
var index = func() map[string]Field {
	m := make(map[string]Field)
	for _, a := range aliases {
		m[Fold(string(a.field))] = a.field
		for _, n := range a.names {
			m[Fold(n)] = a.field
		}
	}
	m[Fold(SourceRowHeader)] = SourceRow
	m[Fold(RepeatsHeader)] = Repeats
	return m
}()

// Fields lists every canonical field in the order templates show them.
func Fields() []Field {
	out := make([]Field, len(aliases))
	for i, a := range aliases {
		out[i] = a.field
	}
	return out
}

// Aliases returns the header names accepted for f, the template's first.
func Aliases(f Field) []string {
	for _, a := range aliases {
		if a.field == f {
			return slices.Clone(a.names)
		}
	}
	return nil
}

// Lookup finds the field a header or a canonical name stands for.
// Lookup matches the whole header only; Match also reads headers with a qualifier.
func Lookup(name string) (Field, bool) {
	f, ok := index[Fold(name)]
	return f, ok
}

// Fold reduces a header to the form aliases are compared in: lower case, ё as е,
// letters and digits only.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == 'ё' || r == 'Ё':
			b.WriteRune('е')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Column is one column of the file and what became of it.
type Column struct {
	Index  int    `json:"index"`  // 0-based position in the row
	Header string `json:"header"` // as written in the file
	Field  Field  `json:"field"`  // "" when the column is not used
	// Note says why a column is not used: "unknown", "duplicate", "ignored".
	Note string `json:"note,omitempty"`
}

// Mapping is the result of reading a header row.
type Mapping struct {
	Columns []Column
	// byField gives the column index of each mapped field.
	byField map[Field]int
}

// Index returns the column of f, or -1.
func (m *Mapping) Index(f Field) int {
	if i, ok := m.byField[f]; ok {
		return i
	}
	return -1
}

// Has reports whether f has a column.
func (m *Mapping) Has(f Field) bool { _, ok := m.byField[f]; return ok }

// Get returns the cell of f in cells, or "" when f has no column or the row is short.
func (m *Mapping) Get(cells []string, f Field) string {
	i, ok := m.byField[f]
	if !ok || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// Header returns the header of f's column, or the field name when it has none.
func (m *Mapping) Header(f Field) string {
	if i, ok := m.byField[f]; ok {
		return m.Columns[i].Header
	}
	return string(f)
}

// Headers returns the non-empty headers of the file, for messages.
func (m *Mapping) Headers() []string {
	var out []string
	for _, c := range m.Columns {
		if strings.TrimSpace(c.Header) != "" {
			out = append(out, c.Header)
		}
	}
	return out
}

// Unknown returns the headers that mapped to no field.
func (m *Mapping) Unknown() []string {
	var out []string
	for _, c := range m.Columns {
		if c.Note == "unknown" {
			out = append(out, c.Header)
		}
	}
	return out
}

// Fields returns the mapped fields in column order.
func (m *Mapping) Fields() []Field {
	var out []Field
	for _, c := range m.Columns {
		if c.Field != "" {
			out = append(out, c.Field)
		}
	}
	return out
}

// Override is one --map 'Header=field'.
type Override struct {
	Header string
	Field  Field
	// Optional is an override that may name a header the file does not have: one a
	// saved profile holds, for a column a later file may have dropped.
	Optional bool
}

// Unmatched returns the overrides, other than Optional ones, whose header is none of
// the file's, compared as Map compares them: a --map for a column the file does not
// have is a mistake to say, never to pass over (README, Columns).
func Unmatched(header []string, overrides []Override) []Override {
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[Fold(h)] = true
	}
	var out []Override
	for _, o := range overrides {
		if !o.Optional && !have[Fold(o.Header)] {
			out = append(out, o)
		}
	}
	return out
}

// MapError is a --map naming a header the file does not have. The command line says
// it as one line, with Headers, and exits 2.
type MapError struct {
	Override Override
	// Headers are the file's non-empty headers.
	Headers []string
}

func (e *MapError) Error() string {
	return fmt.Sprintf("--map '%s=%s': the file has no column %q; its columns are: %s",
		e.Override.Header, e.Override.Field, e.Override.Header, strings.Join(e.Headers, ", "))
}

// ParseOverride parses a --map value. The field may be a canonical name or any alias;
// "-" ignores the column. A value it cannot read is an *OverrideError.
func ParseOverride(s string) (Override, error) {
	i := strings.LastIndex(s, "=")
	if i <= 0 || i == len(s)-1 {
		return Override{}, &OverrideError{Value: s}
	}
	h, f := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	if f == string(Ignore) {
		return Override{Header: h, Field: Ignore}, nil
	}
	field, ok := Lookup(f)
	if !ok {
		return Override{}, &OverrideError{Value: s, Field: f}
	}
	return Override{Header: h, Field: field}, nil
}

// OverrideError is a --map value ParseOverride cannot read: not written as
// Header=field (Field empty), or naming a field no platform has.
type OverrideError struct {
	Value string // the whole --map value
	Field string // the unknown field, if that was the trouble
}

func (e *OverrideError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("--map %q: write it as 'Header=field', e.g. --map 'Почта=email'", e.Value)
	}
	return fmt.Sprintf("--map %q: unknown field %q; fields are %s", e.Value, e.Field, fieldList())
}

// Text is the error in l.
func (e *OverrideError) Text(l lang.Lang) string {
	if l != lang.Russian {
		return e.Error()
	}
	if e.Field == "" {
		return fmt.Sprintf("--map %q: пишите 'Заголовок=поле', например --map 'Почта=email'", e.Value)
	}
	return fmt.Sprintf("--map %q: поля %q нет; есть поля %s", e.Value, e.Field, fieldList())
}

func fieldList() string {
	var names []string
	for _, a := range aliases {
		names = append(names, string(a.field))
	}
	return strings.Join(names, ", ")
}

// Map reads a header row. Each column maps by an override naming its header, else by
// alias, else by an alias with qualifiers (Match: "Email сотрудника"). A header that is
// a field's name as a whole claims it first, wherever it stands, so "Email
// сотрудника" never takes the e-mail from a column headed "E-mail"; otherwise a field
// claimed by two columns keeps the first and marks the other "duplicate". Trailing
// empty headers are dropped. Map never fails: whether the result has what a platform
// needs is for the schema to say, and whether every override found its column for
// Unmatched.
func Map(header []string, overrides []Override) Mapping {
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	m := Mapping{Columns: make([]Column, len(header)), byField: make(map[Field]int)}
	byHeader := make(map[string]Field, len(overrides))
	for _, o := range overrides {
		byHeader[Fold(o.Header)] = o.Field
	}
	qualified := make([]Field, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		c := Column{Index: i, Header: h}
		f, ok := byHeader[Fold(h)]
		if !ok {
			f, ok = Lookup(h)
		}
		switch {
		case h == "":
			c.Note = "empty"
		case f == Ignore:
			c.Note = "ignored"
		case !ok:
			c.Note = "unknown"
			qualified[i], _ = matchQualified(h)
		default:
			m.claim(&c, f)
		}
		m.Columns[i] = c
	}
	for i, f := range qualified {
		if f != "" {
			m.Columns[i].Note = ""
			m.claim(&m.Columns[i], f)
		}
	}
	return m
}

// claim gives c field f, or marks it "duplicate" when another column has f.
func (m *Mapping) claim(c *Column, f Field) {
	if _, taken := m.byField[f]; taken {
		c.Note = "duplicate"
		return
	}
	c.Field = f
	m.byField[f] = c.Index
}

// Known counts the columns that mapped to a field; a header row has at least one.
func (m *Mapping) Known() int { return len(m.byField) }
