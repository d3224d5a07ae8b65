package validate_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"userimport/columns"
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
	// so that a platform's refusal of one is still checked.
	schema := collaborator.Schema()
	schema.PhoneExt = false
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
			name:      "extension refused by the platform",
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
