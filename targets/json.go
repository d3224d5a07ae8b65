package targets

import (
	"bytes"
	"encoding/json"
)

// FlexString takes a JSON string, number or boolean as text; null and anything else
// become "". APIs built on PHP (inSkill's Laravel, CS-Cart) send ids and numbers as
// strings from the database and as numbers from code, sometimes in the same answer.
type FlexString string

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
