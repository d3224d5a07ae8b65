package columns_test

import (
	"testing"

	"userimport/columns"
)

func TestShapeOf(t *testing.T) {
	tests := []struct {
		cell string
		want columns.Shape
	}{
		{"ivan@example.ru", columns.EmailShape},
		{" Ivan.Petrov@почта.рф ", columns.EmailShape},
		{"ivan@example", columns.NoShape},
		{"a@b.ru, c@d.ru", columns.NoShape},
		{"8 (912) 345-67-89", columns.PhoneShape},
		{"+79123456789", columns.PhoneShape},
		{"8 (495) 585-01-53 доб. 3775", columns.PhoneShape},
		{"12345", columns.NoShape},
		{"26.07.1988", columns.DateShape},
		{"1988-07-26", columns.DateShape},
		{"26 июля 1988", columns.DateShape},
		{"26.07.88", columns.NoShape},
		{"Иванов Иван Иванович", columns.FullNameShape},
		{"Иванов И.И.", columns.FullNameShape},
		{"Петров-Водкин Кузьма", columns.FullNameShape},
		{"Иванович", columns.PatronymicShape},
		{"Сергеевна", columns.PatronymicShape},
		{"Иванов", columns.NoShape},
		{"Отдел продаж", columns.NoShape},
		{"T000123", columns.NoShape},
		{"", columns.NoShape},
	}
	for _, tt := range tests {
		if got := columns.ShapeOf(tt.cell); got != tt.want {
			t.Errorf("ShapeOf(%q) = %v, want %v", tt.cell, got, tt.want)
		}
	}
}

// TestSuggest: the column suggested for a missing field, by its name and by its
// cells; never one mapped to another field, one already suggested, one whose header
// is someone else's, or one whose cells hold something else.
func TestSuggest(t *testing.T) {
	tests := []struct {
		name    string
		header  []string
		rows    [][]string
		field   columns.Field
		want    string // "" for none
		byCells bool
	}{
		{"typo in the name", []string{"ФИО", "Эл. пчта"}, nil, columns.Email, "Эл. пчта", false},
		{"name among other words", []string{"ФИО", "Email для входа"}, [][]string{{"Иванов Иван", "ivan@x.ru"}}, columns.Email, "Email для входа", true},
		{"by its cells", []string{"ФИО", "Контакт", "Примечание"}, [][]string{{"Иванов Иван", "ivan@x.ru", "x"}, {"Петров Пётр", "", "y"}}, columns.Email, "Контакт", true},
		{"never a mapped column", []string{"Таб. номер", "ФИО", "Примечание"}, [][]string{{"T1", "Иванов Иван", "отпуск"}}, columns.Email, "", false},
		{"the uid column is no e-mail", []string{"Таб. номер", "Код"}, [][]string{{"T1", "00012"}}, columns.Email, "", false},
		{"cells contradict the name", []string{"ФИО", "Эл. пчта"}, [][]string{{"Иванов Иван", "нет"}, {"Петров Пётр", "нет"}}, columns.Email, "", false},
		{"never someone else's", []string{"ФИО", "Email руководителя"}, [][]string{{"Иванов Иван", "boss@x.ru"}}, columns.Email, "", false},
		{"phone by its cells", []string{"ФИО", "Контакты"}, [][]string{{"Иванов Иван", "8 (912) 345-67-89"}}, columns.Phone, "Контакты", true},
		{"date by its cells", []string{"ФИО", "ДатаР"}, [][]string{{"Иванов Иван", "26.07.1988"}}, columns.BirthDate, "ДатаР", true},
		{"ФИО by its cells", []string{"E-mail", "Человек"}, [][]string{{"a@x.ru", "Иванов Иван Иванович"}}, columns.FullName, "Человек", true},
		{"cells and name beat cells", []string{"Контакт", "Почта для входа"}, [][]string{{"a@x.ru", "b@x.ru"}}, columns.Email, "Почта для входа", true},
		{"no shape, no name", []string{"ФИО", "Примечание"}, [][]string{{"Иванов Иван", "x"}}, columns.UID, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := columns.Map(tt.header, nil)
			g, ok := columns.Suggest(tt.field, m.Columns, tt.rows, nil)
			if tt.want == "" {
				if ok {
					t.Fatalf("suggested %q, want none", g.Column.Header)
				}
				return
			}
			if !ok || g.Column.Header != tt.want || g.ByCells != tt.byCells {
				t.Fatalf("Suggest = %+v, %v; want %q (by cells %v)", g, ok, tt.want, tt.byCells)
			}
		})
	}
	// A column suggested for one field is not suggested for the next.
	m := columns.Map([]string{"ФИО", "Контакт"}, nil)
	if _, ok := columns.Suggest(columns.Email, m.Columns, [][]string{{"Иванов Иван", "a@x.ru"}}, map[int]bool{1: true}); ok {
		t.Error("suggested a column already used")
	}
}

// FuzzShapeOf: any cell has at most one shape, without a panic.
func FuzzShapeOf(f *testing.F) {
	for _, s := range []string{"ivan@x.ru", "8 (912) 345-67-89 доб. 1", "26 июля 1988", "Иванов И.И.", "Иванович"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = columns.ShapeOf(s)
	})
}
