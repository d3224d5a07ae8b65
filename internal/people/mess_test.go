package people

import (
	"bytes"
	"encoding/csv"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nyaruka/phonenumbers"
	"github.com/xuri/excelize/v2"

	"userimport/columns"
	"userimport/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checker is a small, independent stand-in for the validator: it reads a rendered row
// back the way a careful person would and says what is wrong with it. The real
// validator is tested against the same files elsewhere; this one proves that the
// renderer breaks exactly what it says and nothing else.
type checker struct {
	emails map[string]int // normalized e-mail → first row
}

func newChecker() *checker { return &checker{emails: map[string]int{}} }

var genderWords = map[string]bool{"м": false, "муж": false, "male": false, "ж": true, "жен": true, "female": true}

// check returns the problems of r; p is the person it was rendered from, or nil when
// unknown, in which case only validity is checked, not faithfulness.
func (c *checker) check(r *Row, p *Person) []Problem {
	var out []Problem
	bad := func(f columns.Field, code validate.Code, of int) {
		out = append(out, Problem{Row: r.Num, Field: f, Code: code, Of: of})
	}
	cells := &r.Cells
	if strings.TrimSpace(cells[ColUID]) == "" {
		bad(columns.UID, validate.CodeRequired, 0)
	}
	words := strings.Fields(cells[ColFullName])
	if len(words) < 2 {
		bad(columns.FullName, validate.CodeNameIncomplete, 0)
	} else if p != nil && !strings.EqualFold(strings.Join(words, " "), p.FullName()) {
		bad(columns.FullName, "mismatch", 0)
	}
	if p != nil && cells[ColLogin] != p.Login {
		bad(columns.Login, "mismatch", 0)
	}
	email := strings.ToLower(strings.TrimSpace(cells[ColEmail]))
	switch at := strings.IndexByte(email, '@'); {
	case at <= 0 || strings.Count(email, "@") != 1 || strings.ContainsAny(email, " \t"):
		bad(columns.Email, validate.CodeEmailInvalid, 0)
	case c.emails[email] != 0:
		bad(columns.Email, validate.CodeDuplicate, c.emails[email])
	default:
		c.emails[email] = r.Num
		if p != nil && email != p.Email && !strings.HasSuffix(email, "@gmial.com") {
			bad(columns.Email, "mismatch", 0)
		}
	}
	num, err := phonenumbers.Parse(cells[ColPhone], "RU")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		bad(columns.Phone, validate.CodePhoneInvalid, 0)
	} else if p != nil && phonenumbers.Format(num, phonenumbers.E164) != p.Phone {
		bad(columns.Phone, "mismatch", 0)
	}
	if r.Phone != 0 && (strings.TrimLeft(cells[ColPhone], "0123456789") != "" || r.Phone < 1e9) {
		bad(columns.Phone, "number", 0)
	}
	birth, err := time.Parse("02.01.2006", cells[ColBirth])
	if err != nil {
		birth, err = time.Parse(time.DateOnly, cells[ColBirth])
	}
	if err != nil {
		bad(columns.BirthDate, validate.CodeDateInvalid, 0)
	} else if p != nil && !birth.Equal(p.Birth) || !r.Birth.IsZero() && !r.Birth.Equal(birth) {
		bad(columns.BirthDate, "mismatch", 0)
	}
	if female, ok := genderWords[strings.ToLower(cells[ColGender])]; !ok || p != nil && female != p.Female {
		bad(columns.Gender, validate.CodeGenderInvalid, 0)
	}
	if strings.TrimSpace(cells[ColPosition]) == "" {
		bad(columns.Position, validate.CodeRequired, 0)
	}
	if strings.TrimSpace(cells[ColLogin]) == "" {
		bad(columns.Login, validate.CodeRequired, 0)
	}
	return out
}

// problems lists the recorded problems of r, errors first.
func problems(r *Row) []Problem {
	var out []Problem
	if r.Error.Code != "" {
		out = append(out, r.Error)
	}
	if r.Warning.Code != "" {
		out = append(out, r.Warning)
	}
	return out
}

func TestHeaderMapsToFields(t *testing.T) {
	m := columns.Map(Header[:], nil)
	for i, f := range Fields {
		if got := m.Index(f); got != i {
			t.Errorf("header %q: field %s is at column %d, want %d", Header[i], f, got, i)
		}
	}
	if u := m.Unknown(); len(u) > 0 {
		t.Errorf("unknown headers: %q", u)
	}
}

func TestRenderExactlyTheRecordedErrors(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 3_000
	}
	tests := []struct {
		name string
		rate float64
	}{
		{"clean", 0},
		{"three per cent", 0.03},
		{"half", 0.5},
		{"every row", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New(42)
			rd := NewRenderer(42, Mess{ErrorRate: tt.rate})
			c := newChecker()
			kinds := map[validate.Code]int{}
			broken := 0
			for i := range n {
				p := g.Next()
				r := rd.Render(i+2, p)
				var want []Problem
				if r.Error.Code != "" {
					want = append(want, r.Error)
					broken++
					kinds[r.Error.Code]++
				}
				if r.Warning.Code != "" {
					t.Fatalf("row %d: a warning from the generator: %+v", r.Num, r.Warning)
				}
				if diff := cmp.Diff(want, c.check(&r, &p)); diff != "" {
					t.Fatalf("row %d %q: recorded vs found problems (-recorded +found):\n%s", r.Num, r.Cells, diff)
				}
			}
			// The count is binomial: allow four standard deviations either way.
			mean := float64(n) * tt.rate
			if d := math.Abs(float64(broken) - mean); d > 4*math.Sqrt(mean*(1-tt.rate))+0.5 {
				t.Errorf("%d of %d rows broken, want about %.0f", broken, n, mean)
			}
			// With every row broken no clean row is left for a duplicate to copy.
			if tt.rate > 0 && tt.rate < 1 && len(kinds) != numBreaks {
				t.Errorf("kinds of error: %v, want all %d", kinds, numBreaks)
			}
		})
	}
}

func TestRowsDeterministic(t *testing.T) {
	collect := func(seed uint64) []Row { return slices.Collect(Rows(seed, 3000, Mess{ErrorRate: 0.03})) }
	a, b := collect(5), collect(5)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("the same seed rendered different rows:\n%s", diff)
	}
	if cmp.Equal(a, collect(6)) {
		t.Fatal("seeds 5 and 6 rendered the same rows")
	}
	for i, r := range a {
		if r.Num != i+2 {
			t.Fatalf("row %d is numbered %d", i+2, r.Num)
		}
	}
}

func TestRowsStopsEarly(t *testing.T) {
	n := 0
	for range Rows(1, 100, Mess{}) {
		n++
		if n == 10 {
			break
		}
	}
	if n != 10 {
		t.Fatalf("read %d rows, want 10", n)
	}
}

// FuzzRender renders a few rows for any seed and error rate and demands that the
// recorded errors are exactly what an independent check finds.
func FuzzRender(f *testing.F) {
	f.Add(uint64(1), 0.03)
	f.Add(uint64(0), 1.0)
	f.Add(uint64(1<<63), 0.5)
	f.Fuzz(func(t *testing.T, seed uint64, rate float64) {
		g := New(seed)
		rd := NewRenderer(seed, Mess{ErrorRate: rate})
		c := newChecker()
		for i := range 40 {
			p := g.Next()
			r := rd.Render(i+2, p)
			if diff := cmp.Diff(problems(&r), c.check(&r, &p)); diff != "" {
				t.Fatalf("seed %d rate %v row %d %q (-recorded +found):\n%s", seed, rate, r.Num, r.Cells, diff)
			}
		}
	})
}

func TestWriteCSV(t *testing.T) {
	tests := []struct {
		name string
		opt  CSVOptions
	}{
		{"plain", CSVOptions{}},
		{"excel", CSVOptions{BOM: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := slices.Collect(Rows(9, 500, Mess{ErrorRate: 0.1}))
			var buf bytes.Buffer
			exp, err := WriteCSV(&buf, slices.Values(rows), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if got := bytes.HasPrefix(data, []byte("\uFEFF")); got != tt.opt.BOM {
				t.Errorf("BOM = %v, want %v", got, tt.opt.BOM)
			}
			if got := bytes.Contains(data, []byte("\r\n")); got != tt.opt.BOM {
				t.Errorf("CRLF = %v, want %v", got, tt.opt.BOM)
			}
			cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
			cr.Comma = ';'
			records, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := [][]string{Header[:]}
			var wantExp Expected
			wantExp.Errors, wantExp.Warnings = []Problem{}, []Problem{}
			for _, r := range rows {
				want = append(want, r.Cells[:])
				wantExp.Add(&r)
			}
			if diff := cmp.Diff(want, records); diff != "" {
				t.Errorf("records read back (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantExp, exp); diff != "" {
				t.Errorf("expected problems (-want +got):\n%s", diff)
			}
			if len(exp.Errors) == 0 {
				t.Error("no errors in a file rendered with a 10% error rate")
			}
		})
	}
}

// TestCSVGolden pins the rendering: a change to the generator that changes the files
// shows up here first, and -update accepts it.
func TestCSVGolden(t *testing.T) {
	var buf bytes.Buffer
	if _, err := WriteCSV(&buf, Rows(1, 40, Mess{ErrorRate: 0.1}), CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "seed1-40rows.csv")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/people -run CSVGolden -update)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("CSV differs from %s (-golden +now); if intended, rerun with -update:\n%s", golden, diff)
	}
}

func TestWriteXLSX(t *testing.T) {
	rows := slices.Collect(Rows(11, 400, Mess{ErrorRate: 0.1}))
	var buf bytes.Buffer
	exp, err := WriteXLSX(&buf, slices.Values(rows))
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.Errors) == 0 {
		t.Fatal("no errors in a file rendered with a 10% error rate")
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if diff := cmp.Diff([]string{SheetName}, f.GetSheetList()); diff != "" {
		t.Fatalf("sheets (-want +got):\n%s", diff)
	}
	shown, err := f.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.GetRows(SheetName, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Header[:], shown[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(shown) != len(rows)+1 {
		t.Fatalf("%d rows read back, want %d", len(shown), len(rows)+1)
	}
	var dates, numbers int
	for i, r := range rows {
		want := r.Cells
		if !r.Birth.IsZero() {
			want[ColBirth] = dmy(r.Birth) // a date cell shows as Russian Excel shows it
		}
		got := pad(shown[i+1])
		if diff := cmp.Diff(want[:], got); diff != "" {
			t.Fatalf("row %d as shown (-want +got):\n%s", r.Num, diff)
		}
		rawRow := pad(raw[i+1])
		if !r.Birth.IsZero() {
			dates++
			if rawRow[ColBirth] == got[ColBirth] {
				t.Errorf("row %d: birth date %q is text, want a date cell", r.Num, got[ColBirth])
			}
		}
		// GetCellType reads the sheet again on every call: a few cells make the point.
		if r.Phone != 0 {
			numbers++
		}
		if r.Phone != 0 && numbers <= 3 {
			typ, err := f.GetCellType(SheetName, "E"+itoa(r.Num))
			if err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("row %d: phone cell type %v (%v), want a number", r.Num, typ, err)
			}
		}
	}
	if dates < len(rows)/2 || numbers == 0 {
		t.Errorf("%d date cells and %d phone numbers in %d rows; want most dates and some numbers", dates, numbers, len(rows))
	}
}

func pad(cells []string) []string {
	out := make([]string, NumColumns)
	copy(out, cells)
	return out
}

func itoa(n int) string {
	c, _ := excelize.CoordinatesToCellName(1, n)
	return strings.TrimPrefix(c, "A")
}

func BenchmarkRender(b *testing.B) {
	g := New(1)
	rd := NewRenderer(1, Mess{ErrorRate: 0.03})
	b.ReportAllocs()
	n := 2
	for b.Loop() {
		_ = rd.Render(n, g.Next())
		n++
	}
}

func BenchmarkWriteCSV(b *testing.B) {
	const rows = 10_000
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if _, err := WriteCSV(&buf, Rows(1, rows, Mess{ErrorRate: 0.03}), CSVOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}
