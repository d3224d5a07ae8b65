package importer_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"userimport/importer"
	"userimport/targets/collaborator"
	"userimport/targets/collaborator/collaboratortest"
	"userimport/targets/inskill"
	"userimport/targets/inskill/inskilltest"
)

// TestOfficePhoneWithExtension imports people whose phones carry an extension: they go
// in, never held back. Collaborator gets the main number in phone and the extension
// beside it in work_contact; inSkill, with no room for one, gets the main number and
// the row a warning (issue 17).
func TestOfficePhoneWithExtension(t *testing.T) {
	in := writeCSV(t, 0,
		"T1;Орлов Олег Олегович;oleg@example.ru;Инженер;8 (495) 585-01-53 доб. 3775\n",
		"T2;Белова Анна Сергеевна;anna@example.ru;Инженер;8 (495) 585-01-53 (доб. 3566)\n")

	t.Run("collaborator", func(t *testing.T) {
		sb := collaboratortest.New("t")
		srv := httptest.NewServer(sb)
		defer srv.Close()
		client, err := collaborator.New(collaborator.Config{BaseURL: srv.URL, Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := importer.Run(context.Background(), options(in), importer.Deps{Target: client})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created != 2 || sum.Invalid != 0 {
			t.Fatalf("created %d invalid %d, want 2 and 0", sum.Created, sum.Invalid)
		}
		want := map[string]string{"T1": "+74955850153 доб. 3775", "T2": "+74955850153 доб. 3566"}
		for _, u := range sb.Users() {
			if u.Phone != "+74955850153" || u.WorkContact != want[u.UID] {
				t.Errorf("%s: phone %q, work_contact %q; want +74955850153 and %q", u.UID, u.Phone, u.WorkContact, want[u.UID])
			}
		}
	})

	t.Run("inskill", func(t *testing.T) {
		sb := inskilltest.New("t")
		srv := httptest.NewServer(sb)
		defer srv.Close()
		client, err := inskill.New(inskill.Config{BaseURL: srv.URL, Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		opts := options(in)
		opts.Schema = inskill.Schema()
		sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: client})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created != 2 || sum.Invalid != 0 || sum.Warnings == 0 {
			t.Fatalf("created %d invalid %d warnings %d, want 2, 0 and some", sum.Created, sum.Invalid, sum.Warnings)
		}
		for _, u := range sb.Users() {
			if u.Phone != "+74955850153" {
				t.Errorf("%s: phone %q, want the main number +74955850153", u.Email, u.Phone)
			}
		}
	})
}
