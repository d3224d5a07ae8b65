package cli

import (
	"context"
	"strings"
	"testing"

	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
	"userimport/source"
	"userimport/targets/collaborator"
)

// TestUnusedReadingOptionsAreNamed: --encoding and --delimiter given for a workbook,
// or --sheet for a CSV, are said not to apply rather than dropped in silence.
func TestUnusedReadingOptionsAreNamed(t *testing.T) {
	for _, tt := range []struct {
		input string
		set   func(*source.Options)
		want  string
	}{
		{"../testdata/staff.xlsx", func(o *source.Options) { o.Encoding, o.Delimiter = "cp1251", ";" },
			"not used: --encoding, --delimiter, which apply to CSV files; this file is an Excel workbook"},
		{"../testdata/staff.csv", func(o *source.Options) { o.Sheet = "Сотрудники" },
			"not used: --sheet, which applies to Excel workbooks; this file is a CSV"},
		{"../testdata/staff.xlsx", func(o *source.Options) { o.Delimiter = ";" },
			"not used: --delimiter, which applies to CSV files; this file is an Excel workbook"},
		{"../testdata/staff.csv", func(o *source.Options) { o.Encoding = "utf-8" }, ""},
	} {
		opts := importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: tt.input}, Checking: importer.Checking{Schema: collaborator.Schema()}, Output: importer.Output{ReportDir: t.TempDir()}}
		tt.set(&opts.Source)
		var log strings.Builder
		if _, err := importer.Run(context.Background(), opts, importer.Deps{Hooks: importer.Hooks{Read: func(_ string, si *reports.SourceInfo) { describeUnused(&log, opts.Source, si.Format, lang.English) }}}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(log.String(), "not used"); got != (tt.want != "") || !strings.Contains(log.String(), tt.want) {
			t.Errorf("%s: the description should say %q:\n%s", tt.input, tt.want, log.String())
		}
	}
}
