package columns_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/columns"
)

// TestMatchQualified: headers as HR exports write them (1С:ЗУП, Bitrix24, HeadHunter,
// Excel templates), a known name with words around it.
func TestMatchQualified(t *testing.T) {
	tests := []struct {
		header string
		want   columns.Field
	}{
		{"Email сотрудника", columns.Email},
		{"E-mail работника", columns.Email},
		{"Личный email", columns.Email},
		{"Эл. адрес", columns.Email},
		{"Адрес эл. почты", columns.Email},
		{"Email (рабочий)", columns.Email},
		{"Корпоративная почта", columns.Email},
		{"Табельный номер сотрудника", columns.UID},
		{"Таб. № работника", columns.UID},
		{"ID сотрудника", columns.UID},
		{"Сотрудник", columns.FullName},
		{"ФИО работника", columns.FullName},
		{"ФИО сотрудника полностью", columns.FullName},
		{"Фамилия сотрудника", columns.LastName},
		{"Имя работника", columns.FirstName},
		{"Отчество сотрудника", columns.MiddleName},
		{"Моб.тел", columns.Phone},
		{"Тел. моб.", columns.Phone},
		{"Телефон (мобильный)", columns.Phone},
		{"Рабочий телефон", columns.Phone},
		{"Телефон сотрудника", columns.Phone},
		{"Mobile phone", columns.Phone},
		{"PERSONAL_MOBILE", columns.Phone},
		{"Должность сотрудника", columns.Position},
		{"Наименование должности", columns.Position},
		{"WORK_POSITION", columns.Position},
		{"Подразделение (отдел)", columns.Department},
		{"Подразделение сотрудника", columns.Department},
		{"Наименование подразделения", columns.Department},
		{"Дата рождения сотрудника", columns.BirthDate},
		{"PERSONAL_BIRTHDAY", columns.BirthDate},
		{"Пол сотрудника", columns.Gender},
		{"Логин пользователя", columns.Login},
		{"Employee email", columns.Email},
		{"Work e-mail", columns.Email},
	}
	for _, tt := range tests {
		got, ok := columns.Match(tt.header)
		if !ok || got != tt.want {
			t.Errorf("Match(%q) = %q, %v; want %q", tt.header, got, ok, tt.want)
		}
	}
}

// TestMatchTraps: headers that hold a known name but someone else's value, or two
// fields at once, or a part of a value: never matched.
func TestMatchTraps(t *testing.T) {
	for _, h := range []string{
		"Email руководителя",
		"E-mail начальника",
		"Телефон руководителя",
		"Телефон отдела",
		"Телефон (доб.)",
		"ФИО руководителя",
		"Табельный номер руководителя",
		"Должность руководителя",
		"ID подразделения",
		"Код подразделения",
		"Email компании",
		"Дата рождения ребёнка",
		"Место рождения",
		"Почтовый адрес",
		"Имя латиницей",
		"Полное имя пользователя", // first name or login: neither
		"ФИО и должность",
		"Manager email",
		"Email / телефон",
		"Дата увольнения",
		"Город рождения",
	} {
		if got, ok := columns.Match(h); ok {
			t.Errorf("Match(%q) = %q, want no field", h, got)
		}
	}
}

// TestMapQualifiedNeverTwice: a header that is a field's name as a whole wins over one
// with qualifiers, wherever each stands; two qualified headers for one field keep the
// first.
func TestMapQualifiedNeverTwice(t *testing.T) {
	header := []string{"Email сотрудника", "Email руководителя", "ФИО", "Сотрудник (полностью)", "E-mail", "Тел. моб.", "Рабочий телефон", "Телефон руководителя"}
	m := columns.Map(header, nil)
	want := []columns.Column{
		{Index: 0, Header: "Email сотрудника", Note: "duplicate"},
		{Index: 1, Header: "Email руководителя", Note: "unknown"},
		{Index: 2, Header: "ФИО", Field: columns.FullName},
		{Index: 3, Header: "Сотрудник (полностью)", Note: "duplicate"},
		{Index: 4, Header: "E-mail", Field: columns.Email},
		{Index: 5, Header: "Тел. моб.", Field: columns.Phone},
		{Index: 6, Header: "Рабочий телефон", Note: "duplicate"},
		{Index: 7, Header: "Телефон руководителя", Note: "unknown"},
	}
	if diff := cmp.Diff(want, m.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	// --map still takes a trap column when the person's own is missing.
	m = columns.Map([]string{"ФИО", "Email руководителя"}, []columns.Override{{Header: "email руководителя", Field: columns.Email}})
	if m.Index(columns.Email) != 1 {
		t.Errorf("--map on a trap header: email at %d, want 1", m.Index(columns.Email))
	}
}

// FuzzMatch: Match never panics, and what it finds is a field Fields lists.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"Email сотрудника", "Тел. моб.", "Подразделение (отдел)", "Email руководителя", ""} {
		f.Add(s)
	}
	fields := map[columns.Field]bool{columns.SourceRow: true, columns.Repeats: true}
	for _, fl := range columns.Fields() {
		fields[fl] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := columns.Match(s); ok && !fields[got] {
			t.Fatalf("Match(%q) = %q, not a field", s, got)
		}
	})
}
