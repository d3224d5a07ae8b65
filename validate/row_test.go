package validate_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"userimport/columns"
	"userimport/lang"
	"userimport/targets/collaborator"
	"userimport/targets/cscart"
	"userimport/validate"
)

// codes lists "field:code" of every issue, for compact comparisons.
func codes(list []validate.Issue) []string {
	var out []string
	for _, i := range list {
		out = append(out, i.Field+":"+string(i.Code))
	}
	return out
}

func TestRowCollaborator(t *testing.T) {
	header := []string{"Табельный номер", "ФИО", "E-mail", "Телефон", "Дата рождения", "Пол", "Должность", "Активен"}
	m := columns.Map(header, nil)
	// Collaborator takes a phone's extension (in work_contact); the schema here does not,
	// so that a platform without room for one is still checked (a warning, issue 17).
	schema := collaborator.Schema()
	schema.ExtensionField = ""
	v := validate.NewValidator(schema, &m, validate.Options{
		Sets:  map[columns.Field]string{columns.Position: "Сотрудник"},
		Today: validate.Date{Year: 2026, Month: time.November, Day: 23},
	})
	w := v.Worker()
	tests := []struct {
		name      string
		cells     []string
		marks     validate.Marks
		want      validate.User
		wantCodes []string
	}{
		{
			name:  "clean",
			cells: []string{"T1", "ИВАНОВ иван иванович", " Ivan@Example.RU ", "8 (912) 345-67-89", "26.07.1988", "м", "Инженер", "да"},
			want: validate.User{UID: "T1", LastName: "Иванов", FirstName: "Иван", MiddleName: "Иванович", Email: "ivan@example.ru",
				Phone: "+79123456789", BirthDate: validate.Date{Year: 1988, Month: time.July, Day: 26}, Gender: validate.Male,
				Position: "Инженер", Active: validate.Yes},
		},
		{
			name:      "gender from the patronymic, position from --set",
			cells:     []string{"T2", "Петрова Анна Сергеевна", "anna@example.ru", "", "", "", "", ""},
			want:      validate.User{UID: "T2", LastName: "Петрова", FirstName: "Анна", MiddleName: "Сергеевна", Email: "anna@example.ru", Gender: validate.Female, GenderInferred: true, Position: "Сотрудник"},
			wantCodes: []string{"gender:gender_inferred"},
		},
		{
			name:      "required and invalid",
			cells:     []string{"", "Сидоров", "not-an-email", "+7 912 345-67-8 доб. 5", "31.02.1990", "x"},
			wantCodes: []string{"email:email_invalid", "birth_date:date_invalid", "gender:gender_invalid", "phone:phone_invalid", "full_name:name_incomplete", "uid:required"},
		},
		{
			name:      "extension left out, with a warning",
			cells:     []string{"T3", "Орлов Олег", "o@example.ru", "8 912 345 67 89 доб. 12"},
			want:      validate.User{UID: "T3", LastName: "Орлов", FirstName: "Олег", Email: "o@example.ru", Phone: "+79123456789", Position: "Сотрудник"},
			wantCodes: []string{"phone:phone_ext"},
		},
		{
			name:      "rounded id and a formula without a value",
			cells:     []string{"123456789012345000", "Орлов Олег", "", "", ""},
			marks:     validate.Marks{Rounded: []int{0}, NoValue: []int{2}},
			want:      validate.User{LastName: "Орлов", FirstName: "Олег", Position: "Сотрудник"},
			wantCodes: []string{"uid:id_precision", "email:formula_no_value"},
		},
		{
			name:      "too long",
			cells:     []string{"T4", "Орлов Олег", "o@example.ru", "", "", "", string(make([]rune, 300))},
			wantCodes: []string{"position:too_long"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, issues := w.Row(tt.cells, tt.marks)
			if diff := cmp.Diff(tt.wantCodes, codes(issues)); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			if tt.want.UID != "" || tt.want.LastName != "" {
				if diff := cmp.Diff(tt.want, u); diff != "" {
					t.Errorf("user (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestIssuesCarryColumnAndRaw(t *testing.T) {
	m := columns.Map([]string{"Таб. №", "ФИО", "Почта", "Должность"}, nil)
	v := validate.NewValidator(collaborator.Schema(), &m, validate.Options{})
	_, issues := v.Worker().Row([]string{"1", "Иванов Иван", "bad@", "x"}, validate.Marks{})
	if len(issues) != 1 {
		t.Fatalf("issues = %v", issues)
	}
	i := issues[0]
	if i.Column != "Почта" || i.Raw != "bad@" || i.Field != "email" {
		t.Errorf("issue = %+v", i)
	}
}

func TestMissingColumns(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		sets   map[columns.Field]string
		want   []columns.Field
	}{
		{"full name covers the parts", []string{"Таб. №", "ФИО", "Почта", "Должность"}, nil, nil},
		{"separate parts", []string{"Таб. №", "Фамилия", "Имя", "Почта", "Должность"}, nil, nil},
		{"no e-mail", []string{"Таб. №", "ФИО", "Должность"}, nil, []columns.Field{columns.Email}},
		{"set covers a column", []string{"Таб. №", "ФИО", "Почта"}, map[columns.Field]string{columns.Position: "x"}, nil},
		{"nothing", []string{"Примечание"}, nil, []columns.Field{columns.UID, columns.LastName, columns.FirstName, columns.Email, columns.Position}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := columns.Map(tt.header, nil)
			got := collaborator.Schema().MissingColumns(&m, tt.sets)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRowAllowedValues(t *testing.T) {
	m := columns.Map([]string{"E-mail", "Тип пользователя", "Статус"}, nil)
	w := validate.NewValidator(cscart.Schema(), &m, validate.Options{}).Worker()
	u, issues := w.Row([]string{"anna@example.org", "c", "d"}, validate.Marks{})
	if len(issues) != 0 || u.UserType != "C" || u.Status != "D" {
		t.Errorf("user %+v issues %v", u, issues)
	}
	_, issues = w.Row([]string{"anna@example.org", "X", "A"}, validate.Marks{})
	if diff := cmp.Diff([]string{"user_type:value_invalid"}, codes(issues)); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
}

// TestRowPhoneExtension is issue 17's office phone at the row level: a person whose
// phone has an extension is valid whatever the platform; the extension travels in
// User.PhoneExt when the schema has a place for it, and is otherwise left out with a
// warning that names the number sent and the extension dropped, in both languages.
func TestRowPhoneExtension(t *testing.T) {
	header := []string{"Табельный номер", "ФИО", "E-mail", "Должность", "Телефон"}
	m := columns.Map(header, nil)
	noRoom := collaborator.Schema()
	noRoom.ExtensionField = ""
	withRoom := *collaborator.Schema()
	withRoom.ExtensionField = "work_contact"
	base := validate.User{UID: "T1", LastName: "Орлов", FirstName: "Олег", Email: "o@example.ru", Position: "Инженер"}
	tests := []struct {
		name   string
		schema *validate.Schema
		phone  string
		phone1 string // the E.164 number the user must carry
		ext    string // the extension the user must carry
		codes  []string
		en, ru string // the first issue's message
	}{
		{"no room, доб.", noRoom, "8 (495) 585-01-53 доб. 3775", "+74955850153", "", []string{"phone:phone_ext"},
			"the platform has no place for an extension: +74955850153 is sent, extension 3775 is left out",
			"на платформе нет поля для добавочного номера: передан +74955850153, добавочный 3775 не передан"},
		{"no room, brackets", noRoom, "8 (495) 585-01-53 (доб. 3566)", "+74955850153", "", []string{"phone:phone_ext"},
			"the platform has no place for an extension: +74955850153 is sent, extension 3566 is left out",
			"на платформе нет поля для добавочного номера: передан +74955850153, добавочный 3566 не передан"},
		{"room, доб.", &withRoom, "8 (495) 585-01-53 доб. 3775", "+74955850153", "3775", nil, "", ""},
		{"room, x", &withRoom, "+7 495 585-01-53 x1294", "+74955850153", "1294", nil, "", ""},
		{"room, comma", &withRoom, "8 (495) 585-01-53, 123", "+74955850153", "123", nil, "", ""},
		{"room, no extension", &withRoom, "8 (495) 585-01-53", "+74955850153", "", nil, "", ""},
		{"two numbers", &withRoom, "8 (495) 585-01-53 доб. 12; 8 912 345-67-89", "+74955850153", "12", []string{"phone:phone_multiple"},
			"more than one number in the cell: kept +74955850153, left out: 8 912 345-67-89",
			"в ячейке больше одного номера: взят +74955850153, отброшено: 8 912 345-67-89"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validate.NewValidator(tt.schema, &m, validate.Options{}).Worker()
			u, issues := w.Row([]string{"T1", "Орлов Олег", "o@example.ru", "Инженер", tt.phone}, validate.Marks{})
			if validate.HasErrors(issues) {
				t.Fatalf("the person is kept out: %v", issues)
			}
			want := base
			want.Phone, want.PhoneExt = tt.phone1, tt.ext
			if diff := cmp.Diff(want, u); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.codes, codes(issues)); diff != "" {
				t.Fatalf("issues (-want +got):\n%s", diff)
			}
			if len(issues) == 0 {
				return
			}
			i := issues[0]
			if i.Severity != validate.Warning || i.Column != "Телефон" || i.Raw != tt.phone {
				t.Errorf("issue = %+v", i)
			}
			if got := i.Message(lang.English); got != tt.en {
				t.Errorf("English:\n got %q\nwant %q", got, tt.en)
			}
			if got := i.Message(lang.Russian); got != tt.ru {
				t.Errorf("Russian:\n got %q\nwant %q", got, tt.ru)
			}
		})
	}
}
