package reports_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/targets"
	"userimport/validate"
)

// TestReportsBounded: a thousand cells of 60 KB each (a 10 KB workbook can point them
// all at one shared string) keep summary.json, results.csv and report.html small:
// they clip what they quote or show (it was a 179 MB summary.json). The failed file
// still holds every cell whole: it is the person's data, to fix and run again.
func TestReportsBounded(t *testing.T) {
	big := strings.Repeat("Ы", 30000) // 60 KB, under the reader's 64 KiB cap
	const nrows, ncols = 100, 10      // a thousand cells
	head := make([]string, ncols)
	cols := make([]reports.Column, ncols)
	fields := []string{"uid", "full_name", "email", "phone", "birth_date", "login", "position", "city", "department", "gender"}
	for i := range head {
		head[i] = big // the header's cells too
		cols[i] = reports.Column{Index: i, Header: big, Field: fields[i]}
	}
	var rows []*reports.Row
	for i := range nrows {
		cells := make([]string, ncols)
		for j := range cells {
			cells[j] = big
		}
		r := &reports.Row{Num: i + 2, Key: big, Status: reports.Invalid, TargetID: big, Cells: cells}
		for _, f := range fields {
			// The detail echoes the value, as a suggested fix or a hidden letter does.
			r.Issues = append(r.Issues, validate.Issue{Field: f, Column: big, Code: validate.CodeTooLong, Severity: validate.Error, Raw: big, Normalized: big, Detail: big})
			r.Issues = append(r.Issues, validate.Issue{Field: f, Column: big, Code: validate.CodeEmailTypo, Severity: validate.Warning, Raw: big, Detail: big})
		}
		switch i % 3 {
		case 1:
			r.Status, r.FailCode, r.Failure = reports.Failed, big, "the platform said: "+big
		case 2:
			r.Status, r.Changes = reports.Updated, []targets.Change{{Field: "email", Old: big, New: big}}
		}
		rows = append(rows, r)
	}
	sum := &reports.Summary{Aborted: big, Input: "big.xlsx", Source: &reports.SourceInfo{
		Info: source.Info{Format: "xlsx", Sheet: big, Sheets: []string{big, big}}, HeaderRow: 1, Columns: cols}}
	for i := range 3 {
		wide := make([]string, 1000)
		for j := range wide {
			wide[j] = big
		}
		sum.Source.Samples = append(sum.Source.Samples, reports.Sample{Row: i + 2, Cells: wide})
	}
	var p reports.Tally
	for _, r := range rows {
		p.Add(r, lang.English)
	}
	p.Fill(sum)
	sum.Problems = p.Problems()

	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "r")
			if err := reports.MkdirReport(dir); err != nil {
				t.Fatal(err)
			}
			info := source.Info{Format: format, Encoding: "utf-8", Delimiter: ";", Sheet: "S"}
			w, err := reports.NewWriter(dir, reports.Input{Path: "big." + format, Info: info, HeaderRow: 1, Header: head, Columns: cols}, lang.English)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Finish(sum); err != nil {
				t.Fatal(err)
			}
			if err := reports.SaveSummary(dir, sum); err != nil {
				t.Fatal(err)
			}
			size := func(name string) int64 {
				fi, err := os.Stat(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				return fi.Size()
			}
			for name, limit := range map[string]int64{"summary.json": 1 << 20, "results.csv": 2 << 20, "report.html": 4 << 20} {
				if n := size(name); n > limit {
					t.Errorf("%s is %.1f MB, want under %.0f MB", name, float64(n)/1e6, float64(limit)/1e6)
				}
			}
			t.Logf("%d cells of %d KB: summary.json %d KB, results.csv %d KB, report.html %d KB, failed.%s %d KB, annotated.%s %d KB",
				nrows*ncols, len(big)>>10, size("summary.json")>>10, size("results.csv")>>10, size("report.html")>>10,
				format, size("failed."+format)>>10, format, size("annotated."+format)>>10)

			// What was clipped says so; the summary stays what it was in memory.
			raw, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
			var got reports.Summary
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			s0 := got.Source.Samples[0]
			if len(s0.Cells) == 0 || !strings.HasSuffix(s0.Cells[0], "…") || s0.Omitted == 0 || len(s0.Cells)+s0.Omitted != 1000 {
				t.Errorf("sample: %d cells, %d omitted, first %.20q; want clipped cells, the rest counted", len(s0.Cells), s0.Omitted, s0.Cells[0])
			}
			if len(sum.Source.Samples[0].Cells[0]) != len(big) || len(sum.Problems[0].Column) > 0 && sum.Source.Columns[0].Header != big {
				t.Error("writing the summary changed the caller's copy")
			}
			if ex := got.Problems[0].Example; !strings.HasSuffix(ex, "…") {
				t.Errorf("problem example %.40q… is not clipped", ex)
			}
			if format == "csv" {
				f, err := os.Open(filepath.Join(dir, "failed.csv"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				r := csv.NewReader(f)
				r.Comma = ';'
				recs, err := r.ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if len(recs) != nrows-nrows/3+1 || recs[1][2] != big || recs[1][len(recs[1])-1] != big {
					t.Errorf("failed.csv: %d records; its cells must be the input's, whole", len(recs))
				}
			}
		})
	}
}

// TestClippedTexts: the texts results.csv and the annotated copy generate clip what
// they quote, marking it with an ellipsis, and leave short values alone.
func TestClippedTexts(t *testing.T) {
	long := strings.Repeat("x", 5000)
	r := &reports.Row{Status: reports.Failed, FailCode: "rejected", Failure: long,
		Issues:  []validate.Issue{{Field: "email", Code: validate.CodeEmailTypo, Severity: validate.Error, Raw: long, Detail: long}},
		Changes: []targets.Change{{Field: "city", Old: long, New: "Омск"}}}
	errs := reports.ErrorsText(r, lang.English)
	if len(errs) > 1000 || strings.Count(errs, "…") != 3 {
		t.Errorf("ErrorsText is %d bytes with %d ellipses: %.120q", len(errs), strings.Count(errs, "…"), errs)
	}
	if ch := reports.ChangesText(r); len(ch) > 300 || !strings.HasSuffix(ch, "… → Омск") {
		t.Errorf("ChangesText = %.80q (%d bytes)", ch, len(ch))
	}
	short := &reports.Row{Status: reports.Failed, FailCode: "rejected", Failure: "email: Invalid email"}
	if got := reports.ErrorsText(short, lang.English); got != "platform: rejected: email: Invalid email" {
		t.Errorf("a short text changed: %q", got)
	}
	var buf bytes.Buffer
	if err := reports.WriteSummary(&buf, &reports.Summary{Source: &reports.SourceInfo{Samples: []reports.Sample{{Row: 2, Cells: []string{"a", fmt.Sprint(12)}}}}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"cells": [`) || strings.Contains(buf.String(), "omitted") {
		t.Errorf("a small sample is not as it was:\n%s", buf.String())
	}
}
