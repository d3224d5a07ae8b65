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
	// origins maps a row to the row of the original file it came from, when the
	// input is a failed file (it has a SourceRow column): a duplicate's message
	// then names the original row, not the failed file's own. Nil otherwise.
	origins map[int32]string
	// warmBuf and warmSink serve warm: the batch's key hashes, and the sum of what was
	// loaded, kept so that the compiler cannot drop the loads.
	warmBuf  []uint64
	warmSink uint64
}

// newDedupe checks the keys of schema in the rows of input, remembering them in seen;
// failedFile says the input has a SourceRow column (see origins).
func newDedupe(schema *validate.Schema, seen *keySet, input string, failedFile bool) *dedupe {
	d := &dedupe{seed: maphash.MakeSeed(), keys: schema.KeyFields(), seen: seen, input: input}
	if len(d.keys) > maxKeys {
		d.keys = d.keys[:maxKeys]
	}
	if failedFile {
		d.origins = make(map[int32]string)
	}
	return d
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
