package inskill

import (
	"strings"
	"testing"

	"userimport/lang"
)

// TestNotice: plan and import warn of the welcome e-mail in both languages.
func TestNotice(t *testing.T) {
	p := Platform()
	if p.Notice == nil {
		t.Fatal("no Notice: plan and import would not warn of the welcome e-mail")
	}
	en, ru := p.Notice(lang.English), p.Notice(lang.Russian)
	if !strings.Contains(en, "welcome e-mail") || !strings.Contains(en, "cannot turn that off") {
		t.Errorf("English notice %q does not say the welcome e-mail cannot be turned off", en)
	}
	if !strings.Contains(ru, "приветственное письмо") || !strings.Contains(ru, "отключить") {
		t.Errorf("Russian notice %q does not say the welcome e-mail cannot be turned off", ru)
	}
	if strings.Contains(en, "\n") || strings.Contains(ru, "\n") {
		t.Errorf("a notice is one paragraph, without line breaks")
	}
}
