package source

import (
	"os"
	"path/filepath"
)

// ExcelLock is the owner file Excel keeps beside a workbook it has open, "~$" and the
// workbook's name, when there is one beside path; "" when not. A file with a lock
// beside it may have edits Excel has not saved, which no reader of the file sees
// (README, "Reports"; issue 17). Only a regular file counts.
func ExcelLock(path string) string {
	lock := filepath.Join(filepath.Dir(path), "~$"+filepath.Base(path))
	if st, err := os.Lstat(lock); err == nil && st.Mode().IsRegular() {
		return lock
	}
	return ""
}
