package validate

import "testing"

var genderTests = []struct {
	raw   string
	want  Gender
	codes []Code
}{
	{"м", Male, nil}, {"М", Male, nil}, {"м.", Male, nil}, {"М.", Male, nil},
	{"муж", Male, nil}, {"муж.", Male, nil}, {"Муж.", Male, nil}, {"МУЖ", Male, nil},
	{"мужской", Male, nil}, {"Мужской", Male, nil}, {"МУЖСКОЙ", Male, nil}, {"мужчина", Male, nil},
	{"m", Male, nil}, {"M", Male, nil}, {"male", Male, nil}, {"Male", Male, nil}, {"MALE", Male, nil},
	{"man", Male, nil}, {"0", Male, nil}, {" м ", Male, nil}, {"муж..", Male, nil},
	{"ж", Female, nil}, {"Ж", Female, nil}, {"ж.", Female, nil}, {"жен", Female, nil},
	{"жен.", Female, nil}, {"Жен.", Female, nil}, {"ЖЕН", Female, nil}, {"женский", Female, nil},
	{"Женский", Female, nil}, {"женщина", Female, nil}, {"f", Female, nil}, {"F", Female, nil},
	{"female", Female, nil}, {"Female", Female, nil}, {"woman", Female, nil}, {"1", Female, nil},
	{"\tж\t", Female, nil},
	{"", GenderUnknown, nil}, {"  ", GenderUnknown, nil},
	{"2", GenderUnknown, []Code{CodeGenderInvalid}},
	{"x", GenderUnknown, []Code{CodeGenderInvalid}},
	{"не указан", GenderUnknown, []Code{CodeGenderInvalid}},
	{"м/ж", GenderUnknown, []Code{CodeGenderInvalid}},
	{".", GenderUnknown, []Code{CodeGenderInvalid}},
	{"-", GenderUnknown, []Code{CodeGenderInvalid}},
	{"мужск", GenderUnknown, []Code{CodeGenderInvalid}},
	{"Иванович", GenderUnknown, []Code{CodeGenderInvalid}},
}

func TestParseGender(t *testing.T) {
	for _, tt := range genderTests {
		t.Run(tt.raw, func(t *testing.T) {
			got, issues := ParseGender(tt.raw)
			if got != tt.want {
				t.Errorf("ParseGender(%q) = %v, want %v", tt.raw, got, tt.want)
			}
			checkIssues(t, issues, tt.codes, "")
		})
	}
}

func FuzzParseGender(f *testing.F) {
	for _, tt := range genderTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		g, issues := ParseGender(raw)
		if HasErrors(issues) || g == GenderUnknown {
			return
		}
		// The canonical words read back as the same gender.
		if again, issues2 := ParseGender(g.String()); again != g || len(issues2) != 0 {
			t.Fatalf("%q → %v → %q → %v", raw, g, g.String(), again)
		}
	})
}

func BenchmarkParseGender(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseGender("Жен.")
	}
}
