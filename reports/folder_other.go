//go:build !unix

package reports

import "io/fs"

// oNoFollow is 0 where the system has no O_NOFOLLOW (Windows): openPrivate's look at
// the path just before opening it stands in.
const oNoFollow = 0

func isLinkRefused(error) bool { return false }

// foreignFolder has nothing to check where folders have no Unix owner and mode bits:
// Windows gives a new folder its parent's access list.
func foreignFolder(fs.FileInfo) string { return "" }
