// Package validate turns a raw spreadsheet row into a normalized user, or into the list
// of problems that keep it from being one. Everything here is pure: no files, no network,
// no environment. The importer calls it from several goroutines at once.
package validate

import (
	"fmt"
	"time"
)

// User is the canonical record every target maps from. Strings are normalized (trimmed,
// e-mail lower-cased, phone in E.164); an empty string means "no value", and a target
// never sends an empty value, so an update never erases what the platform holds.
type User struct {
	UID        string // stable external id (табельный номер)
	LastName   string
	FirstName  string
	MiddleName string
	Login      string
	Email      string
	Password   string
	// PasswordGenerated is true when the file had no password and one was made up;
	// such passwords go to passwords.csv and nowhere else.
	PasswordGenerated bool
	// LoginGenerated is true when the login was derived (from the e-mail or the name).
	LoginGenerated bool
	Phone          string // E.164, e.g. +79123456789
	PhoneExt       string // extension digits, when the cell had one
	BirthDate      Date
	HireDate       Date
	Gender         Gender
	// GenderInferred is true when Gender was guessed from the patronymic.
	GenderInferred bool
	Active         Tristate
	City           string
	Department     string
	Position       string
	Tags           string // comma-separated, as the platforms take them
	Groups         string // comma-separated group names
	Role           string
	Product        string
	UserType       string
	CompanyID      string
	Status         string
	WorkContact    string    // Collaborator's work contacts
	PositionDate   Date      // Collaborator: the date of the current position
	UserFields     [5]string // Collaborator's user_field1..user_field5
}

// FullName joins the name parts the way Russian documents write them: Фамилия Имя Отчество.
func (u *User) FullName() string {
	s := u.LastName
	for _, p := range []string{u.FirstName, u.MiddleName} {
		if p == "" {
			continue
		}
		if s != "" {
			s += " "
		}
		s += p
	}
	return s
}

// Gender is a person's gender as the platforms encode it; GenderUnknown is not sent.
type Gender int8

const (
	GenderUnknown Gender = iota
	Male
	Female
)

func (g Gender) String() string {
	switch g {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return ""
}

// Tristate is a yes/no value that may be absent from the file.
type Tristate int8

const (
	Unset Tristate = iota
	Yes
	No
)

func (t Tristate) String() string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return ""
}

// Date is a calendar date with no time zone, as birth and hire dates are. The zero Date
// means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether d holds no date.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// DMY formats d as DD.MM.YYYY, the form Russian documents and Collaborator use.
func (d Date) DMY() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d.%02d.%04d", d.Day, d.Month, d.Year)
}

// ISO formats d as YYYY-MM-DD.
func (d Date) ISO() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Unix is midnight UTC of d in Unix seconds, the form CS-Cart stores birthdays in.
func (d Date) Unix() int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix()
}

// Time is midnight UTC of d.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}
