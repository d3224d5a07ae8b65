package importer

import (
	"hash/maphash"
	"strconv"
	"strings"
	"unicode/utf8"

	"userimport/columns"
	"userimport/reports"
	"userimport/validate"
)

// maxKeys bounds the key fields a schema may declare (the platforms have two or three).
const maxKeys = 4

// dedupe is the duplicate check: it finds rows whose key (e-mail, login, id) an earlier
// row of the file already has, and keeps generated logins unique. Hashes are made on
// every core (hashes, keyHash); the rest runs in file order, on the ordered stage
// only. The first row of each key is remembered in a keySet (keyset.go), in memory
// that stops growing past a few hundred thousand keys; two different keys sharing a
// 64-bit hash is a one-in-10^7 event for a million rows.
type dedupe struct {
	seed  maphash.Seed
	keys  []columns.Field // the schema's key fields, at most maxKeys
	seen  *keySet
	input string // the file, to name earlier rows
	// mapping finds a row's key values, its SourceRow and Repeats cells, and the
	// headers a duplicate's issue names.
	mapping *columns.Mapping
	// origins maps a row to the row of the original file it came from, when the
	// input is a failed file (it has a SourceRow column): a duplicate's message
	// then names the original row, not the failed file's own. Nil otherwise.
	origins map[int32]string
	// warmBuf and warmSink serve warm: the batch's key hashes, and the sum of what was
	// loaded, kept so that the compiler cannot drop the loads.
	warmBuf  []uint64
	warmSink uint64
}

// newDedupe checks the keys of schema in the rows of input, whose columns m maps,
// remembering them in seen.
func newDedupe(schema *validate.Schema, m *columns.Mapping, seen *keySet, input string) *dedupe {
	d := &dedupe{seed: maphash.MakeSeed(), keys: schema.KeyFields(), seen: seen, input: input, mapping: m}
	if len(d.keys) > maxKeys {
		d.keys = d.keys[:maxKeys]
	}
	if m.Has(columns.SourceRow) {
		d.origins = make(map[int32]string)
	}
	return d
}

// check finds the earlier rows that the validated row it repeats: those its key values
// were first seen in, and, in a failed file, those its Repeats cell names while the
// row still holds the key they share. It adds a duplicate issue to row for each and
// reports whether there was one. A row's keys are registered whether or not the row
// is valid, so that a later row with the same e-mail is reported now rather than
// after the user fixes this one.
func (d *dedupe) check(it *item, row *reports.Row) (dup bool, err error) {
	cells, u := it.row.Cells, &it.user
	if o := d.mapping.Get(cells, columns.SourceRow); d.remember(it.row.Num, o) {
		row.Origin = o
	}
	// A row of a failed file that still holds the key its Repeats column names is
	// still a duplicate of that earlier row, which is not in this file.
	for _, rep := range parseRepeats(d.mapping.Get(cells, columns.Repeats)) {
		f := columns.Field(rep.field)
		v := validate.Value(u, f)
		if v == "" || !strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(rep.value)) {
			continue
		}
		dup = true
		row.Issues = append(row.Issues, d.duplicate(f, v, cells, rep.origin))
	}
	for k, f := range d.keys {
		if it.hashes[k] == 0 {
			continue
		}
		// One lookup-or-insert per key.
		earlier, seen, err := d.add(it.hashes[k], it.row.Num)
		if err != nil {
			return false, err
		}
		if seen {
			dup = true
			row.Issues = append(row.Issues, d.duplicate(f, validate.Value(u, f), cells, earlier))
		}
	}
	return dup, nil
}

// duplicate is the issue of a row whose value v of key f an earlier row had: earlier
// names that row.
func (d *dedupe) duplicate(f columns.Field, v string, cells []string, earlier string) validate.Issue {
	return validate.Issue{
		Field: string(f), Column: d.mapping.Header(f), Code: validate.CodeDuplicate,
		Severity: validate.Error, Raw: d.mapping.Get(cells, f), Normalized: v, Detail: earlier,
	}
}

// key is the row's identity key, for the reports and the journal: the value of the
// schema's first key field, or of the second when the first is empty.
func (d *dedupe) key(u *validate.User) string {
	if len(d.keys) == 0 {
		return ""
	}
	k := validate.Value(u, d.keys[0])
	if k == "" && len(d.keys) > 1 {
		k = validate.Value(u, d.keys[1])
	}
	return k
}

// hashes are keyHash of each key field of u (0 for an empty value). Safe for
// concurrent use.
func (d *dedupe) hashes(u *validate.User) (hs [maxKeys]uint64) {
	for k, f := range d.keys {
		if v := validate.Value(u, f); v != "" {
			hs[k] = d.keyHash(f, v)
		}
	}
	return hs
}

// warm has the key set load what the batch's lookups will touch, all at once (see
// keySet.warm).
func (d *dedupe) warm(b *batch) {
	hs := d.warmBuf[:0]
	for i := range b.items {
		for _, h := range b.items[i].hashes[:len(d.keys)] {
			if h != 0 {
				hs = append(hs, h)
			}
		}
	}
	d.warmBuf = hs
	d.warmSink += d.seen.warm(hs)
}

// remember records how row num is named in messages about the rows that repeat it,
// when the input is a failed file: as given (its SourceRow cell) when that reads as
// an origin, which remember then reports, else as the input's own row.
func (d *dedupe) remember(num int, given string) bool {
	if d.origins == nil {
		return false
	}
	if validOrigin(given) {
		d.origins[int32(num)] = given
		return true
	}
	d.origins[int32(num)] = reports.Origin(num, d.input)
	return false
}

// add registers hash h for row num; when an earlier row had it, it returns that row,
// named as origin names it, and true.
func (d *dedupe) add(h uint64, num int) (earlier string, dup bool, err error) {
	first, dup, err := d.seen.add(h, int32(num))
	if err != nil || !dup {
		return "", false, err
	}
	if o, ok := d.origins[first]; ok {
		return o, true, nil
	}
	return reports.Origin(int(first), d.input), true, nil
}

// uniqueLogin returns base, or base numbered on from 2 when an earlier row already has
// it, and registers it for row num.
func (d *dedupe) uniqueLogin(base string, num int) (string, error) {
	login := base
	for n := 2; ; n++ {
		_, taken, err := d.seen.get(d.keyHash(columns.Login, login))
		if err != nil {
			return "", err
		}
		if !taken {
			break
		}
		login = base + strconv.Itoa(n)
	}
	if _, _, err := d.seen.add(d.keyHash(columns.Login, login), int32(num)); err != nil {
		return "", err
	}
	return login, nil
}

// keyHash hashes a key field's value, folded as the platforms compare it. It never
// returns 0, which marks "no value". Safe for concurrent use.
func (d *dedupe) keyHash(f columns.Field, v string) uint64 {
	v = strings.TrimSpace(v)
	// The common key (an ASCII id, e-mail or login) is folded in a buffer on the
	// stack: strings.ToLower allocates for every value with a capital letter in it.
	var buf [128]byte
	if b, ok := appendLowerASCII(append(buf[:0], f...), v); ok && len(b) <= len(buf) {
		return max(maphash.Bytes(d.seed, b), 1)
	}
	var h maphash.Hash
	h.SetSeed(d.seed)
	h.WriteString(string(f))
	h.WriteByte(0)
	h.WriteString(strings.ToLower(v))
	return max(h.Sum64(), 1)
}

// appendLowerASCII appends 0 and s lower-cased to b when s is ASCII and fits in b's
// capacity, so that nothing is allocated; otherwise it returns false.
func appendLowerASCII(b []byte, s string) ([]byte, bool) {
	if len(b)+1+len(s) > cap(b) {
		return b, false
	}
	b = append(b, 0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return b, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b, true
}

// repeat is one entry of a failed file's Repeats cell: the earlier row (as Origin
// writes it) and the key it shares.
type repeat struct{ origin, field, value string }

// parseRepeats reads a Repeats cell, "2 (staff.xlsx): uid=T000001; 7 (staff.xlsx):
// email=a@b.ru". Entries that do not read so are ignored: the person may have
// cleared or rewritten the cell to say the row is not a duplicate.
func parseRepeats(cell string) []repeat {
	if strings.TrimSpace(cell) == "" {
		return nil
	}
	var out []repeat
	for part := range strings.SplitSeq(cell, ";") {
		origin, kv, ok := strings.Cut(part, "):")
		if !ok {
			continue
		}
		origin = strings.TrimSpace(origin) + ")"
		field, value, ok := strings.Cut(kv, "=")
		field = strings.TrimSpace(field)
		if !ok || !validOrigin(origin) || field == "" || strings.TrimSpace(value) == "" {
			continue
		}
		f, known := columns.Lookup(field)
		if !known {
			continue
		}
		out = append(out, repeat{origin: origin, field: string(f), value: strings.TrimSpace(value)})
	}
	return out
}

// validOrigin reports whether s reads as reports.Origin writes it: "5 (staff.xlsx)".
func validOrigin(s string) bool {
	num, rest, ok := strings.Cut(strings.TrimSpace(s), " (")
	if !ok || !strings.HasSuffix(rest, ")") || len(rest) < 2 {
		return false
	}
	n, err := strconv.Atoi(num)
	return err == nil && n > 0
}
