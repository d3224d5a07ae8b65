package web

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"userimport/lang"
)

// writeStaff writes n people as a semicolon CSV, as an HR system exports them; every
// 33rd row has a bad e-mail and every 50th a bad phone.
func writeStaff(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "staff.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "ФИО;E-mail;Телефон;Должность;Подразделение;Табельный номер")
	for i := range n {
		email := fmt.Sprintf("person%d@example.ru", i)
		if i%33 == 7 {
			email = fmt.Sprintf("person%d.example.ru", i)
		}
		phone := fmt.Sprintf("+7 (916) %03d-%02d-%02d", i%1000, i/1000%100, i%97)
		if i%50 == 3 {
			phone = "12345"
		}
		fmt.Fprintf(w, "Иванов Иван Иванович;%s;%s;Инженер;Отдел %d;%06d\n", email, phone, i%40, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkCheck200k is the first screen of step 3 on a 200,000-row file: the file
// read into memory, checked by the engine, and the first page of problems answered.
func BenchmarkCheck200k(b *testing.B) {
	path := writeStaff(b, 200_000)
	for b.Loop() {
		c, _ := newClient(b, Config{Lang: lang.Russian, File: path})
		var rd readingJSON
		c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, &rd)
		var ck checkJSON
		if st := c.call("POST", "/api/check", struct{}{}, &ck); st != http.StatusOK || ck.Rows != 200_000 {
			b.Fatalf("check: %d %+v", st, ck)
		}
		var page pageJSON
		c.call("GET", "/api/rows?set=check&filter=errors&page=0&size=50", nil, &page)
		if page.Total == 0 || len(page.Rows) != 50 {
			b.Fatalf("first page: %d of %d", len(page.Rows), page.Total)
		}
	}
}

// BenchmarkPage is moving between pages of problems of a checked 200,000-row file.
func BenchmarkPage(b *testing.B) {
	path := writeStaff(b, 200_000)
	c, _ := newClient(b, Config{Lang: lang.Russian, File: path})
	c.call("POST", "/api/read", map[string]any{"platform": "collaborator"}, nil)
	c.call("POST", "/api/check", struct{}{}, nil)
	page := 0
	for b.Loop() {
		var p pageJSON
		c.call("GET", fmt.Sprintf("/api/rows?set=check&filter=all&page=%d&size=50", page), nil, &p)
		if len(p.Rows) == 0 {
			b.Fatalf("page %d empty of %d", page, p.Total)
		}
		page = (page + 7) % (p.Total / 50)
	}
}
