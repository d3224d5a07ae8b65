package validate

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestComposedScriptAgreesWithNorm checks the fast NFC test against x/text for every
// rune it claims, alone and after a letter (where a combining mark would attach).
func TestComposedScriptAgreesWithNorm(t *testing.T) {
	for r := rune(0); r < 0x530; r++ {
		for _, s := range []string{string(r), "a" + string(r), "и" + string(r)} {
			if composedScript(s) && !norm.NFC.IsNormalString(s) {
				t.Errorf("composedScript(%q) is true but the string is not NFC", s)
			}
		}
	}
}
