package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"userimport/lang"
)

// client calls the api as the page does, without the server's safety rules (see
// server_test.go for those).
type client struct {
	t   *testing.T
	url string
}

func newClient(t *testing.T, cfg Config) (*client, *api) {
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
	if pr["created"] != float64(44) || pr["failed"] != float64(0) {
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
}
