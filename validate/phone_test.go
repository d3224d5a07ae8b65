package validate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nyaruka/phonenumbers"

	"userimport/lang"
)

var (
	invalidPhone  = []Code{CodePhoneInvalid}
	excelPhone    = []Code{CodePhoneExcel}
	multiplePhone = []Code{CodePhoneMultiple}
)

const (
	mobile = "+79123456789"
	office = "+74955850153"
)

var phoneTests = []struct {
	name   string
	raw    string
	region string
	e164   string
	ext    string
	codes  []Code
	detail string
}{
	// The Russian spellings of one mobile number.
	{"trunk brackets dashes", "8 (912) 345-67-89", "", mobile, "", nil, ""},
	{"trunk plain", "89123456789", "", mobile, "", nil, ""},
	{"plus seven", "+79123456789", "", mobile, "", nil, ""},
	{"seven", "79123456789", "", mobile, "", nil, ""},
	{"ten digits", "9123456789", "", mobile, "", nil, ""},
	{"plus seven spaces", "+7 912 345 67 89", "", mobile, "", nil, ""},
	{"seven spaces", "7 912 345 67 89", "", mobile, "", nil, ""},
	{"plus seven brackets", "+7(912)3456789", "", mobile, "", nil, ""},
	{"plus seven brackets spaced", "+7 (912) 345-67-89", "", mobile, "", nil, ""},
	{"trunk dashes", "8-912-345-67-89", "", mobile, "", nil, ""},
	{"trunk dots", "8.912.345.67.89", "", mobile, "", nil, ""},
	{"trunk brackets no space", "8(912)345-67-89", "", mobile, "", nil, ""},
	{"ten digits brackets", "(912) 345-67-89", "", mobile, "", nil, ""},
	{"ten digits dashes", "912-345-67-89", "", mobile, "", nil, ""},
	{"padded", "  8 912 345 67 89  ", "", mobile, "", nil, ""},
	{"nbsp", "8\u00a0912\u00a0345\u00a067\u00a089", "", mobile, "", nil, ""},
	{"tel prefix", "тел. 8 912 3456789", "", mobile, "", nil, ""},
	{"mob prefix", "моб.: +7 912 345-67-89", "", mobile, "", nil, ""},
	{"plus seven dash", "+7-912-345-67-89", "", mobile, "", nil, ""},
	{"fullwidth plus", "＋7 912 345 67 89", "", mobile, "", nil, ""},
	{"en dashes", "8 912 345–67–89", "", mobile, "", nil, ""},
	{"trailing dot", "89123456789.", "", mobile, "", nil, ""},
	{"other mobile", "+7 (999) 000-11-22", "", "+79990001122", "", nil, ""},
	{"other mobile trunk", "8 903 123 45 67", "", "+79031234567", "", nil, ""},

	// Landlines and service numbers.
	{"moscow", "+7 (495) 123-45-67", "", "+74951234567", "", nil, ""},
	{"moscow trunk", "8 (495) 123-45-67", "", "+74951234567", "", nil, ""},
	{"moscow ten", "4951234567", "", "+74951234567", "", nil, ""},
	{"st petersburg", "8 (812) 123-45-67", "", "+78121234567", "", nil, ""},
	{"toll free", "8-800-555-35-35", "", "+78005553535", "", nil, ""},
	{"toll free plus", "+7 800 555 35 35", "", "+78005553535", "", nil, ""},
	{"yekaterinburg", "8 (343) 222-33-44", "", "+73432223344", "", nil, ""},
	{"kazakhstan", "+7 701 123 4567", "", "+77011234567", "", nil, ""},

	// Other countries.
	{"belarus", "+375 29 123-45-67", "", "+375291234567", "", nil, ""},
	{"ukraine", "+380 97 123 4567", "", "+380971234567", "", nil, ""},
	{"uk", "+44 20 7946 0958", "", "+442079460958", "", nil, ""},
	{"us", "+1 (202) 555-0143", "", "+12025550143", "", nil, ""},
	{"belarus region", "8 029 123-45-67", "BY", "+375291234567", "", nil, ""},
	{"belarus region plus", "+375291234567", "BY", "+375291234567", "", nil, ""},
	{"russia from belarus", "+7 912 345 67 89", "BY", mobile, "", nil, ""},
	{"lower region", "+79123456789", "ru", mobile, "", nil, ""},
	{"old international prefix", "8 10 375 29 123 45 67", "", "+375291234567", "", nil, ""},

	// Extensions.
	{"dob", "+7(912)3456789 доб. 123", "", mobile, "123", nil, ""},
	{"dob landline", "+7 (495) 123-45-67 доб. 4412", "", "+74951234567", "4412", nil, ""},
	{"dob no dot", "8 495 123 45 67 доб 12", "", "+74951234567", "12", nil, ""},
	{"dob caps", "8 495 123 45 67 ДОБ. 12", "", "+74951234567", "12", nil, ""},
	{"dob glued", "84951234567доб.12", "", "+74951234567", "12", nil, ""},
	{"dobavochny", "8 495 123-45-67, добавочный 305", "", "+74951234567", "305", nil, ""},
	{"vn", "8 495 123-45-67 вн. 305", "", "+74951234567", "305", nil, ""},
	{"ext", "+7 495 123 45 67 ext 7", "", "+74951234567", "7", nil, ""},
	{"ext dot", "+7 495 123 45 67 ext. 77", "", "+74951234567", "77", nil, ""},
	{"x", "+7 495 123 45 67 x55", "", "+74951234567", "55", nil, ""},
	{"hash", "+7 495 123 45 67 #55", "", "+74951234567", "55", nil, ""},
	{"dob with colon", "+7 495 123 45 67 доб.: 55", "", "+74951234567", "55", nil, ""},
	{"tel and dob", "тел. 8 912 3456789 доб. 12", "", mobile, "12", nil, ""},

	// Office phones with an extension, as issue 17 and real HR exports write them: the
	// main number and the extension's digits, never an error.
	{"issue dob", "8 (495) 585-01-53 доб. 3775", "", office, "3775", nil, ""},
	{"issue x", "+7 495 585-01-53 x1294", "", office, "1294", nil, ""},
	{"issue x spaced", "+7 495 585-01-53 x 1294", "", office, "1294", nil, ""},
	{"issue X caps", "+7 495 585-01-53 X1294", "", office, "1294", nil, ""},
	{"cyrillic x", "8 495 585-01-53 х1294", "", office, "1294", nil, ""},
	{"issue hash", "8 495 585-01-53 #2315", "", office, "2315", nil, ""},
	{"issue ext dot", "8 495 585 01 53 ext. 97", "", office, "97", nil, ""},
	{"ext colon", "8 (495) 585-01-53 ext:12", "", office, "12", nil, ""},
	{"extn", "8 (495) 585-01-53 extn. 12", "", office, "12", nil, ""},
	{"extension word", "8 (495) 585-01-53 extension 12", "", office, "12", nil, ""},
	{"issue dob brackets", "8 (495) 585-01-53 (доб. 3566)", "", office, "3566", nil, ""},
	{"dob brackets glued", "8 (495) 585-01-53(доб.3566)", "", office, "3566", nil, ""},
	{"ext brackets", "+7 495 585 01 53 (ext. 97)", "", office, "97", nil, ""},
	{"dob square brackets", "8 (495) 585-01-53 [доб. 3566]", "", office, "3566", nil, ""},
	{"bare digits brackets", "8 (495) 585-01-53 (3566)", "", office, "3566", nil, ""},
	{"dop", "8 (495) 585-01-53 доп. 12", "", office, "12", nil, ""},
	{"dop full", "8 (495) 585-01-53 дополнительный 12", "", office, "12", nil, ""},
	{"vn no dot", "8 (495) 585-01-53 вн 12", "", office, "12", nil, ""},
	{"vnutr", "8 (495) 585-01-53 внутр. 12", "", office, "12", nil, ""},
	{"vnutrenniy", "8 (495) 585-01-53 внутренний 12", "", office, "12", nil, ""},
	{"vnutrenniy nomer", "8 (495) 585-01-53, внутренний номер 12", "", office, "12", nil, ""},
	{"dob nomer", "8 (495) 585-01-53 доб. номер 12", "", office, "12", nil, ""},
	{"dobavochny caps", "8 (495) 585-01-53 Добавочный: 12", "", office, "12", nil, ""},
	{"dobav", "8 (495) 585-01-53 добав. 12", "", office, "12", nil, ""},
	{"d dot", "8 (495) 585-01-53 д. 12", "", office, "12", nil, ""},
	{"dob number sign", "8 (495) 585-01-53 доб. № 12", "", office, "12", nil, ""},
	{"comma digits", "8 (495) 585-01-53, 123", "", office, "123", nil, ""},
	{"comma dob", "8 (495) 585-01-53, доб. 3566", "", office, "3566", nil, ""},
	{"slash digits", "8(495)585-01-53/305", "", office, "305", nil, ""},
	{"semicolon digits", "8(495)585-01-53; 30512", "", office, "30512", nil, ""},
	{"unmarked digits after a space stay a typo", "8 495 585 01 53 3775", "", "", "", invalidPhone, ""},
	{"dob mobile", "+7 912 345-67-89 доб. 1", "", mobile, "1", nil, ""},
	{"dob foreign", "+375 17 222-33-44 доб. 15", "", "+375172223344", "15", nil, ""},
	{"dob then second number", "8 (495) 585-01-53 (доб. 3566), 8 912 345-67-89", "", office, "3566", multiplePhone, "8 912 345-67-89"},
	{"d without dot is no marker", "8 (495) 585-01-53 д 12", "", "", "", invalidPhone, ""},
	{"extension alone", "доб. 3566", "", "", "", invalidPhone, ""},
	{"long digits are a second number", "8 (495) 585-01-53, 1234567", "", office, "", multiplePhone, "1234567"},
	{"bad main number with extension", "8 (012) 585-01-53 доб. 12", "", "", "", invalidPhone, ""},

	// Several numbers in one cell: the first is kept.
	{"comma", "89123456789, 89001112233", "", mobile, "", multiplePhone, "89001112233"},
	{"semicolon", "8 (912) 345-67-89; 8 (900) 111-22-33", "", mobile, "", multiplePhone, "8 (900) 111-22-33"},
	{"slash", "8-912-345-67-89 / 8-900-111-22-33", "", mobile, "", multiplePhone, "8-900-111-22-33"},
	{"ili", "89123456789 или 84951234567", "", mobile, "", multiplePhone, "84951234567"},
	{"three", "89123456789, 89001112233, 84951234567", "", mobile, "", multiplePhone, "89001112233, 84951234567"},
	{"comma no space", "89123456789,89001112233", "", mobile, "", multiplePhone, "89001112233"},
	{"leading separator", ", 89123456789", "", mobile, "", nil, ""},
	{"trailing separator", "89123456789;", "", mobile, "", nil, ""},
	{"first invalid", "12345, 89123456789", "", "", "", invalidPhone, ""},
	{"ext then second", "8 495 123 45 67 доб. 12, 89123456789", "", "+74951234567", "12", multiplePhone, "89123456789"},

	// What Excel does to a long number in a General cell.
	{"excel comma", "7,91235E+10", "", "", "", excelPhone, "7,91235E+10"},
	{"excel short", "7,91E+10", "", "", "", excelPhone, "7,91E+10"},
	{"excel dot", "7.9123E+10", "", "", "", excelPhone, "7.9123E+10"},
	{"excel lower e", "7.9123e+10", "", "", "", excelPhone, "7.9123e+10"},
	{"excel no plus", "7.9123456789E10", "", "", "", excelPhone, "7.9123456789E10"},
	{"excel integer mantissa", "8E+10", "", "", "", excelPhone, "8E+10"},
	{"excel spaced", " 8,91235E+10 ", "", "", "", excelPhone, "8,91235E+10"},
	{"float artefact", "79123456789.0", "", mobile, "", nil, ""},
	{"float artefact ten", "9123456789.0", "", mobile, "", nil, ""},
	{"short float is no phone", "12345.0", "", "", "", invalidPhone, ""},
	{"excel cyrillic e", "7,91235Е+10", "", "", "", excelPhone, "7,91235Е+10"},

	// Not numbers, or not valid ones.
	{"one digit short", "8 (912) 345-67-8", "", "", "", invalidPhone, ""},
	{"one digit long", "8 (912) 345-67-899", "", "", "", invalidPhone, ""},
	{"too short", "912-345", "", "", "", invalidPhone, ""},
	{"seven digits", "3456789", "", "", "", invalidPhone, ""},
	{"letters", "нет", "", "", "", invalidPhone, ""},
	{"dash", "-", "", "", "", invalidPhone, ""},
	{"zeros", "00000000000", "", "", "", invalidPhone, ""},
	{"eights", "88888888888", "", "", "", invalidPhone, ""},
	{"bad area", "8 (012) 345-67-89", "", "", "", invalidPhone, ""},
	{"plus eight", "+89123456789", "", "", "", invalidPhone, ""},
	{"no country", "+912 345 67 89", "", "", "", invalidPhone, ""},
	{"unknown region", "89123456789", "XX", "", "", invalidPhone, ""},
	{"only separators", ",;/", "", "", "", invalidPhone, ""},
	{"email in phone", "ivan@mail.ru", "", "", "", invalidPhone, ""},
	{"date in phone", "26.07.1988", "", "", "", invalidPhone, ""},

	// No value.
	{"empty", "", "", "", "", nil, ""},
	{"spaces", "   ", "", "", "", nil, ""},
}

func TestNormalizePhone(t *testing.T) {
	for _, tt := range phoneTests {
		t.Run(tt.name, func(t *testing.T) {
			e164, ext, issues := NormalizePhone(tt.raw, tt.region)
			if e164 != tt.e164 || ext != tt.ext {
				t.Errorf("NormalizePhone(%q, %q) = %q, %q; want %q, %q", tt.raw, tt.region, e164, ext, tt.e164, tt.ext)
			}
			checkIssues(t, issues, tt.codes, tt.detail)
		})
	}
}

// TestPhoneParserReuse runs every case through one parser, in order and then in reverse,
// to catch state (an extension, a leading zero) left over from the previous number.
func TestPhoneParserReuse(t *testing.T) {
	p := NewPhoneParser("")
	run := func(i int) {
		tt := phoneTests[i]
		if tt.region != "" {
			return
		}
		e164, ext, issues := p.Normalize(tt.raw)
		if e164 != tt.e164 || ext != tt.ext || len(issues) != len(tt.codes) {
			t.Errorf("reused parser: Normalize(%q) = %q, %q, %v; want %q, %q, %v", tt.raw, e164, ext, codesOf(issues), tt.e164, tt.ext, tt.codes)
		}
	}
	for i := range phoneTests {
		run(i)
	}
	for i := len(phoneTests) - 1; i >= 0; i-- {
		run(i)
	}
}

// TestNormalizePhoneConcurrent checks that the convenience function shares no state.
func TestNormalizePhoneConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, tt := range phoneTests {
				if e164, _, _ := NormalizePhone(tt.raw, tt.region); e164 != tt.e164 {
					t.Errorf("NormalizePhone(%q) = %q, want %q", tt.raw, e164, tt.e164)
				}
			}
		})
	}
	wg.Wait()
}

func TestFastRU(t *testing.T) {
	tests := []struct {
		in   string
		nsn  uint64
		fast bool
	}{
		{"8 (912) 345-67-89", 9123456789, true},
		{"+7 912 345 67 89", 9123456789, true},
		{"79123456789", 9123456789, true},
		{"9123456789", 9123456789, true},
		{"8.912.345.67.89", 9123456789, true},
		{"4951234567", 0, false},   // ten digits not starting with 9: full parse
		{"81012345678", 0, false},  // 810 is the old international prefix
		{"+89123456789", 0, false}, // +8 is not +7
		{"7+9123456789", 0, false},
		{"8 912 345 67 89 0", 0, false},
		{"тел. 89123456789", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		nsn, ok := fastRU(tt.in)
		if nsn != tt.nsn || ok != tt.fast {
			t.Errorf("fastRU(%q) = %d, %v; want %d, %v", tt.in, nsn, ok, tt.nsn, tt.fast)
		}
	}
}

// fullVerdict is what the complete libphonenumber parse makes of s in region RU.
func fullVerdict(s string) (string, bool) {
	var n phonenumbers.PhoneNumber
	if err := phonenumbers.ParseToNumber(s, "RU", &n); err != nil || !phonenumbers.IsValidNumber(&n) {
		return "", false
	}
	return phonenumbers.Format(&n, phonenumbers.E164), true
}

// FuzzPhoneFastPath is the differential test issue 9 asks for: every input the fast path
// accepts must get exactly the full parse's verdict (valid or not, and the same E.164).
func FuzzPhoneFastPath(f *testing.F) {
	for _, tt := range phoneTests {
		f.Add(tt.raw)
	}
	for _, s := range []string{
		"89123456789", "79991234567", "+70000000000", "80000000000", "9000000000",
		"8 800 555 35 35", "+7 (800) 100-00-00", "81012345678", "8(9)1-2.3 4)5(6789",
		"+7 (495) 123-45-67", "74951234567", "7 7011234567", "+7 6 0 0 1234567", "(((89123456789",
		"89123456789)", "8--9123456789", "9999999999", "+79999999999", "8 (301) 123-45-67",
	} {
		f.Add(s)
	}
	p := NewPhoneParser("RU")
	f.Fuzz(func(t *testing.T, s string) {
		nsn, ok := fastRU(s)
		if !ok {
			return
		}
		fast, _, fastValid := p.fromNSN(nsn)
		full, fullValid := fullVerdict(s)
		if fastValid != fullValid || fast != full {
			t.Fatalf("%q: fast path %q (valid %v), full parse %q (valid %v)", s, fast, fastValid, full, fullValid)
		}
	})
}

// TestPhoneFastPathSweep is the deterministic half of the differential test: every
// three-digit code after +7 (000-999), with several subscriber numbers, in each spelling
// the fast path takes, must get the full parse's verdict. Random bytes seldom make a
// valid number, so the fuzzer alone would rarely compare two valid results.
func TestPhoneFastPathSweep(t *testing.T) {
	p := NewPhoneParser("RU")
	rng := rand.New(rand.NewPCG(1, 2))
	spellings := []string{"8%03d%07d", "+7%03d%07d", "7%03d%07d", "8 (%03d) %07d", "+7 %03d %07d"}
	valid := 0
	for code := range 1000 {
		for range 4 {
			sub := rng.IntN(10_000_000)
			forms := spellings
			if code >= 900 {
				forms = append(forms[:len(forms):len(forms)], "%03d%07d", "(%03d) %07d")
			}
			for _, f := range forms {
				s := fmt.Sprintf(f, code, sub)
				nsn, ok := fastRU(s)
				if !ok {
					if code/10 != 10 || f[0] != '8' { // 810… is left to the full parse on purpose
						t.Fatalf("fastRU(%q) refused", s)
					}
					continue
				}
				fast, _, fastValid := p.fromNSN(nsn)
				full, fullValid := fullVerdict(s)
				if fastValid != fullValid || fast != full {
					t.Fatalf("%q: fast path %q (valid %v), full parse %q (valid %v)", s, fast, fastValid, full, fullValid)
				}
				if fastValid {
					valid++
				}
			}
		}
	}
	if valid == 0 {
		t.Fatal("the sweep met no valid number")
	}
	t.Logf("%d valid numbers agreed", valid)
}

// normalizeRef is PhoneParser.Normalize without the plainPhone shortcut: every cell
// goes through each step, as before the shortcut was added.
func normalizeRef(p *PhoneParser, raw string) (e164, ext string, issues []Issue) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", "", nil
	}
	if isExcelExponent(s) {
		return "", "", one(CodePhoneExcel, Error, s, "")
	}
	s = dropFloatZero(s)
	first, rest := splitNumbers(s)
	if first == "" {
		return "", "", one(CodePhoneInvalid, Error, "", "")
	}
	main, ext := splitExtension(first)
	e164, libExt, ok := p.parse(main)
	if ext == "" {
		ext = libExt
	}
	if !ok && ext == "" {
		if head, digits, cut := cutBracketedDigits(main); cut {
			if e164, _, ok = p.parse(head); ok {
				ext = digits
			}
		}
	}
	if !ok {
		return "", "", one(CodePhoneInvalid, Error, "", "")
	}
	if rest != "" {
		return e164, ext, one(CodePhoneMultiple, Warning, rest, e164)
	}
	return e164, ext, nil
}

// phoneResult is everything Normalize returns, for comparing two ways to it.
type phoneResult struct {
	E164, Ext string
	Issues    []Issue
}

// checkPlainPhone fails t when Normalize and normalizeRef disagree on raw.
func checkPlainPhone(t *testing.T, p *PhoneParser, raw string) {
	t.Helper()
	var got, want phoneResult
	got.E164, got.Ext, got.Issues = p.Normalize(raw)
	want.E164, want.Ext, want.Issues = normalizeRef(p, raw)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Normalize(%q) (-every step +shortcut):\n%s", raw, diff)
	}
}

// TestPlainPhone checks that the cells plainPhone lets skip the extension, separator
// and exponent steps get what those steps would have given.
func TestPlainPhone(t *testing.T) {
	tests := []struct {
		in    string
		plain bool
	}{
		{"8 (912) 345-67-89", true},
		{"+7 912 3456789", true},
		{"+7 (912) 345-67-89", true},
		{"8-912-345-67-89", true},
		{"9123456789", true},
		{"+375 29 123-45-67", true},
		{"8 (912) 345-67-89 12", true},
		{"", true},
		{"8.912.345.67.89", false},
		{"79123456789.0", false},
		{"7,91E+10", false},
		{"89123456789, 89001112233", false},
		{"8 912 345 67 89 доб. 12", false},
		{"+7(912)3456789#12", false},
		{"\u00a08 912 345 67 89", false},
	}
	p := NewPhoneParser("RU")
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := plainPhone(tt.in); got != tt.plain {
				t.Errorf("plainPhone(%q) = %v, want %v", tt.in, got, tt.plain)
			}
			checkPlainPhone(t, p, tt.in)
		})
	}
	for _, tt := range phoneTests {
		t.Run("table/"+tt.name, func(t *testing.T) { checkPlainPhone(t, NewPhoneParser(tt.region), tt.raw) })
	}
}

// FuzzPlainPhone is the differential test of the plainPhone shortcut.
func FuzzPlainPhone(f *testing.F) {
	for _, tt := range phoneTests {
		f.Add(tt.raw)
	}
	p := NewPhoneParser("RU")
	f.Fuzz(func(t *testing.T, raw string) { checkPlainPhone(t, p, raw) })
}

func FuzzNormalizePhone(f *testing.F) {
	for _, tt := range phoneTests {
		f.Add(tt.raw)
	}
	for _, form := range extensionForms {
		f.Add(fmt.Sprintf(form, "8 (495) 585-01-53", "3775"))
	}
	p := NewPhoneParser("RU")
	f.Fuzz(func(t *testing.T, raw string) {
		e164, ext, issues := p.Normalize(raw)
		if HasErrors(issues) {
			if e164 != "" || ext != "" {
				t.Fatalf("Normalize(%q) = %q, %q with errors %v", raw, e164, ext, issues)
			}
			return
		}
		if e164 == "" {
			return
		}
		if e164[0] != '+' {
			t.Fatalf("Normalize(%q) = %q: not E.164", raw, e164)
		}
		if ext != "" && !allDigits(ext) {
			t.Fatalf("Normalize(%q) = %q, extension %q: not digits", raw, e164, ext)
		}
		for _, i := range issues {
			// The warning names the number kept and the ones left out (issue 17).
			if i.Code == CodePhoneMultiple && (i.Normalized != e164 || i.Detail == "") {
				t.Fatalf("Normalize(%q): %q kept, but the warning says kept %q, left out %q", raw, e164, i.Normalized, i.Detail)
			}
		}
		again, ext2, issues2 := p.Normalize(e164)
		if again != e164 || ext2 != "" || len(issues2) != 0 {
			t.Fatalf("not idempotent: %q → %q → %q %q %v", raw, e164, again, ext2, issues2)
		}
	})
}

// extensionForms are the ways real exports write a number (the first %s) and its
// extension (the second): each must give the number and the extension, no issue.
var extensionForms = []string{
	"%s доб. %s", "%s доб.%s", "%s ДОБ %s", "%s (доб. %s)", "%s(доб.%s)", "%s [доб. %s]",
	"%s добавочный %s", "%s, добавочный: %s", "%s добав. %s", "%s доп. %s", "%s дополнительный %s",
	"%s вн. %s", "%s внутр. %s", "%s внутренний номер %s", "%s д. %s", "%s доб. № %s",
	"%s x%s", "%s X %s", "%s х%s", "%s #%s", "%s ext. %s", "%s ext %s", "%s (ext. %s)", "%s extn %s",
	"%s extension %s", "%s ext:%s", "%s, %s", "%s,%s", "%s; %s", "%s / %s", "%s (%s)",
	"%s, доб. %s",
}

// extensionNumbers are main numbers in the spellings of real files, with their E.164.
var extensionNumbers = []struct{ raw, e164 string }{
	{"8 (495) 585-01-53", office}, {"+7 495 585-01-53", office}, {"84955850153", office},
	{"8 (912) 345-67-89", mobile}, {"+7(912)3456789", mobile}, {"9123456789", mobile},
	{"+375 17 222-33-44", "+375172223344"}, {"+44 20 7946 0958", "+442079460958"},
}

// TestPhoneExtensionForms is every extension form with every spelling of the number.
func TestPhoneExtensionForms(t *testing.T) {
	p := NewPhoneParser("RU")
	for _, form := range extensionForms {
		for _, n := range extensionNumbers {
			checkExtension(t, p, form, n.raw, n.e164, "3775")
		}
	}
}

// checkExtension fails t unless the cell form makes of number and ext gives e164 and
// ext, with no issue.
func checkExtension(t *testing.T, p *PhoneParser, form, number, e164, ext string) {
	t.Helper()
	raw := fmt.Sprintf(form, number, ext)
	gotE164, gotExt, issues := p.Normalize(raw)
	if gotE164 != e164 || gotExt != ext || len(issues) != 0 {
		t.Errorf("Normalize(%q) = %q, %q, %v; want %q, %q and no issue", raw, gotE164, gotExt, issues, e164, ext)
	}
}

// FuzzPhoneExtension builds cells from the extension forms, the numbers and any
// extension of one to six digits, and checks that each gives the number and the
// extension: the fuzzer explores the digits (leading zeros, lengths) and the pairs.
func FuzzPhoneExtension(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint32(3775), uint8(4))
	f.Add(uint8(3), uint8(2), uint32(0), uint8(1))
	f.Add(uint8(26), uint8(5), uint32(999999), uint8(6))
	p := NewPhoneParser("RU")
	f.Fuzz(func(t *testing.T, formIdx, numIdx uint8, digits uint32, width uint8) {
		form := extensionForms[int(formIdx)%len(extensionForms)]
		n := extensionNumbers[int(numIdx)%len(extensionNumbers)]
		w := 1 + int(width)%maxExtLen
		ext := fmt.Sprintf("%0*d", w, digits)
		ext = ext[len(ext)-w:]
		checkExtension(t, p, form, n.raw, n.e164, ext)
	})
}

// BenchmarkPhone compares the fast path with the full libphonenumber parse on the same
// numbers, and shows the cost of the spellings that always take the full parse.
func BenchmarkPhone(b *testing.B) {
	cases := []struct{ name, in string }{
		{"trunk", "8 (912) 345-67-89"},
		{"plus7", "+79123456789"},
		{"ten", "9123456789"},
		{"landline", "8 (495) 123-45-67"},
	}
	for _, bc := range cases {
		b.Run("fast/"+bc.name, func(b *testing.B) {
			p := NewPhoneParser("RU")
			b.ReportAllocs()
			for b.Loop() {
				p.Normalize(bc.in)
			}
		})
		b.Run("full/"+bc.name, func(b *testing.B) {
			p := NewPhoneParser("RU")
			p.fast = false
			b.ReportAllocs()
			for b.Loop() {
				p.Normalize(bc.in)
			}
		})
	}
	for _, bc := range []struct{ name, in string }{
		{"ext", "+7(912)3456789 доб. 123"},
		{"multiple", "89123456789, 89001112233"},
		{"foreign", "+375 29 123-45-67"},
		{"excel", "7,91235E+10"},
	} {
		b.Run("other/"+bc.name, func(b *testing.B) {
			p := NewPhoneParser("RU")
			b.ReportAllocs()
			for b.Loop() {
				p.Normalize(bc.in)
			}
		})
	}
}

// TestPhoneMessages checks the words of the phone warnings in both languages: a cell
// of several numbers names the number kept (as sent, E.164) and the ones left out (as
// written), and an extension the platform has no place for names both the number sent
// and the extension left out (issue 17).
func TestPhoneMessages(t *testing.T) {
	tests := []struct {
		name   string
		issue  Issue
		en, ru string
	}{
		{
			name:  "two numbers",
			issue: firstIssue("89123456789, 89001112233"),
			en:    "more than one number in the cell: kept +79123456789, left out: 89001112233",
			ru:    "в ячейке больше одного номера: взят +79123456789, отброшено: 89001112233",
		},
		{
			name:  "three numbers",
			issue: firstIssue("8 (912) 345-67-89; 8 (900) 111-22-33 или 84951234567"),
			en:    "more than one number in the cell: kept +79123456789, left out: 8 (900) 111-22-33, 84951234567",
			ru:    "в ячейке больше одного номера: взят +79123456789, отброшено: 8 (900) 111-22-33, 84951234567",
		},
		{
			name:  "two numbers, the first with an extension",
			issue: firstIssue("8 (495) 585-01-53 (доб. 3566), 8 912 345-67-89"),
			en:    "more than one number in the cell: kept +74955850153, left out: 8 912 345-67-89",
			ru:    "в ячейке больше одного номера: взят +74955850153, отброшено: 8 912 345-67-89",
		},
		{
			name:  "extension left out",
			issue: Issue{Code: CodePhoneExt, Severity: Warning, Detail: "3775", Normalized: office},
			en:    "the platform has no place for an extension: +74955850153 is sent, extension 3775 is left out",
			ru:    "на платформе нет поля для добавочного номера: передан +74955850153, добавочный 3775 не передан",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.issue.Message(lang.English); got != tt.en {
				t.Errorf("English:\n got %q\nwant %q", got, tt.en)
			}
			if got := tt.issue.Message(lang.Russian); got != tt.ru {
				t.Errorf("Russian:\n got %q\nwant %q", got, tt.ru)
			}
		})
	}
}

// firstIssue is the first issue NormalizePhone finds in raw, or the zero Issue.
func firstIssue(raw string) Issue {
	if _, _, issues := NormalizePhone(raw, ""); len(issues) > 0 {
		return issues[0]
	}
	return Issue{}
}
