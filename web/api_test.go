package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"userimport/lang"
	"userimport/platforms"
	"userimport/targets"
	"userimport/validate"
)

// client calls the api as the page does, without the server's safety rules (see
// server_test.go for those).
type client struct {
	t   testing.TB
	url string
}

func newClient(t testing.TB, cfg Config) (*client, *api) {
	t.Helper()
	a, err := newAPI(cfg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { a.close(); srv.Close() })
	return &client{t: t, url: srv.URL}, a
}

// call sends body (nil for GET) and decodes the answer into out; it returns the status.
func (c *client) call(method, path string, body, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.url+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

func staffCopy(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../testdata/staff.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "staff.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFlow walks the page's calls in order on the sample file into the collaborator
// sandbox: read, check, fix a typo and a bad e-mail in the grid, connect, preview,
// import, results.
func TestFlow(t *testing.T) {
	path := staffCopy(t)
	c, a := newClient(t, Config{Lang: lang.English, File: path})

	var rd readingJSON
	if st := c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, &rd); st != 200 || rd.Error != "" || len(rd.Missing) > 0 {
		t.Fatalf("read: %d %+v", st, rd)
	}
	if rd.Rows != 50 || rd.HeaderRow != 1 || len(rd.Samples) != sampleRows {
		t.Errorf("read: rows %d header %d samples %d", rd.Rows, rd.HeaderRow, len(rd.Samples))
	}
	var ck checkJSON
	if st := c.call("POST", "/api/check", struct{}{}, &ck); st != 200 {
		t.Fatalf("check: %d", st)
	}
	if ck.Rows != 50 || ck.Invalid != 7 || ck.Valid != 43 {
		t.Errorf("check: %+v", ck)
	}
	// The check's grid is the annotated copy: the report of a check has none.
	if _, err := os.Stat(filepath.Join(a.dir, "check", "results.csv")); err != nil {
		t.Errorf("the check wrote no results.csv: %v", err)
	}
	if _, err := os.Stat(filepath.Join(a.dir, "check", "annotated.xlsx")); err == nil {
		t.Error("the check wrote an annotated copy")
	}
	var page pageJSON
	c.call("GET", "/api/rows?set=check&filter=all&page=0&size=50", nil, &page)
	if page.Total != 8 {
		t.Errorf("%d rows with problems, want 8 (7 errors, 1 typo)", page.Total)
	}
	var bad, typo rowJSON
	for _, r := range page.Rows {
		switch r.Row {
		case 5:
			bad = r
		case 15:
			typo = r
		}
	}
	if len(bad.Issues) == 0 || bad.Issues[0].Code != "email_invalid" || bad.Issues[0].Col < 0 {
		t.Fatalf("row 5: %+v", bad)
	}
	if len(typo.Issues) == 0 || typo.Issues[0].Fix == "" {
		t.Fatalf("row 15 has no one-click fix: %+v", typo)
	}

	// Mend row 5 by typing, row 15 by its suggestion.
	var edited struct {
		Row   rowJSON   `json:"row"`
		Check checkJSON `json:"check"`
	}
	col := bad.Issues[0].Col
	c.call("POST", "/api/cell", cellRequest{Row: 5, Col: col, Value: "fixed.person@example.ru"}, &edited)
	if edited.Row.Status != "valid" || len(edited.Row.Issues) != 0 || edited.Check.Invalid != 6 {
		t.Errorf("after the edit: row %+v, invalid %d", edited.Row, edited.Check.Invalid)
	}
	var fixed struct {
		Fixed int `json:"fixed"`
	}
	c.call("POST", "/api/fix", fixRequest{Row: 15, Col: typo.Issues[0].Col, Code: typo.Issues[0].Code}, &fixed)
	if fixed.Fixed != 1 {
		t.Errorf("fixed %d rows, want 1", fixed.Fixed)
	}
	if got := a.ws.tbl.cells(15, 0)[typo.Issues[0].Col]; got != typo.Issues[0].Fix {
		t.Errorf("row 15's cell is %q, want the fix %q", got, typo.Issues[0].Fix)
	}

	var conn map[string]any
	c.call("POST", "/api/connect", connectRequest{Sandbox: true}, &conn)
	if conn["ok"] != true {
		t.Fatalf("connect: %v", conn)
	}
	var pv map[string]any
	c.call("POST", "/api/preview", runRequest{Policy: "update"}, &pv)
	if pv["created"] != float64(44) || pv["invalid"] != float64(6) {
		t.Errorf("preview: %v", pv)
	}
	if st := c.call("POST", "/api/import", runRequest{Policy: "update"}, nil); st != http.StatusAccepted {
		t.Fatalf("import: %d", st)
	}
	var pr map[string]any
	for deadline := time.Now().Add(30 * time.Second); ; {
		c.call("GET", "/api/progress", nil, &pr)
		if pr["running"] == false || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if pr["created"] != float64(44) || pr["failed"] != float64(0) || pr["total"] != float64(50) {
		t.Errorf("import: %v", pr)
	}
	var res struct {
		ReportDir string                  `json:"report_dir"`
		Downloads []struct{ Name string } `json:"downloads"`
	}
	c.call("GET", "/api/results", nil, &res)
	if res.ReportDir != path+".report" {
		t.Errorf("report folder %q", res.ReportDir)
	}
	var names []string
	for _, d := range res.Downloads {
		names = append(names, d.Name)
	}
	if !strings.Contains(strings.Join(names, " "), "failed.xlsx") {
		t.Errorf("downloads %v", names)
	}
	c.call("GET", "/api/rows?set=results&filter=problems", nil, &page)
	if page.Total != 6 {
		t.Errorf("%d rows still to fix, want 6", page.Total)
	}

	// Fix a row of the results in the grid, change another person's position, and
	// send again: the preview shows the change old → new, the resumed import sends
	// only those two.
	phone := a.check.mapping.Index("phone")
	c.call("POST", "/api/cell", cellRequest{Row: 12, Col: phone, Value: "+7 916 123-45-67"}, &edited)
	if edited.Row.Status != "valid" {
		t.Errorf("row 12 after its fix: %+v", edited.Row)
	}
	position := a.check.mapping.Index("position")
	c.call("POST", "/api/cell", cellRequest{Row: 2, Col: position, Value: "Старший юрист"}, &edited)
	c.call("POST", "/api/preview", runRequest{Policy: "update"}, &pv)
	if pv["created"] != float64(1) || pv["updated"] != float64(1) || pv["unchanged"] != float64(43) {
		t.Errorf("preview after the edits: %v", pv)
	}
	c.call("GET", "/api/rows?set=preview&filter=update", nil, &page)
	if len(page.Rows) != 1 || page.Rows[0].Row != 2 || len(page.Rows[0].Changes) != 1 || page.Rows[0].Changes[0].New != "Старший юрист" {
		t.Errorf("the update in the preview: %+v", page.Rows)
	}
	c.call("POST", "/api/import", runRequest{Policy: "update", Resume: true}, nil)
	for deadline := time.Now().Add(30 * time.Second); ; {
		c.call("GET", "/api/progress", nil, &pr)
		if pr["running"] == false || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if pr["created"] != float64(1) || pr["updated"] != float64(1) || pr["skipped"] != float64(43) {
		t.Errorf("sent again: %v", pr)
	}
}

// raw fetches path and returns its body.
func (c *client) raw(path string) []byte {
	c.t.Helper()
	resp, err := http.Get(c.url + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		c.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, data)
	}
	return data
}

// TestCorrectedFile checks that the corrected file is the input's format with the
// edit in it, and reads back, row numbers and all, as the same table.
func TestCorrectedFile(t *testing.T) {
	for _, name := range []string{"staff.xlsx", "staff.csv"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("../testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), name)
			os.WriteFile(path, data, 0o600)
			c, a := newClient(t, Config{Lang: lang.English, File: path})
			c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, nil)
			c.call("POST", "/api/check", struct{}{}, nil)
			col := a.check.mapping.Index("email")
			c.call("POST", "/api/cell", cellRequest{Row: 5, Col: col, Value: "fixed.person@example.ru"}, nil)
			out := filepath.Join(t.TempDir(), "corrected"+filepath.Ext(name))
			os.WriteFile(out, c.raw("/api/download/corrected"), 0o600)
			back, err := loadTable(t.Context(), out, a.ws.src)
			if err != nil {
				t.Fatal(err)
			}
			if back.info.Format != a.ws.tbl.info.Format || len(back.rows) != len(a.ws.tbl.rows) {
				t.Fatalf("read back %s with %d rows, want %s with %d", back.info.Format, len(back.rows), a.ws.tbl.info.Format, len(a.ws.tbl.rows))
			}
			for i, r := range a.ws.tbl.rows {
				got := back.rows[i]
				if got.Num != r.Num || strings.Join(got.Cells, "|") != strings.Join(r.Cells, "|") {
					t.Fatalf("row %d reads back as row %d %q, want %q", r.Num, got.Num, got.Cells, r.Cells)
				}
			}
			if back.rows[4].Cells[col] != "fixed.person@example.ru" {
				t.Errorf("the edit is not in the corrected file: %q", back.rows[4].Cells)
			}
		})
	}
}

// TestMapAndSets maps a column away and back, gives a value for empty cells, and
// saves the choice as a profile the command line reads.
func TestMapAndSets(t *testing.T) {
	c, _ := newClient(t, Config{Lang: lang.Russian, File: staffCopy(t), ConfigPath: filepath.Join(t.TempDir(), "config.toml")})
	var rd readingJSON
	c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, &rd)
	email := ""
	for _, col := range rd.Columns {
		if col.Field == "email" {
			email = col.Header
		}
	}
	c.call("POST", "/api/read", map[string]any{"map": map[string]string{email: "-"}}, &rd)
	if len(rd.Missing) != 1 || rd.Missing[0].Field != "email" || !strings.Contains(rd.Missing[0].Message, "нет столбца") {
		t.Fatalf("e-mail skipped: missing %+v", rd.Missing)
	}
	if st := c.call("POST", "/api/check", struct{}{}, nil); st != http.StatusConflict {
		t.Errorf("check with a required field missing: %d, want 409", st)
	}
	c.call("POST", "/api/read", map[string]any{"map": map[string]string{email: "email"}, "sets": map[string]string{"department": "Отдел кадров"}}, &rd)
	if len(rd.Missing) != 0 || rd.Sets["department"] != "Отдел кадров" {
		t.Fatalf("mapped back: missing %+v sets %v", rd.Missing, rd.Sets)
	}
	var saved map[string]string
	if st := c.call("POST", "/api/profile", map[string]string{"name": "monthly"}, &saved); st != 200 {
		t.Fatalf("profile: %d %v", st, saved)
	}
	data, _ := os.ReadFile(saved["path"])
	for _, want := range []string{"[profiles.monthly]", `target = "collaborator"`, "Отдел кадров"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the profile has no %q:\n%s", want, data)
		}
	}
}

// TestUpload sends a file as the page's picker does and reads it.
func TestUpload(t *testing.T) {
	work := t.TempDir()
	c, a := newClient(t, Config{Lang: lang.English, WorkDir: work})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", `C:\Users\hr\Desktop\staff.csv`)
	data, _ := os.ReadFile("../testdata/staff.csv")
	fw.Write(data)
	mw.WriteField("platform", "ispring")
	mw.Close()
	resp, err := http.Post(c.url+"/api/file", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rd readingJSON
	json.NewDecoder(resp.Body).Decode(&rd)
	if rd.Name != "staff.csv" || rd.Format != "csv" || rd.Rows != 50 {
		t.Fatalf("upload read as %+v", rd)
	}
	if a.ws.reportDir != filepath.Join(work, "staff.csv.report") {
		t.Errorf("report folder %q", a.ws.reportDir)
	}
	if fi, err := os.Stat(filepath.Dir(a.ws.path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("upload folder: %v %v", fi.Mode(), err)
	}
}

// slowTarget creates every account after a pause, so that a test can stop an import
// part-way; it counts the accounts it created.
type slowTarget struct {
	mu      sync.Mutex
	created map[string]bool
}

func (s *slowTarget) Name() string { return "collaborator" }

func (s *slowTarget) Upsert(ctx context.Context, u *validate.User) (targets.Result, error) {
	select {
	case <-time.After(40 * time.Millisecond):
	case <-ctx.Done():
		return targets.Result{}, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.created[u.Email] {
		return targets.Result{}, fmt.Errorf("%s created twice", u.Email)
	}
	s.created[u.Email] = true
	return targets.Result{Outcome: targets.Created}, nil
}

// TestStopAndResume stops an import part-way, as the Stop button does, and resumes
// it: every valid row is created once, none twice.
func TestStopAndResume(t *testing.T) {
	slow := &slowTarget{created: map[string]bool{}}
	connect := func(context.Context, ConnectRequest) (targets.Target, func(), error) { return slow, func() {}, nil }
	c, _ := newClient(t, Config{Lang: lang.English, File: staffCopy(t), Connect: connect})
	c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, nil)
	c.call("POST", "/api/check", struct{}{}, nil)
	c.call("POST", "/api/connect", connectRequest{URL: "https://lms.example.ru"}, nil)
	wait := func() map[string]any {
		var pr map[string]any
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if c.call("GET", "/api/progress", nil, &pr); pr["running"] == false {
				break
			}
		}
		return pr
	}
	c.call("POST", "/api/import", runRequest{Policy: "update"}, nil)
	time.Sleep(150 * time.Millisecond)
	c.call("POST", "/api/stop", struct{}{}, nil)
	pr := wait()
	if pr["stopped"] != true || pr["can_resume"] != true {
		t.Fatalf("after stop: %v", pr)
	}
	first := len(slow.created)
	if first == 0 || first >= 43 {
		t.Fatalf("%d created before the stop; want some, not all", first)
	}
	if st := c.call("POST", "/api/import", runRequest{Policy: "update", Resume: true}, nil); st != http.StatusAccepted {
		t.Fatalf("resume: %d", st)
	}
	pr = wait()
	if len(slow.created) != 43 || pr["failed"] != float64(0) {
		t.Errorf("after resume: %d created (%d before the stop), progress %v", len(slow.created), first, pr)
	}
}

// TestEveryPlatform runs the page's flow into each platform's sandbox: what the
// preview says an import would create, the import creates, and a second preview
// finds every account unchanged.
func TestEveryPlatform(t *testing.T) {
	for _, p := range platforms.Names() {
		t.Run(p, func(t *testing.T) {
			c, _ := newClient(t, Config{Lang: lang.English, File: staffCopy(t)})
			var rd readingJSON
			c.call("POST", "/api/read", map[string]any{"platform": p, "sets": map[string]string{"department": "Staff"}}, &rd)
			if len(rd.Missing) > 0 || rd.Error != "" {
				t.Fatalf("read: %+v %s", rd.Missing, rd.Error)
			}
			var ck checkJSON
			c.call("POST", "/api/check", struct{}{}, &ck)
			var conn map[string]any
			if c.call("POST", "/api/connect", connectRequest{Sandbox: true}, &conn); conn["ok"] != true {
				t.Fatalf("connect: %v", conn)
			}
			var pv map[string]any
			c.call("POST", "/api/preview", runRequest{Policy: "update"}, &pv)
			c.call("POST", "/api/import", runRequest{Policy: "update"}, nil)
			var pr map[string]any
			for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if c.call("GET", "/api/progress", nil, &pr); pr["running"] == false {
					break
				}
			}
			if pr["created"] != pv["created"] || pr["created"] != float64(ck.Valid) || pr["failed"] != float64(0) {
				t.Errorf("preview %v, import %v, %d valid", pv, pr, ck.Valid)
			}
			if pv["can_plan"] == true {
				c.call("POST", "/api/preview", runRequest{Policy: "update"}, &pv)
				if pv["unchanged"] != float64(ck.Valid) {
					t.Errorf("second preview: %v, want %d unchanged", pv, ck.Valid)
				}
			}
		})
	}
}

// TestBadRequests: what a broken or hostile page could send is a one-line refusal,
// never a panic or a change.
func TestBadRequests(t *testing.T) {
	c, a := newClient(t, Config{Lang: lang.English, File: staffCopy(t)})
	if st := c.call("POST", "/api/check", struct{}{}, nil); st != http.StatusConflict {
		t.Errorf("check before a platform: %d", st)
	}
	c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, nil)
	tests := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"unknown platform", "POST", "/api/read", map[string]any{"platform": "moodle"}, http.StatusBadRequest},
		{"not JSON", "POST", "/api/cell", "{", http.StatusBadRequest},
		{"rows before a check", "GET", "/api/rows?set=check", nil, http.StatusConflict},
		{"fix before a check", "POST", "/api/fix", fixRequest{Row: 5, Col: 3, Code: "email_typo"}, http.StatusConflict},
		{"the header", "POST", "/api/cell", cellRequest{Row: 1, Col: 0, Value: "x"}, http.StatusBadRequest},
		{"no such row", "POST", "/api/cell", cellRequest{Row: 1000, Col: 0, Value: "x"}, http.StatusBadRequest},
		{"a column past Excel's last", "POST", "/api/cell", cellRequest{Row: 5, Col: 1 << 20, Value: "x"}, http.StatusBadRequest},
		{"a negative column", "POST", "/api/cell", cellRequest{Row: 5, Col: -1, Value: "x"}, http.StatusBadRequest},
		{"preview before connect", "POST", "/api/preview", runRequest{}, http.StatusConflict},
		{"import before connect", "POST", "/api/import", runRequest{}, http.StatusConflict},
		{"results before an import", "GET", "/api/results", nil, http.StatusConflict},
		{"a file outside the report", "GET", "/api/download/..%2f..%2fetc%2fpasswd", nil, http.StatusNotFound},
		{"a profile without a name", "POST", "/api/profile", map[string]string{"name": " "}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any = tt.body
			if s, ok := tt.body.(string); ok {
				body = json.RawMessage(s)
			}
			var out map[string]any
			got := c.callRaw(tt.method, tt.path, body, &out)
			if got != tt.want {
				t.Errorf("%s %s: %d, want %d (%v)", tt.method, tt.path, got, tt.want, out)
			}
			if got >= 400 && got != http.StatusNotFound && out["error"] == "" {
				t.Errorf("no message for a person: %v", out)
			}
		})
	}
	if a.ws.edits != 0 {
		t.Errorf("%d cells changed by refused requests", a.ws.edits)
	}
}

// callRaw is call for bodies that may not be JSON and answers that may not be either.
func (c *client) callRaw(method, path string, body, out any) int {
	c.t.Helper()
	var rd io.Reader
	if raw, ok := body.(json.RawMessage); ok {
		rd = bytes.NewReader(raw)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.url+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	json.Unmarshal(data, out)
	return resp.StatusCode
}

// TestPlatformOptions: the platform's own flags are offered, and what the page gives
// for them (only for them) reaches the client, as import's flags would.
func TestPlatformOptions(t *testing.T) {
	var got ConnectRequest
	connect := func(_ context.Context, r ConnectRequest) (targets.Target, func(), error) {
		got = r
		return &slowTarget{created: map[string]bool{}}, func() {}, nil
	}
	c, _ := newClient(t, Config{Lang: lang.Russian, File: staffCopy(t), Connect: connect})
	var st stateJSON
	c.call("GET", "/api/state", nil, &st)
	var api *optionJSON
	for _, p := range st.Platforms {
		for i, o := range p.Options {
			if p.Name == "collaborator" && o.Name == "api" {
				api = &p.Options[i]
			}
		}
	}
	if api == nil || api.Bool || !strings.Contains(api.Help, "v1") {
		t.Fatalf("collaborator's --api is not offered: %+v", st.Platforms[0].Options)
	}
	c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, nil)
	c.call("POST", "/api/check", struct{}{}, nil)
	c.call("POST", "/api/connect", connectRequest{URL: "https://lms.example.ru", Options: map[string]string{"api": "v1", "notify": "true", "bogus": "x"}}, nil)
	if got.Options.String("api") != "v1" || len(got.Options) != 1 {
		t.Errorf("the client got options %v, want only api=v1", got.Options)
	}
}

// TestFixAll: "apply to all N like it" mends every row with the same kind of fix, in
// one check of those rows.
func TestFixAll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "staff.csv")
	var b strings.Builder
	b.WriteString("ФИО;E-mail;Телефон;Должность;Подразделение;Табельный номер\n")
	for i := range 200 {
		domain := "gmial.com"
		if i%2 == 1 {
			domain = "yandex.ru"
		}
		fmt.Fprintf(&b, "Иванов Иван Иванович;person%d@%s;+7 916 123-45-67;Инженер;Отдел;%06d\n", i, domain, i)
	}
	os.WriteFile(path, []byte(b.String()), 0o600)
	c, a := newClient(t, Config{Lang: lang.English, File: path})
	c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, nil)
	c.call("POST", "/api/check", struct{}{}, nil)
	var page pageJSON
	c.call("GET", "/api/rows?set=check&filter=warnings", nil, &page)
	if page.Total != 100 {
		t.Fatalf("%d rows with a warning, want the 100 typos", page.Total)
	}
	col := a.check.mapping.Index("email")
	var out struct {
		Fixed int `json:"fixed"`
	}
	c.call("POST", "/api/fix", fixRequest{Row: 2, Col: col, Code: "email_typo", All: true}, &out)
	if out.Fixed != 100 {
		t.Errorf("fixed %d rows, want 100", out.Fixed)
	}
	c.call("GET", "/api/rows?set=check&filter=warnings", nil, &page)
	if page.Total != 0 {
		t.Errorf("%d rows still with a warning after the fix", page.Total)
	}
	if got := a.ws.tbl.cells(2, 0)[col]; got != "person0@gmail.com" {
		t.Errorf("row 2's e-mail is %q", got)
	}
}
