package people

import (
	"iter"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"userimport/columns"
	"userimport/validate"
)

// The columns of a generated sheet, in order.
const (
	ColUID = iota
	ColFullName
	ColLogin
	ColEmail
	ColPhone
	ColBirth
	ColGender
	ColCity
	ColDepartment
	ColPosition
	NumColumns
)

// Header is the header row of a generated sheet: Russian headers as an HR export
// writes them, each one an alias package columns knows.
var Header = [NumColumns]string{
	"Табельный номер", "ФИО", "Логин", "E-mail", "Телефон", "Дата рождения", "Пол",
	"Город", "Подразделение", "Должность",
}

// Fields are the canonical fields of the columns, in order.
var Fields = [NumColumns]columns.Field{
	columns.UID, columns.FullName, columns.Login, columns.Email, columns.Phone,
	columns.BirthDate, columns.Gender, columns.City, columns.Department, columns.Position,
}

// Problem is one deliberate problem in a generated file: the row as the spreadsheet
// numbers it (the header is row 1), the canonical field and the code the validator must
// report.
type Problem struct {
	Row   int           `json:"row"`
	Field columns.Field `json:"field"`
	Code  validate.Code `json:"code"`
	// Of is, for a duplicate, the earlier row that holds the same value first.
	Of int `json:"of,omitempty"`
}

// Expected lists every deliberate problem in a file, errors and warnings apart, in row
// order. Every row not listed must validate without any issue.
type Expected struct {
	Errors   []Problem `json:"errors"`
	Warnings []Problem `json:"warnings"`
}

// Add records the problems of r.
func (e *Expected) Add(r *Row) {
	if r.Error.Code != "" {
		e.Errors = append(e.Errors, r.Error)
	}
	if r.Warning.Code != "" {
		e.Warnings = append(e.Warnings, r.Warning)
	}
}

// Row is one rendered spreadsheet row.
type Row struct {
	Num   int                // the row number the spreadsheet shows; the header is row 1
	Cells [NumColumns]string // the text of each cell, as a CSV holds it
	// Phone, when not zero, is the phone as a number: an XLSX writer stores the cell as
	// a number (as Excel does when someone types 89123456789), CSV uses Cells.
	Phone int64
	// Birth, when not zero, is the birth date for an XLSX writer to store as a real
	// date cell; when zero the XLSX cell holds the text in Cells.
	Birth time.Time
	// Error is the row's one deliberate error; its Code is empty for a clean row.
	Error Problem
	// Warning is a deliberate warning; its Code is empty when there is none.
	Warning Problem
}

// Mess says how messy a rendered file is.
type Mess struct {
	// ErrorRate is the probability that a row carries one deliberate error, e.g. 0.03.
	// 0 gives a file in which every row is valid.
	ErrorRate float64
}

// The kinds of deliberate error, each a mistake HR files really have.
const (
	breakEmail     = iota // an e-mail without @
	breakPhone            // a phone one digit short
	breakDate             // 31 February
	breakPosition         // the required position left empty
	breakName             // a ФИО of one word
	breakDuplicate        // an earlier row's e-mail again, in other case and with spaces
	numBreaks
)

// recent is how many earlier clean rows a duplicate may copy from: enough to vary, and
// a fixed number so that memory stays flat however long the file.
const recent = 16

// Renderer turns people into messy spreadsheet rows. It is not safe for concurrent use.
type Renderer struct {
	rng  *rand.Rand
	mess Mess
	// clean holds the e-mails and row numbers of the last clean rows, the ones a
	// duplicate copies; n counts how many were ever put in.
	clean [recent]struct {
		email string
		row   int
	}
	n int
}

// NewRenderer returns a renderer whose choices depend only on seed and m.
func NewRenderer(seed uint64, m Mess) *Renderer {
	return &Renderer{rng: rand.New(rand.NewPCG(seed^0x5851f42d4c957f2d, seed)), mess: m}
}

// Rows renders n people of New(seed) as rows 2 to n+1 of a sheet.
func Rows(seed uint64, n int, m Mess) iter.Seq[Row] {
	return func(yield func(Row) bool) {
		g := New(seed)
		r := NewRenderer(seed, m)
		for i := range n {
			if !yield(r.Render(i+2, g.Next())) {
				return
			}
		}
	}
}

// Render renders p as row num: every value valid, in one of the spellings real files
// use, and with probability Mess.ErrorRate exactly one deliberate error, recorded in
// Row.Error. A duplicate copies the e-mail of one of the last clean rows rendered, so
// rows must be rendered in order.
func (rd *Renderer) Render(num int, p Person) Row {
	r := rd.rng
	row := Row{Num: num}
	broken := -1
	if rd.mess.ErrorRate > 0 && r.Float64() < rd.mess.ErrorRate {
		broken = r.IntN(numBreaks)
		if broken == breakDuplicate && rd.n == 0 {
			broken = breakEmail
		}
	}

	c := &row.Cells
	c[ColUID] = p.UID
	c[ColFullName] = messName(r, &p)
	c[ColLogin] = p.Login
	c[ColEmail] = messEmail(r, p.Email)
	c[ColPhone], row.Phone = messPhone(r, p.Phone)
	c[ColBirth] = messDate(r, p.Birth)
	// Most XLSX files hold real date cells; some have dates typed as text.
	if r.IntN(100) < 85 {
		row.Birth = p.Birth
	}
	c[ColGender] = messGender(r, p.Female)
	c[ColCity] = p.City
	c[ColDepartment] = p.Department
	c[ColPosition] = p.Position

	switch broken {
	case breakEmail:
		c[ColEmail] = strings.Replace(c[ColEmail], "@", "", 1)
		row.Error = Problem{Row: num, Field: columns.Email, Code: validate.CodeEmailInvalid}
	case breakPhone:
		c[ColPhone] = shortPhone(r, p.Phone)
		row.Phone = 0
		row.Error = Problem{Row: num, Field: columns.Phone, Code: validate.CodePhoneInvalid}
	case breakDate:
		c[ColBirth] = "31.02." + strconv.Itoa(p.Birth.Year())
		row.Birth = time.Time{}
		row.Error = Problem{Row: num, Field: columns.BirthDate, Code: validate.CodeDateInvalid}
	case breakPosition:
		c[ColPosition] = ""
		row.Error = Problem{Row: num, Field: columns.Position, Code: validate.CodeRequired}
	case breakName:
		c[ColFullName] = p.Last
		row.Error = Problem{Row: num, Field: columns.FullName, Code: validate.CodeNameIncomplete}
	case breakDuplicate:
		k := r.IntN(min(rd.n, recent))
		c[ColEmail] = " " + shout(rd.clean[k].email) + " "
		row.Error = Problem{Row: num, Field: columns.Email, Code: validate.CodeDuplicate, Of: rd.clean[k].row}
	default:
		rd.clean[rd.n%recent].email = p.Email
		rd.clean[rd.n%recent].row = num
		rd.n++
	}
	return row
}

// messName writes the ФИО mostly as it should be, sometimes in capitals (as personnel
// systems print it) and sometimes with stray spaces around or between the words.
func messName(r *rand.Rand, p *Person) string {
	s := p.FullName()
	switch n := r.IntN(100); {
	case n < 10:
		return strings.ToUpper(s)
	case n < 13:
		return strings.Replace(s, " ", "  ", 1)
	case n < 16:
		return s + " "
	}
	return s
}

// messEmail writes an e-mail mostly in lower case, sometimes with capitals (as people
// type their names) and sometimes with a stray space before or after it.
func messEmail(r *rand.Rand, e string) string {
	switch n := r.IntN(100); {
	case n < 10:
		return capitalize(e)
	case n < 13:
		return strings.ToUpper(e)
	case n < 17:
		return " " + e
	case n < 21:
		return e + " "
	}
	return e
}

// capitalize upper-cases the first letter of each part of an address:
// ivan.petrov@mail.ru becomes Ivan.Petrov@Mail.ru.
func capitalize(s string) string {
	b := []byte(s)
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '.' || c == '@' || c == '-'
	}
	return string(b)
}

// shout writes an address with its local part in capitals and its domain capitalized,
// the way a duplicate typed by someone else looks: IVAN.PETROV@Mail.ru.
func shout(e string) string {
	at := strings.IndexByte(e, '@')
	if at < 0 {
		return strings.ToUpper(e)
	}
	return strings.ToUpper(e[:at]) + capitalize(e[at:])
}

// The spellings of one mobile number seen in HR files. Digits-only forms are typed
// into Excel as numbers in some files.
const (
	phoneTrunkBrackets = iota // 8 (912) 345-67-89
	phonePlusSpaces           // +7 912 3456789
	phoneTrunkDigits          // 89123456789
	phoneBare                 // 9123456789
	phonePlusBrackets         // +7 (912) 345-67-89
	phoneTrunkDashes          // 8-912-345-67-89
	phonePlain                // +79123456789
	numPhoneForms
)

// messPhone spells an E.164 Russian mobile number in one of the forms people type, and
// returns it as a number too when an XLSX file may hold it as one.
func messPhone(r *rand.Rand, e164 string) (string, int64) {
	form := r.IntN(numPhoneForms)
	s := formatPhone(form, e164[2:])
	if (form == phoneTrunkDigits || form == phoneBare) && r.IntN(2) == 0 {
		n, _ := strconv.ParseInt(s, 10, 64)
		return s, n
	}
	return s, 0
}

// formatPhone spells the ten national digits d in the given form.
func formatPhone(form int, d string) string {
	switch form {
	case phoneTrunkBrackets:
		return "8 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
	case phonePlusSpaces:
		return "+7 " + d[:3] + " " + d[3:]
	case phoneTrunkDigits:
		return "8" + d
	case phoneBare:
		return d
	case phonePlusBrackets:
		return "+7 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
	case phoneTrunkDashes:
		return "8-" + d[:3] + "-" + d[3:6] + "-" + d[6:8] + "-" + d[8:]
	}
	return "+7" + d
}

// shortPhone spells a number with its last digit lost, in a form that keeps the
// country: with nine national digits no reading of it is a valid number.
func shortPhone(r *rand.Rand, e164 string) string {
	d := e164[2 : len(e164)-1]
	switch r.IntN(3) {
	case 0:
		return "8 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
	case 1:
		return "+7 " + d[:3] + " " + d[3:]
	}
	return "+7 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
}

// messDate writes a date as DD.MM.YYYY mostly and as YYYY-MM-DD sometimes. Two-digit
// years are left out: they are ambiguous and the validator rightly warns about them.
func messDate(r *rand.Rand, t time.Time) string {
	if r.IntN(100) < 80 {
		return dmy(t)
	}
	return t.Format(time.DateOnly)
}

func dmy(t time.Time) string {
	var b [10]byte
	y, m, d := t.Date()
	b[0], b[1], b[2] = byte('0'+d/10), byte('0'+d%10), '.'
	b[3], b[4], b[5] = byte('0'+int(m)/10), byte('0'+int(m)%10), '.'
	b[6], b[7], b[8], b[9] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	return string(b[:])
}

var (
	maleWords   = []string{"м", "М", "муж", "male"}
	femaleWords = []string{"ж", "Ж", "жен", "female"}
)

// messGender writes the gender in one of the words HR files use.
func messGender(r *rand.Rand, female bool) string {
	if female {
		return femaleWords[r.IntN(len(femaleWords))]
	}
	return maleWords[r.IntN(len(maleWords))]
}
