package targets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// FlexString takes a JSON string, number or boolean as text; null and anything else
// become "". APIs built on PHP (inSkill's Laravel, CS-Cart, Collaborator) send ids and
// numbers as strings from the database and as numbers from code, sometimes in the same
// answer.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler; it never fails on a well-formed value.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'), string(b) == "true", string(b) == "false":
		*f = FlexString(b)
	default:
		*f = ""
	}
	return nil
}

// Int is f as a whole number, or 0 when it is not one: a page count or a total that
// the answer leaves out or garbles counts as unknown.
func (f FlexString) Int() int {
	n, err := strconv.Atoi(string(f))
	if err != nil {
		return 0
	}
	return n
}

// FlexInt is a count that must be a number: a JSON number or a numeric string (a
// fraction is cut), with null and "" as 0. Anything else, or a count below 0 or above
// a billion, fails the decoding, so that an answer that is not the one expected is
// not read as zeros.
type FlexInt int

// UnmarshalJSON implements json.Unmarshaler.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*n = 0
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(uq)
	}
	if s == "" {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e9 {
		return fmt.Errorf("count %s: not a number", b)
	}
	*n = FlexInt(f)
	return nil
}

// DecodeEach decodes each item of a JSON list with decode and keeps those it accepts,
// so that an entry a client cannot read (a null, a string) costs only itself. The
// result is never nil.
func DecodeEach[T any](items []json.RawMessage, decode func([]byte) (T, bool)) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		if v, ok := decode(it); ok {
			out = append(out, v)
		}
	}
	return out
}
