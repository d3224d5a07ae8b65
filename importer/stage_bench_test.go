package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"userimport/importer"
	"userimport/internal/people"
	"userimport/lang"
	"userimport/targets/collaborator"
	"userimport/targets/targettest"
)

// stageRows is the size of the generated file the whole-pipeline benchmarks run on.
const stageRows = 50_000

func writeStaffFile(b *testing.B, format string, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "staff."+format)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rows := people.Rows(1, n, people.Mess{ErrorRate: 0.03})
	if format == "xlsx" {
		_, err = people.WriteXLSX(f, rows)
	} else {
		_, err = people.WriteCSV(f, rows, people.CSVOptions{})
	}
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkStageValidate is `userimport validate` without the command line: the
// whole dry run (read, map, validate on every core, settle, reports) per row of a
// generated messy file. Profile it with -cpuprofile to see where a validate spends
// its time.
func BenchmarkStageValidate(b *testing.B) {
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			path := writeStaffFile(b, format, stageRows)
			opts := importer.Options{Kind: importer.Validate, Reading: importer.Reading{Input: path}, Checking: importer.Checking{Schema: collaborator.Schema()}, Output: importer.Output{Lang: lang.Russian}}
			runStage(b, opts, importer.Deps{})
		})
	}
}

// BenchmarkStageImport is the import path per row without the network: importer.Run
// against a fake target that answers at once, so what is measured is the tool's own
// cost per row (read, validate, settle, dispatch, journal, reports): µs/row is the
// wall time a row takes with every core at work, cpu-µs/row the processor time it
// costs summed over the cores. The project's target is under 20 µs a row.
func BenchmarkStageImport(b *testing.B) {
	path := writeStaffFile(b, "csv", stageRows)
	opts := importer.DefaultOptions()
	opts.Input, opts.Schema, opts.Lang, opts.Concurrency = path, collaborator.Schema(), lang.Russian, 32
	runStage(b, opts, importer.Deps{Target: &targettest.Target{}})
}

func runStage(b *testing.B, opts importer.Options, deps importer.Deps) {
	b.Helper()
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rows := 0
	var cpu time.Duration
	for b.Loop() {
		start := cpuTime()
		opts.ReportDir = filepath.Join(b.TempDir(), "report")
		sum, err := importer.Run(context.Background(), opts, deps)
		if err != nil {
			b.Fatal(err)
		}
		rows += sum.Rows
		cpu += cpuTime() - start
	}
	runtime.ReadMemStats(&after)
	if rows == 0 {
		b.Fatal("no rows")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows)/1e3, "µs/row")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(rows)/1e3, "cpu-µs/row")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(rows), "allocs/row")
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
