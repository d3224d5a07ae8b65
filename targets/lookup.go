package targets

// FindOne is the lookup of one account by a key the platform only filters on
// fuzzily (a substring, a search over several fields): it reads the pages of the
// filtered list, 1 to most, with read, which returns a page's items and whether
// another page may follow; keeps the items exact accepts, the match the platform
// does not make; and returns the one kept, nil when none is, or the error several
// makes of them when more than one is.
func FindOne[T any](most int, read func(page int) (items []T, more bool, err error), exact func(T) bool, several func([]T) error) (*T, error) {
	var found []T
	for page := 1; page <= most; page++ {
		items, more, err := read(page)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if exact(it) {
				found = append(found, it)
			}
		}
		if !more {
			break
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	}
	return nil, several(found)
}
