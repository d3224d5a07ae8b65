package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"userimport/importer"
	"userimport/targets/targettest"
)

// blockingResults is a target whose check, which runs once the report folder has
// passed its checks, puts a folder where results.csv goes: the report writer then
// fails after the journal is open.
type blockingResults struct {
	*targettest.Target
	dir string
}

func (b *blockingResults) Check(context.Context) error {
	return os.Mkdir(filepath.Join(b.dir, "results.csv"), 0o700)
}

// TestNoJournalLeftOpenWhenReportsFail: an import whose results.csv cannot be created
// fails before the first row, and the journal it had opened is closed, not left with
// its goroutine and its file.
func TestNoJournalLeftOpenWhenReportsFail(t *testing.T) {
	in := writeCSV(t, 3)
	opts := options(in)
	opts.ReportDir = filepath.Join(t.TempDir(), "report")
	tgt := &blockingResults{Target: &targettest.Target{}, dir: opts.ReportDir}
	sum, err := importer.Run(context.Background(), opts, importer.Deps{Target: tgt})
	if err == nil || sum != nil {
		t.Fatalf("Run = %v, %v; want no summary and an error", sum, err)
	}
	if _, serr := os.Stat(filepath.Join(opts.ReportDir, importer.JournalName)); serr != nil {
		t.Fatalf("the journal was not opened, so the test proves nothing: %v", serr)
	}
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "(*journal).loop") {
		t.Errorf("the journal's goroutine still runs after Run returned:\n%s", stacks)
	}
}
