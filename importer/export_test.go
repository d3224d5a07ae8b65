package importer

// SetKeySetMaxSlots sets the duplicate check's memory table limit, so that a test's
// small file spills to disk, and returns a function that puts it back.
func SetKeySetMaxSlots(n int) (restore func()) {
	old := keySetMaxSlots
	keySetMaxSlots = n
	return func() { keySetMaxSlots = old }
}
