package ispring

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"userimport/targets/ispring/ispringtest"
)

func TestFieldsUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Fields
		wantErr bool
	}{
		{"object as the spec says", `{"login":"ivanov","email":"Ivanov@Example.com","first_name":"Иван"}`,
			Fields{"login": "ivanov", "email": "Ivanov@Example.com", "first_name": "Иван"}, false},
		{"list with upper-case names as servers send", `[{"name":"LOGIN","value":"ivanov"},{"name":"EMAIL","value":"ivanov@example.com"},{"name":"FIRST_NAME","value":"Иван"}]`,
			Fields{"login": "ivanov", "email": "ivanov@example.com", "first_name": "Иван"}, false},
		{"non-string values keep their text", `[{"name":"AGE","value":42},{"name":"ACTIVE","value":true},{"name":"PHONE","value":null}]`,
			Fields{"age": "42", "active": "true", "phone": ""}, false},
		{"object with upper-case keys", `{"LOGIN":"ivanov"}`, Fields{"login": "ivanov"}, false},
		{"nameless list items skipped", `[{"value":"x"},{"name":"LOGIN","value":"a"}]`, Fields{"login": "a"}, false},
		{"empty list", `[]`, Fields{}, false},
		{"null", `null`, nil, false},
		{"a string", `"login"`, nil, true},
		{"broken", `[{"name":`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Fields
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseUsersBothShapes(t *testing.T) {
	want := []apiUser{{UserID: "u1", DepartmentID: "d1", Fields: Fields{"login": "a", "email": "a@x.ru"}, Groups: groupIDs{"g1", "g2"}}}
	for name, body := range map[string]string{
		"spec object fields, id list groups": `{"userProfiles":[{"userId":"u1","departmentId":"d1","status":1,"fields":{"login":"a","email":"a@x.ru"},"groups":["g1","g2"]}]}`,
		"real list fields, object groups":    `{"userProfiles":[{"userId":"u1","departmentId":"d1","fields":[{"name":"LOGIN","value":"a"},{"name":"EMAIL","value":"a@x.ru"}],"groups":[{"groupId":"g1"},{"id":"g2"}]}],"nextPageToken":""}`,
		"bare list":                          `[{"userId":"u1","departmentId":"d1","fields":{"login":"a","email":"a@x.ru"},"groups":["g1","g2"]}]`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := parseUsers([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			// Only the first body has a status (read as text, whatever its JSON type).
			if len(got) == 1 && got[0].Status != "" && got[0].Status != "1" {
				t.Errorf("status %q, want 1", got[0].Status)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(apiUser{}, "Status")); diff != "" {
				t.Errorf("users (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCreatedID(t *testing.T) {
	const id = "3f0c7a8e-2b1d-4c5e-9f00-1a2b3c4d5e6f"
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"bare json string", `"` + id + `"`, id, false},
		{"json string with newline", `"` + id + `"` + "\n", id, false},
		{"xml", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<response>" + id + "</response>", id, false},
		{"xml with userId", `<response><userId>` + id + `</userId></response>`, id, false},
		{"object userId", `{"userId":"` + id + `"}`, id, false},
		{"object id", `{"id":"` + id + `"}`, id, false},
		{"object response", `{"response":"` + id + `"}`, id, false},
		{"plain text", id, id, false},
		{"empty", ``, "", true},
		{"empty string", `""`, "", true},
		{"html", `<html><body>oops</body></html>`, "", true},
		{"object without id", `{"ok":true}`, "", true},
		{"text with spaces", `Created successfully`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCreatedID([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("id %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"json", `{"code":400,"message":"Invalid value a. Field login must be unique."}`, []string{"Invalid value a. Field login must be unique."}},
		{"json list", `{"code":400,"message":["one","two","one"]}`, []string{"one", "two"}},
		{"oauth", `{"error":"invalid_client","error_description":"Client authentication failed"}`, []string{"Client authentication failed"}},
		{"oauth without description", `{"error":"invalid_grant"}`, []string{"invalid_grant"}},
		{"xml", `<?xml version="1.0"?><response><code>400</code><message>Department not found</message></response>`, []string{"Department not found"}},
		{"plain text", "Bad   request\n", []string{"Bad request"}},
		{"html page", `<html><head><title>502</title></head></html>`, nil},
		{"empty", "  ", nil},
		{"broken json", `{"message":`, nil},
		{"long text is cut", strings.Repeat("я", 400), []string{strings.Repeat("я", maxMessage) + "…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, errorMessages([]byte(tt.in))); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzFields(f *testing.F) {
	for _, s := range []string{
		`{"login":"ivanov","email":"ivanov@example.com"}`,
		`[{"name":"LOGIN","value":"ivanov"},{"name":"EMAIL","value":"IVANOV@example.com"},{"name":"AGE","value":3}]`,
		`{"LOGIN":"a","login":"b"}`, `null`, `[]`, `[{"name":"X","value":{"a":[1,2]}}]`, `"x"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var f1 Fields
		if json.Unmarshal([]byte(in), &f1) != nil {
			return
		}
		for k := range f1 {
			if k != strings.ToLower(k) {
				t.Fatalf("key %q is not lower-case", k)
			}
		}
		// Marshalled as the spec's object and read back, fields stay as they were once
		// json has replaced any invalid UTF-8: the two shapes carry the same data.
		round := func(in Fields) Fields {
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			var out Fields
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatalf("unmarshal %s: %v", b, err)
			}
			return out
		}
		f2 := round(f1)
		if diff := cmp.Diff(f2, round(f2)); diff != "" {
			t.Fatalf("round trip is not idempotent (-first +second):\n%s", diff)
		}
	})
}

func FuzzParseCreatedID(f *testing.F) {
	for _, s := range []string{
		`"3f0c7a8e-2b1d-4c5e-9f00-1a2b3c4d5e6f"`, `<response>abc</response>`, `{"userId":"x"}`,
		`{"response":{"response":"y"}}`, `plain`, ``, `<`, `{"response":`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		id, err := parseCreatedID([]byte(in))
		if err != nil {
			return
		}
		if id == "" || len(id) > maxIDLen || strings.ContainsAny(id, " \t\n<\"/") {
			t.Fatalf("accepted id %q from %q", id, in)
		}
		// The id as the spec's bare JSON string reads back as itself.
		b, _ := json.Marshal(id)
		if again, err := parseCreatedID(b); err != nil || again != id {
			t.Fatalf("id %q from %q: as JSON reads back %q, %v", id, in, again, err)
		}
	})
}

func FuzzErrorMessages(f *testing.F) {
	for _, s := range []string{
		`{"code":400,"message":"Invalid value a. Field login must be unique."}`,
		`{"error":"invalid_client","error_description":"x"}`,
		`<response><message>m</message></response>`, `plain text`, "\xff\xfe", `{"message":[1,"a"]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, m := range errorMessages([]byte(in)) {
			if m == "" || m != strings.TrimSpace(m) || strings.ContainsAny(m, "\n\r\t") {
				t.Fatalf("message %q from %q is not one clean line", m, in)
			}
		}
	})
}

func FuzzDepartment(f *testing.F) {
	for _, s := range []string{"Продажи", "Москва/Продажи", "ACC", "/", " / / ", "Компания/Казань/Продажи", ispringtest.RootID} {
		f.Add(s)
	}
	var depts []Department
	for _, d := range ispringtest.New("", "").Departments() {
		depts = append(depts, Department(d))
	}
	// A cycle, which a broken server could send: resolution must still end.
	depts = append(depts, Department{DepartmentID: "c1", Name: "Цикл", ParentDepartmentID: "c2"},
		Department{DepartmentID: "c2", Name: "Цикл2", ParentDepartmentID: "c1"})
	dir := newDirectory(depts, nil)
	f.Fuzz(func(t *testing.T, in string) {
		d, err := dir.department(in)
		if (d == nil) == (err == nil) {
			t.Fatalf("department(%q) = %v, %v: want exactly one", in, d, err)
		}
		if err != nil && err.Code != CodeUnknownDepartment && err.Code != CodeAmbiguousDepartment {
			t.Fatalf("code %q", err.Code)
		}
		_ = dir.path("c1")
	})
}
