package validate

// PaddedIDs looks across rows at the ids of a column (the табельный номер, uid), in file
// order, for the trace Excel leaves when a column of zero-padded ids was not text: most
// ids keep their zeros (000124, typed or pasted as text) but a few were typed as
// numbers and lost them (123). Such an id is a warning, not an error: the platform
// takes it, but it is not the id the person has elsewhere. An id is only compared with
// the padded ones before it, so rows above the first padded id are not looked at
// (docs/design.md: the sequential stage sees rows in file order). The zero value is
// ready to use; it is not safe for concurrent use.
type PaddedIDs struct {
	// padded counts the zero-padded ids seen; width is the length of the last one.
	padded, width int
}

// Check looks at id, the next row's cell, and returns the warning when it is a plain
// number shorter than the zero-padded ids seen before it; Detail is the id padded to
// their width. ok is false when there is nothing to say.
func (p *PaddedIDs) Check(id string) (_ Issue, ok bool) {
	if !allDigits(id) {
		return Issue{}, false
	}
	if len(id) > 1 && id[0] == '0' {
		p.padded++
		p.width = len(id)
		return Issue{}, false
	}
	if p.padded == 0 || len(id) >= p.width {
		return Issue{}, false
	}
	padded := make([]byte, 0, p.width)
	for range p.width - len(id) {
		padded = append(padded, '0')
	}
	padded = append(padded, id...)
	return Issue{Code: CodeIDZerosDropped, Severity: Warning, Raw: id, Detail: string(padded)}, true
}
