package targets_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/targets"
	"userimport/validate"
)

func TestIdentityChange(t *testing.T) {
	for _, tc := range []struct {
		name    string
		changes []targets.Change
		want    bool
	}{
		{"nothing", nil, false},
		{"new e-mail alone", []targets.Change{{Field: "email", Old: "a@x.ru", New: "b@x.ru"}}, false},
		{"married: surname alone", []targets.Change{{Field: "last_name", Old: "Иванова", New: "Петрова"}}, false},
		{"first name corrected", []targets.Change{{Field: "first_name", Old: "Наталия", New: "Наталья"}}, false},
		{"e-mail and surname", []targets.Change{{Field: "email", Old: "a@x.ru", New: "b@x.ru"}, {Field: "last_name", Old: "Иванова", New: "Петрова"}}, true},
		{"e-mail and first name, platform spelling", []targets.Change{{Field: "email", Old: "a@x.ru", New: "b@x.ru"}, {Field: "firstname", Old: "Анна", New: "Олег"}}, true},
		{"both names", []targets.Change{{Field: "firstname", Old: "Анна", New: "Олег"}, {Field: "lastname", Old: "Иванова", New: "Петров"}}, true},
		{"both names, secondname", []targets.Change{{Field: "first_name", Old: "Анна", New: "Олег"}, {Field: "secondname", Old: "Иванова", New: "Петров"}}, true},
		{"full name shares a word", []targets.Change{{Field: "name", Old: "Иванова Анна", New: "Петрова Анна Сергеевна"}}, false},
		{"full name shares none", []targets.Change{{Field: "name", Old: "Иванова Анна", New: "Петров Олег"}}, true},
		{"filled in, not changed", []targets.Change{{Field: "email", Old: "", New: "b@x.ru"}, {Field: "last_name", Old: "", New: "Петров"}}, false},
		{"case and ё only", []targets.Change{{Field: "email", Old: "A@x.ru", New: "a@x.ru"}, {Field: "last_name", Old: "СЁМИН", New: "Семин"}}, false},
		{"other fields", []targets.Change{{Field: "phone", Old: "+1", New: "+2"}, {Field: "position", Old: "a", New: "b"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := targets.IdentityChange(tc.changes) != ""; got != tc.want {
				t.Errorf("IdentityChange(%v) = %q, want change %v", tc.changes, targets.IdentityChange(tc.changes), tc.want)
			}
		})
	}
}

func TestPolicyApply(t *testing.T) {
	identity := []targets.Change{{Field: "email", Old: "a@x.ru", New: "b@x.ru"}, {Field: "last_name", Old: "Иванова", New: "Петрова"}}
	fill := []targets.Change{{Field: "phone", Old: "", New: "+79123456789"}, {Field: "position", Old: "Бухгалтер", New: "Главный бухгалтер"}, targets.PasswordChange()}
	for _, tc := range []struct {
		name     string
		policy   targets.Policy
		plan     targets.Plan
		want     targets.Plan
		wantCode string
	}{
		{"create passes", targets.Policy{}, targets.Plan{Outcome: targets.Created}, targets.Plan{Outcome: targets.Created}, ""},
		{"identity refused", targets.Policy{}, targets.Plan{Outcome: targets.Updated, ID: "7", Changes: identity}, targets.Plan{}, targets.CodeIdentity},
		{"identity allowed", targets.Policy{AllowIdentityChange: true}, targets.Plan{Outcome: targets.Updated, ID: "7", Changes: identity},
			targets.Plan{Outcome: targets.Updated, ID: "7", Changes: identity}, ""},
		{"missing keeps empty fields", targets.Policy{UpdateFields: targets.UpdateMissing}, targets.Plan{Outcome: targets.Updated, ID: "7", Changes: fill},
			targets.Plan{Outcome: targets.Updated, ID: "7", Changes: fill[:1]}, ""},
		{"missing with reset keeps the password", targets.Policy{UpdateFields: targets.UpdateMissing, ResetPasswords: true}, targets.Plan{Outcome: targets.Updated, ID: "7", Changes: fill},
			targets.Plan{Outcome: targets.Updated, ID: "7", Changes: []targets.Change{fill[0], fill[2]}}, ""},
		{"missing with nothing empty", targets.Policy{UpdateFields: targets.UpdateMissing}, targets.Plan{Outcome: targets.Updated, ID: "7", Changes: fill[1:2]},
			targets.Plan{Outcome: targets.Unchanged, ID: "7", Changes: []targets.Change{}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.policy.Apply(tc.plan)
			if tc.wantCode != "" {
				var te *targets.Error
				if !errors.As(err, &te) || te.Code != tc.wantCode || te.Kind != targets.Permanent {
					t.Fatalf("Apply error = %v, want a permanent %s", err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Apply (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSendPassword(t *testing.T) {
	for _, tc := range []struct {
		user   validate.User
		policy targets.Policy
		want   bool
	}{
		{validate.User{}, targets.Policy{}, false},
		{validate.User{Password: "from-the-file"}, targets.Policy{}, true},
		{validate.User{Password: "generated", PasswordGenerated: true}, targets.Policy{}, false},
		{validate.User{Password: "generated", PasswordGenerated: true}, targets.Policy{ResetPasswords: true}, true},
	} {
		if got := tc.policy.SendPassword(&tc.user); got != tc.want {
			t.Errorf("SendPassword(%+v, %+v) = %v, want %v", tc.user, tc.policy, got, tc.want)
		}
	}
}

func TestParseUpdateFields(t *testing.T) {
	for in, want := range map[string]targets.UpdateFields{"": targets.UpdateAll, "all": targets.UpdateAll, " Missing ": targets.UpdateMissing} {
		if got, err := targets.ParseUpdateFields(in); err != nil || got != want {
			t.Errorf("ParseUpdateFields(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := targets.ParseUpdateFields("some"); err == nil {
		t.Error("ParseUpdateFields(some) accepted")
	}
}
