package columns_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/columns"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		header string
		want   columns.Field
		ok     bool
	}{
		{"Табельный номер", columns.UID, true},
		{"ТАБЕЛЬНЫЙ  НОМЕР", columns.UID, true},
		{"Таб. №", columns.UID, true},
		{"ФИО", columns.FullName, true},
		{"Ф.И.О.", columns.FullName, true},
		{"фамилия", columns.LastName, true},
		{"Имя", columns.FirstName, true},
		{"Отчество", columns.MiddleName, true},
		{"E-mail", columns.Email, true},
		{"e mail", columns.Email, true},
		{"EMAIL", columns.Email, true},
		{"Эл. почта", columns.Email, true},
		{"Почта", columns.Email, true},
		{"Телефон", columns.Phone, true},
		{"Тел.", columns.Phone, true},
		{"Должность", columns.Position, true},
		{"Подразделение", columns.Department, true},
		{"Дата рождения", columns.BirthDate, true},
		{"Дата приёма", columns.HireDate, true},
		{"Дата приема", columns.HireDate, true},
		{"secondname", columns.LastName, true},
		{"email", columns.Email, true},
		{"last_name", columns.LastName, true},
		{"Примечание", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := columns.Lookup(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMap(t *testing.T) {
	header := []string{"Таб. номер", " ФИО ", "Почта", "Примечание", "E-mail", "Код", "", ""}
	m := columns.Map(header, []columns.Override{{Header: "код", Field: columns.Department}, {Header: "Примечание", Field: columns.Ignore}})
	want := []columns.Column{
		{Index: 0, Header: "Таб. номер", Field: columns.UID},
		{Index: 1, Header: "ФИО", Field: columns.FullName},
		{Index: 2, Header: "Почта", Field: columns.Email},
		{Index: 3, Header: "Примечание", Note: "ignored"},
		{Index: 4, Header: "E-mail", Note: "duplicate"},
		{Index: 5, Header: "Код", Field: columns.Department},
	}
	if diff := cmp.Diff(want, m.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	cells := []string{"1", "Иванов Иван", "a@b.ru"}
	if got := m.Get(cells, columns.Email); got != "a@b.ru" {
		t.Errorf("Get email = %q", got)
	}
	if got := m.Get(cells, columns.Department); got != "" {
		t.Errorf("Get past a short row = %q, want empty", got)
	}
	if got := m.Header(columns.Email); got != "Почта" {
		t.Errorf("Header(email) = %q", got)
	}
	if got := m.Header(columns.Phone); got != "phone" {
		t.Errorf("Header(phone) = %q, want the field name", got)
	}
	if m.Known() != 4 {
		t.Errorf("Known = %d, want 4", m.Known())
	}
}

func TestParseOverride(t *testing.T) {
	tests := []struct {
		in      string
		want    columns.Override
		wantErr bool
	}{
		{"Почта=email", columns.Override{Header: "Почта", Field: columns.Email}, false},
		{" Эл. адрес = E-mail ", columns.Override{Header: "Эл. адрес", Field: columns.Email}, false},
		{"A=B=uid", columns.Override{Header: "A=B", Field: columns.UID}, false},
		{"Примечание=-", columns.Override{Header: "Примечание", Field: columns.Ignore}, false},
		{"Почта", columns.Override{}, true},
		{"=email", columns.Override{}, true},
		{"Почта=", columns.Override{}, true},
		{"Почта=nonsense", columns.Override{}, true},
	}
	for _, tt := range tests {
		got, err := columns.ParseOverride(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseOverride(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseOverride(f *testing.F) {
	for _, s := range []string{"Почта=email", "a=b=c", "=", "x=-", "Таб. №=uid"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := columns.ParseOverride(s)
		if err != nil {
			return
		}
		if o.Field == "" {
			t.Fatalf("ParseOverride(%q) accepted an empty field", s)
		}
	})
}

func FuzzMap(f *testing.F) {
	f.Add("ФИО\x00Почта\x00E-mail\x00")
	f.Fuzz(func(t *testing.T, s string) {
		var header []string
		start := 0
		for i := 0; i < len(s); i++ {
			if s[i] == 0 {
				header = append(header, s[start:i])
				start = i + 1
			}
		}
		m := columns.Map(header, nil)
		seen := map[columns.Field]bool{}
		for _, c := range m.Columns {
			if c.Field == "" {
				continue
			}
			if seen[c.Field] {
				t.Fatalf("field %q mapped twice", c.Field)
			}
			seen[c.Field] = true
		}
	})
}
