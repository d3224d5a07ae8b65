// Package people makes realistic Russian staff records and renders them as the messy
// spreadsheets HR departments really send, for benchmarks, validation tests and the
// project's sample files. Everything is deterministic: the same seed always gives the
// same people and the same file, byte for byte for CSV.
//
// The generator is the ground truth: it knows the clean record behind every row and
// which rows it broke on purpose, so a test can demand that the validator finds exactly
// those problems and no others.
package people

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// Person is one clean staff record. Strings hold canonical values: the e-mail in
// lower case, the phone in E.164 (+79123456789), the names in their usual case.
type Person struct {
	UID        string // T000123, unique per generator
	Last       string
	First      string
	Middle     string // empty for Latin-script names and for a few people without one
	Login      string // i.ivanov, unique per generator
	Email      string // ivan.ivanov@mail.ru, unique per generator
	Phone      string // +79123456789, a valid Russian mobile number
	City       string
	Department string
	Position   string
	Tags       string // comma-separated, often empty
	Birth      time.Time
	Female     bool
	Active     bool
}

// FullName joins the name parts as a Russian ФИО column holds them: Фамилия Имя Отчество.
func (p *Person) FullName() string {
	s := p.Last + " " + p.First
	if p.Middle != "" {
		s += " " + p.Middle
	}
	return s
}

// kind is the sort of name a person gets.
type kind int8

const (
	kindAny    kind = iota // drawn with the shares in Gen.Next
	kindRus                // Russian name, surname and (mostly) patronymic
	kindDouble             // Russian, with a hyphenated surname
	kindAz                 // Azerbaijani, with an оглы/кызы patronymic
	kindLat                // Latin script, no patronymic
)

// firstName is a first name with its transliteration and an id for the uniqueness
// counters.
type firstName struct {
	name   string
	lat    string // Translit(name)
	id     int    // index into the first-name id space
	female bool
}

// surname is a surname in both genders' forms, with their transliterations and an id
// for the uniqueness counters.
type surname struct {
	male, female       string
	latMale, latFemale string
	id                 int // index into the surname id space
}

// tables holds the name tables with their transliterations, built once.
type tables struct {
	rusMale, rusFemale, azMale, azFemale, latMale, latFemale []firstName
	rus, double, az, lat                                     []surname
	firsts, surnames                                         int // sizes of the id spaces
}

var names = buildTables()

func buildTables() *tables {
	t := &tables{}
	addFirst := func(list []string, female bool) []firstName {
		out := make([]firstName, len(list))
		for i, n := range list {
			out[i] = firstName{name: n, lat: Translit(n), id: t.firsts, female: female}
			t.firsts++
		}
		return out
	}
	addSurnames := func(list []string, declines bool) []surname {
		out := make([]surname, len(list))
		for i, m := range list {
			f := m
			if declines {
				f = femaleSurname(m)
			}
			out[i] = surname{male: m, female: f, latMale: Translit(m), latFemale: Translit(f), id: t.surnames}
			t.surnames++
		}
		return out
	}
	male := make([]string, len(rusMale))
	for i, f := range rusMale {
		male[i] = f.name
	}
	t.rusMale = addFirst(male, false)
	t.rusFemale = addFirst(rusFemale, true)
	t.azMale = addFirst(azMale, false)
	t.azFemale = addFirst(azFemale, true)
	t.latMale = addFirst(latMale, false)
	t.latFemale = addFirst(latFemale, true)
	t.rus = addSurnames(rusSurnames, true)
	t.double = addSurnames(doubleSurnames, true)
	t.az = addSurnames(azSurnames, true)
	t.lat = addSurnames(latSurnames, false)
	return t
}

// Gen makes people. It is not safe for concurrent use; make one per goroutine.
type Gen struct {
	rng *rand.Rand
	seq int
	// emails counts the people so far per (first name, surname) pair, and logins per
	// (initial, surname form): the next one with the same pair gets the count as a
	// suffix. Their size depends on the name tables only, not on how many people are
	// made, so a generator of a million people stays small.
	emails []uint32
	logins []uint32
}

// New returns a generator whose sequence of people depends only on seed.
func New(seed uint64) *Gen {
	return &Gen{
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		emails: make([]uint32, names.firsts*names.surnames),
		logins: make([]uint32, 26*names.surnames*2),
	}
}

// Next returns the next person.
func (g *Gen) Next() Person { return g.next(kindAny) }

// Shares of the kinds of names, in per mille: mostly Russian, with the few double
// surnames, Azerbaijani and Latin names any large Russian company has.
const (
	shareLat    = 15
	shareAz     = 25
	shareDouble = 15
	// shareNoMiddle is the share of Russians without a patronymic in the file.
	shareNoMiddle = 20
)

var (
	birthFrom = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	birthDays = int(time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC).Sub(birthFrom).Hours() / 24)
)

// mobileCodes are operator codes of Russian mobile numbers (the 9XX after +7), all
// valid in libphonenumber's metadata; a test checks it.
var mobileCodes = []uint16{
	900, 901, 902, 903, 904, 905, 906, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917,
	918, 919, 920, 921, 922, 923, 924, 925, 926, 927, 928, 929, 930, 931, 932, 933, 934,
	936, 937, 938, 939, 950, 951, 952, 953, 958, 960, 961, 962, 963, 964, 965, 966, 967,
	968, 969, 977, 978, 980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 991, 992, 993,
	994, 995, 996, 997, 999,
}

func (g *Gen) next(k kind) Person {
	r := g.rng
	g.seq++
	if k == kindAny {
		switch n := r.IntN(1000); {
		case n < shareLat:
			k = kindLat
		case n < shareLat+shareAz:
			k = kindAz
		case n < shareLat+shareAz+shareDouble:
			k = kindDouble
		default:
			k = kindRus
		}
	}
	female := r.IntN(100) < 55 // most office staff in Russia are women
	var p Person
	p.Female = female
	var fn firstName
	var sn surname
	switch k {
	case kindLat:
		fn = pick(r, names.latMale, names.latFemale, female)
		sn = names.lat[r.IntN(len(names.lat))]
	case kindAz:
		fn = pick(r, names.azMale, names.azFemale, female)
		sn = names.az[r.IntN(len(names.az))]
		suffix := " оглы"
		if female {
			suffix = " кызы"
		}
		p.Middle = azFathers[r.IntN(len(azFathers))] + suffix
	default:
		fn = pick(r, names.rusMale, names.rusFemale, female)
		if k == kindDouble {
			sn = names.double[r.IntN(len(names.double))]
		} else {
			sn = names.rus[r.IntN(len(names.rus))]
		}
		f := rusMale[r.IntN(len(rusMale))]
		if k == kindDouble || r.IntN(1000) >= shareNoMiddle {
			p.Middle = f.son
			if female {
				p.Middle = f.daughter
			}
		}
	}
	p.First = fn.name
	last, lastLat := sn.male, sn.latMale
	if female {
		last, lastLat = sn.female, sn.latFemale
	}
	p.Last = last

	p.UID = uid(g.seq)

	// E-mail: ivan.ivanov, then ivan.ivanov2, ivan.ivanov3 for the namesakes.
	n := &g.emails[fn.id*names.surnames+sn.id]
	*n++
	domain := pickDomain(r)
	p.Email = fn.lat + "." + lastLat + suffix(*n) + "@" + domain

	// Login: i.ivanov, then i.ivanov2. Women and men with a declining surname have
	// different forms (i.ivanova), so the form is part of the key.
	initial := fn.lat[0] - 'a'
	form := 0
	if female && sn.female != sn.male {
		form = 1
	}
	n = &g.logins[(int(initial)*names.surnames+sn.id)*2+form]
	*n++
	p.Login = fn.lat[:1] + "." + lastLat + suffix(*n)

	code := mobileCodes[r.IntN(len(mobileCodes))]
	p.Phone = phone(code, r.IntN(10_000_000))

	p.Birth = birthFrom.AddDate(0, 0, r.IntN(birthDays))
	p.City = pickCity(r)
	d := &departments[r.IntN(len(departments))]
	p.Department = d.name
	p.Position = d.positions[r.IntN(len(d.positions))]
	switch t := r.IntN(100); {
	case t < 70:
	case t < 95:
		p.Tags = tags[r.IntN(len(tags))]
	default:
		a, b := r.IntN(len(tags)), r.IntN(len(tags)-1)
		if b >= a {
			b++
		}
		p.Tags = tags[a] + "," + tags[b]
	}
	p.Active = r.IntN(100) < 97
	return p
}

func pick(r *rand.Rand, male, female []firstName, isFemale bool) firstName {
	if isFemale {
		return female[r.IntN(len(female))]
	}
	return male[r.IntN(len(male))]
}

func pickDomain(r *rand.Rand) string {
	n := r.IntN(100)
	for _, d := range mailDomains {
		if n < d.share {
			return d.domain
		}
		n -= d.share
	}
	return companyDomain
}

// pickCity puts a third of the staff in Moscow and a tenth in Saint Petersburg, as a
// company with a head office and regional branches has them.
func pickCity(r *rand.Rand) string {
	switch n := r.IntN(100); {
	case n < 33:
		return cities[0]
	case n < 43:
		return cities[1]
	}
	return cities[2+r.IntN(len(cities)-2)]
}

// suffix is "" for the first person with a name and the count for the later ones.
func suffix(n uint32) string {
	if n <= 1 {
		return ""
	}
	return strconv.FormatUint(uint64(n), 10)
}

// uid formats a personnel number as T and at least six digits: T000123.
func uid(n int) string {
	var b [16]byte
	d := strconv.AppendInt(b[:0], int64(n), 10)
	out := make([]byte, 0, 8+len(d))
	out = append(out, 'T')
	for i := len(d); i < 6; i++ {
		out = append(out, '0')
	}
	return string(append(out, d...))
}

// phone formats +7, the operator code and the subscriber number in E.164.
func phone(code uint16, sub int) string {
	var b [12]byte
	b[0], b[1] = '+', '7'
	b[2] = byte('0' + code/100)
	b[3] = byte('0' + code/10%10)
	b[4] = byte('0' + code%10)
	for i := 11; i >= 5; i-- {
		b[i] = byte('0' + sub%10)
		sub /= 10
	}
	return string(b[:])
}
