package reports_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestReportsLayer keeps reports below the platform clients and the reader: what it
// writes is data about a run (validate, columns, outcome, fileformat), never a
// platform's package. It asks the go command for everything reports builds on.
func TestReportsLayer(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", "-f", "{{.ImportPath}}", "userimport/reports").Output()
	if err != nil {
		t.Fatalf("go list -deps userimport/reports: %v", err)
	}
	forbidden := []string{"userimport/targets", "userimport/source", "userimport/importer", "userimport/cli"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("reports depends on %s; the data it reads belongs below (outcome, fileformat, internal/xlsxesc)", dep)
			}
		}
	}
}
