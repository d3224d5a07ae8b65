//go:build unix

package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// oNoFollow makes open fail, rather than follow, when the last element of the path
// is a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW

// isLinkRefused says whether an open may have failed because of O_NOFOLLOW: Linux
// and macOS say ELOOP, FreeBSD EMLINK. The caller looks at the path to be sure.
func isLinkRefused(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}

// foreignFolder says why an existing folder is not one to write reports in, or "":
// another user's, or one the group or others may write to (see FolderError).
func foreignFolder(fi fs.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Sprintf("the report folder belongs to another user (uid %d); the tool writes reports only into a folder of its user's own: choose another with --report", st.Uid)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Sprintf("other users may write to the report folder (mode %04o), and could swap the reports for links or files of their own; "+
			"make it yours alone (chmod 700 on it), or choose another folder with --report", perm)
	}
	return ""
}
