package collaborator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"userimport/targets/collaborator/collaboratortest"
)

// The client's side of the sandbox: what the sandbox answers, the client reads.

const v1URL = "/api/rest.php/imports-user?action=single-import"

// call sends one request to sb and returns the status and the body.
func call(sb http.Handler, method, target, header, value, body string) (int, string) {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if header != "" {
		req.Header.Set(header, value)
	}
	rec := httptest.NewRecorder()
	sb.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// post imports body through v1 with the right API token, in its header.
func post(sb *collaboratortest.Sandbox, body string) (int, string) {
	return call(sb, http.MethodPost, v1URL, "X-Cbr-Authorization", "Bearer "+testToken, body)
}

const anna = `{"uid":"1","secondname":"Смирнова","firstname":"Анна","login":"anna","email":"anna@example.ru",` +
	`"password":"pw","position":"Менеджер"}`

func FuzzSandbox(f *testing.F) {
	for _, s := range []string{anna, `{"uid":"1","is_active":0}`, `{"uid":1,"gender":1.5}`, `{`, `[]`, `null`,
		`{"uid":"1","email":"a@b"}`, `{"uid":"1","birth_date":"29.02.2024"}`} {
		f.Add(s)
	}
	sb := collaboratortest.New("")
	post(sb, anna)
	f.Fuzz(func(t *testing.T, body string) {
		status, answer := post(sb, body)
		if status != 200 && status != 400 && status != 413 {
			t.Fatalf("status %d for %q", status, body)
		}
		if !json.Valid([]byte(answer)) {
			t.Fatalf("answer is not JSON: %q", answer)
		}
		if status == 200 {
			if _, ok := parseCounts([]byte(answer)); !ok {
				t.Fatalf("the client cannot read %q", answer)
			}
		}
		if int64(sb.Len()) > sb.Writes()+1 {
			t.Fatalf("Len %d > Writes %d + 1", sb.Len(), sb.Writes())
		}
	})
}
