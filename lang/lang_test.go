package lang

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Lang
	}{
		{"ru", Russian}, {"RU", Russian}, {" ru_RU.UTF-8", Russian}, {"russian", Russian},
		{"en", English}, {"en_US.UTF-8", English}, {"", English}, {"C", English}, {"de", English},
	} {
		if got := Parse(tc.in); got != tc.want {
			t.Errorf("Parse(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPick(t *testing.T) {
	if got := Russian.Pick("row", "строка"); got != "строка" {
		t.Errorf("Russian.Pick = %q", got)
	}
	if got := English.Pick("row", "строка"); got != "row" {
		t.Errorf("English.Pick = %q", got)
	}
	if got := Pick(Lang(""), "row", "строка"); got != "row" {
		t.Errorf("zero Lang picked %q, want English", got)
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		n    int
		want string
	}{
		{English, 0, "rows"}, {English, 1, "row"}, {English, 2, "rows"}, {English, 21, "rows"},
		{Russian, 0, "строк"}, {Russian, 1, "строка"}, {Russian, 2, "строки"}, {Russian, 4, "строки"},
		{Russian, 5, "строк"}, {Russian, 11, "строк"}, {Russian, 12, "строк"}, {Russian, 14, "строк"},
		{Russian, 21, "строка"}, {Russian, 22, "строки"}, {Russian, 25, "строк"}, {Russian, 101, "строка"},
		{Russian, 111, "строк"}, {Russian, 112, "строк"}, {Russian, 122, "строки"}, {Russian, 1001, "строка"},
		{Russian, -1, "строка"}, {Russian, -3, "строки"},
	} {
		if got := tc.lang.Plural(tc.n, "row", "rows", "строка", "строки", "строк"); got != tc.want {
			t.Errorf("%s.Plural(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}
