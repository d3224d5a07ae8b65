package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"userimport/columns"
	"userimport/config"
	"userimport/importer"
	"userimport/reports"
	"userimport/source"
)

// TestCodeFor is every kind of error the command line meets, with its exit code as
// docs/contract.md gives it, plain and wrapped.
func TestCodeFor(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want exitCode
	}{
		{"nil", nil, exitOK},
		{"rows", rowsError{}, exitRows},
		{"abort", &importer.AbortError{Reason: "credentials refused"}, exitAborted},
		{"preflight", &importer.PreflightError{}, exitAborted},
		{"usage", &usageError{msg: "--target is required"}, exitUsage},
		{"unreadable file", &source.FileError{}, exitUsage},
		{"missing column", &importer.ColumnsError{Missing: []columns.Field{columns.Email}}, exitUsage},
		{"plan without lookups", &importer.PlanError{Target: "x"}, exitUsage},
		{"config others can read", &config.PermissionError{Path: "c.toml", Mode: 0o644}, exitUsage},
		{"config mistake", &config.SyntaxError{Path: "c.toml", Msg: "bad"}, exitUsage},
		{"report folder", &reports.FolderError{}, exitUsage},
		{"cobra's or pflag's", errors.New(`unknown command "x" for "userimport"`), exitUsage},
		{"unexpected", fs.ErrPermission, exitUsage},
	}
	for _, tt := range tests {
		if got := codeFor(tt.err); got != tt.want {
			t.Errorf("%s: codeFor(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
		if tt.err == nil {
			continue
		}
		if got := codeFor(fmt.Errorf("wrapped: %w", tt.err)); got != tt.want {
			t.Errorf("%s, wrapped: exit %d, want %d", tt.name, got, tt.want)
		}
	}
}
