package validate

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"userimport/columns"
)

// Options are the run-wide settings of a Validator.
type Options struct {
	// Region is the default phone region for numbers written without a country code.
	Region string
	// Sets are values for cells that are empty (--set field=value).
	Sets map[columns.Field]string
	// Today is the date birth dates are judged against; the zero Date skips the check.
	Today Date
}

// Validator checks rows of one file against one schema. It is immutable and safe for
// concurrent use; each goroutine validates through its own Worker.
type Validator struct {
	schema *Schema
	m      *columns.Mapping
	opts   Options
	// fields are the schema's fields with their column and --set value looked up once,
	// so the per-row loop does no map lookups: at a million rows they showed in the
	// profile.
	fields   []fieldSource
	fullName fieldSource
	// The schema's answers Row needs for every row, looked up once for the same reason.
	takesLastName, takesGender, firstNameRequired bool
}

// fieldSource is where a field's value comes from: a column (-1 for none) and a
// default for empty cells.
type fieldSource struct {
	FieldRule
	col    int
	set    string
	hasSet bool
}

func (v *Validator) source(r FieldRule) fieldSource {
	fs := fieldSource{FieldRule: r, col: v.m.Index(r.Field)}
	fs.set, fs.hasSet = v.opts.Sets[r.Field]
	return fs
}

// NewValidator prepares validation of rows mapped by m against s.
func NewValidator(s *Schema, m *columns.Mapping, opts Options) *Validator {
	if opts.Region == "" {
		opts.Region = "RU"
	}
	v := &Validator{schema: s, m: m, opts: opts}
	for _, r := range s.Fields {
		v.fields = append(v.fields, v.source(r))
	}
	v.fullName = v.source(FieldRule{Field: columns.FullName})
	v.takesLastName, v.takesGender = s.Takes(columns.LastName), s.Takes(columns.Gender)
	r, _ := s.Rule(columns.FirstName)
	v.firstNameRequired = r.Required
	return v
}

// Schema returns the schema rows are checked against.
func (v *Validator) Schema() *Schema { return v.schema }

// Worker validates rows one at a time. It holds per-goroutine state (a reusable phone
// parser), so it is not safe for concurrent use: make one per goroutine.
type Worker struct {
	v     *Validator
	phone *PhoneParser
}

// Worker returns a new Worker for one goroutine.
func (v *Validator) Worker() *Worker {
	return &Worker{v: v, phone: NewPhoneParser(v.opts.Region)}
}

// value returns the raw value of a field: its cell when not blank, else the --set value.
func (fs *fieldSource) value(cells []string) string {
	var raw string
	if fs.col >= 0 && fs.col < len(cells) {
		raw = cells[fs.col]
	}
	if fs.hasSet && isBlank(raw) {
		return fs.set
	}
	return raw
}

// cell returns the raw value of f, for the few places that name a field directly.
func (w *Worker) cell(cells []string, f columns.Field) string {
	for i := range w.v.fields {
		if w.v.fields[i].Field == f {
			return w.v.fields[i].value(cells)
		}
	}
	if f == columns.FullName {
		return w.v.fullName.value(cells)
	}
	return w.v.m.Get(cells, f)
}

// rowIssues collects the issues of one row, filling in the field, column and raw value
// the normalizers leave out.
type rowIssues struct {
	m    *columns.Mapping
	list []Issue
}

func (r *rowIssues) add(f columns.Field, raw string, found []Issue) {
	for _, i := range found {
		i.Field = string(f)
		i.Column = r.m.Header(f)
		i.Raw = raw
		r.list = append(r.list, i)
	}
}

func (r *rowIssues) addOne(f columns.Field, raw string, i Issue) {
	r.add(f, raw, []Issue{i})
}

// Marks flag cells whose text is not the whole story, as the source found them.
type Marks struct {
	// NoValue are columns of formulas with no saved value: empty, but not blank.
	NoValue []int
	// Rounded are columns of numbers Excel stored with only 15 significant digits.
	Rounded []int
}

// Row normalizes and checks one row. The user is complete only when the issues hold
// no Error; login and password generation, which need the whole file's view, are left
// to the caller (see Schema.GenerateLogin and GeneratePassword).
func (w *Worker) Row(cells []string, marks Marks) (User, []Issue) {
	var (
		u   User
		iss = rowIssues{m: w.v.m}
		s   = w.v.schema
	)
	for fi := range w.v.fields {
		fs := &w.v.fields[fi]
		rule, f := &fs.FieldRule, fs.Field
		if len(marks.NoValue)+len(marks.Rounded) > 0 {
			if i := fs.col; i >= 0 && i < len(cells) {
				if slices.Contains(marks.NoValue, i) {
					iss.addOne(f, "", Issue{Code: CodeFormulaNoValue, Severity: Error})
					continue
				}
				if slices.Contains(marks.Rounded, i) {
					iss.addOne(f, cells[i], Issue{Code: CodeIDPrecision, Severity: Error, Detail: cells[i]})
					continue
				}
			}
		}
		raw := fs.value(cells)
		if isBlank(raw) {
			continue
		}
		var (
			val   string
			found []Issue
		)
		switch f {
		case columns.UID, columns.CompanyID, columns.Product:
			val = trimSpace(raw)
			if looksRounded(val) {
				found = []Issue{{Code: CodeIDPrecision, Severity: Error, Detail: val}}
			}
		case columns.LastName, columns.FirstName, columns.MiddleName:
			val, found = NormalizeName(raw)
		case columns.Login:
			val, found = NormalizeLogin(raw)
		case columns.Email:
			val, found = NormalizeEmail(raw)
		case columns.Password:
			val = trimSpace(raw)
		case columns.Phone:
			var ext string
			val, ext, found = w.phone.Normalize(raw)
			if ext != "" {
				if s.ExtensionField != "" {
					u.PhoneExt = ext
				} else {
					found = append(found, Issue{Code: CodePhoneExt, Severity: Warning, Detail: ext, Normalized: val})
				}
			}
		case columns.BirthDate, columns.HireDate, columns.PositionDate:
			var d Date
			d, found = ParseDate(raw)
			switch f {
			case columns.BirthDate:
				u.BirthDate = d
				if !d.IsZero() && !w.v.opts.Today.IsZero() {
					found = append(found, CheckBirthDate(d, w.v.opts.Today)...)
				}
			case columns.HireDate:
				u.HireDate = d
			default:
				u.PositionDate = d
			}
		case columns.Gender:
			u.Gender, found = ParseGender(raw)
		case columns.Active:
			u.Active, found = ParseBool(raw)
		default:
			val = collapseSpaces(raw)
			if len(rule.Values) > 0 {
				if i := slices.IndexFunc(rule.Values, func(v string) bool { return strings.EqualFold(v, val) }); i >= 0 {
					val = rule.Values[i]
				} else {
					found = []Issue{{Code: CodeValueInvalid, Severity: Error, Detail: strings.Join(rule.Values, ", ")}}
					val = ""
				}
			}
		}
		// A value of no more bytes than the limit has no more characters either.
		if rule.MaxLen > 0 && len(val) > rule.MaxLen && utf8.RuneCountInString(val) > rule.MaxLen {
			found = append(found, Issue{Code: CodeTooLong, Severity: Error, Detail: strconv.Itoa(rule.MaxLen)})
		}
		iss.add(f, raw, found)
		setField(&u, f, val)
	}

	// A full-name column fills the name parts the file does not give separately.
	if w.v.takesLastName && (u.LastName == "" || u.FirstName == "") {
		if raw := w.v.fullName.value(cells); !isBlank(raw) {
			last, first, middle, found := SplitFullName(raw)
			// One word is not a full name where the platform needs a first name; where
			// it does not (inSkill, iSpring, CS-Cart), the word goes as the last name
			// and the row is only warned about.
			if !w.v.firstNameRequired {
				for i := range found {
					if found[i].Code == CodeNameIncomplete {
						found[i].Severity = Warning
						last = found[i].Normalized
					}
				}
			}
			iss.add(columns.FullName, raw, found)
			if u.LastName == "" {
				u.LastName = last
			}
			if u.FirstName == "" {
				u.FirstName = first
			}
			if u.MiddleName == "" {
				u.MiddleName = middle
			}
		}
	}

	if w.v.takesGender && u.Gender == GenderUnknown && u.MiddleName != "" {
		if g := GenderFromPatronymic(u.MiddleName); g != GenderUnknown {
			u.Gender, u.GenderInferred = g, true
			iss.addOne(columns.Gender, "", Issue{Code: CodeGenderInferred, Severity: Warning, Detail: u.MiddleName, Normalized: g.String()})
		}
	}

	// Required fields last, so a value that failed to normalize is not also "required".
	for i := range w.v.fields {
		rule := &w.v.fields[i].FieldRule
		if !rule.Required || fieldValue(&u, rule.Field) != "" {
			continue
		}
		if (rule.Field == columns.Login && s.GenerateLogin) || (rule.Field == columns.Password && s.GeneratePassword) {
			continue
		}
		if hasIssueFor(iss.list, rule.Field) {
			continue
		}
		f := rule.Field
		if (f == columns.LastName || f == columns.FirstName) && !w.v.m.Has(f) && w.v.m.Has(columns.FullName) {
			if hasIssueFor(iss.list, columns.FullName) {
				continue
			}
			f = columns.FullName
		}
		iss.addOne(f, w.cell(cells, f), Issue{Code: CodeRequired, Severity: Error})
	}
	return u, iss.list
}

func hasIssueFor(list []Issue, f columns.Field) bool {
	for _, i := range list {
		if i.Field == string(f) && i.Severity == Error {
			return true
		}
	}
	return false
}

// looksRounded reports whether an id is in the scientific notation Excel uses for
// numbers it could not keep whole (1.23456789012346E+17).
func looksRounded(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return false
	}
	if _, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err != nil {
		return false
	}
	return s[i+1] == '+'
}

// collapseSpaces trims s and, when it holds two spaces in a row or a tab or line break,
// turns every run of white space into one space. One pass looks for both.
func collapseSpaces(s string) string {
	s = trimSpace(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return strings.Join(strings.Fields(s), " ")
			}
		case '\t', '\n', '\r':
			return strings.Join(strings.Fields(s), " ")
		}
	}
	return s
}

// setField stores a text value in the User field f stands for. Dates, gender and
// active are stored by the caller, which has them typed.
func setField(u *User, f columns.Field, val string) {
	if p := textField(u, f); p != nil {
		*p = val
	}
}

// fieldValue returns f's value in u as text, for required checks and reports.
func fieldValue(u *User, f columns.Field) string {
	switch f {
	case columns.BirthDate:
		return u.BirthDate.DMY()
	case columns.HireDate:
		return u.HireDate.DMY()
	case columns.PositionDate:
		return u.PositionDate.DMY()
	case columns.Gender:
		return u.Gender.String()
	case columns.Active:
		return u.Active.String()
	case columns.FullName:
		return u.FullName()
	}
	if p := textField(u, f); p != nil {
		return *p
	}
	return ""
}

// Value returns the normalized value of f in u as text, as reports show it.
func Value(u *User, f columns.Field) string { return fieldValue(u, f) }

func textField(u *User, f columns.Field) *string {
	switch f {
	case columns.UID:
		return &u.UID
	case columns.LastName:
		return &u.LastName
	case columns.FirstName:
		return &u.FirstName
	case columns.MiddleName:
		return &u.MiddleName
	case columns.Login:
		return &u.Login
	case columns.Email:
		return &u.Email
	case columns.Password:
		return &u.Password
	case columns.Phone:
		return &u.Phone
	case columns.City:
		return &u.City
	case columns.Department:
		return &u.Department
	case columns.Position:
		return &u.Position
	case columns.Tags:
		return &u.Tags
	case columns.Groups:
		return &u.Groups
	case columns.Role:
		return &u.Role
	case columns.Product:
		return &u.Product
	case columns.UserType:
		return &u.UserType
	case columns.CompanyID:
		return &u.CompanyID
	case columns.Status:
		return &u.Status
	case columns.WorkContact:
		return &u.WorkContact
	case columns.UserField1, columns.UserField2, columns.UserField3, columns.UserField4, columns.UserField5:
		return &u.UserFields[f[len(f)-1]-'1']
	}
	return nil
}
