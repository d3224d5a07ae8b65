package inskill

import (
	"strings"
	"testing"
	"time"

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

// TestFacts: every fact says where it comes from and when it was checked, and the
// three things inSkill does not publish (the authentication, the search answer and
// its paging) are marked inferred.
func TestFacts(t *testing.T) {
	p := Platform()
	if len(p.Facts) == 0 {
		t.Fatal("no Facts")
	}
	inferred := map[string]bool{}
	for _, f := range p.Facts {
		if f.Behaviour == "" || f.Source == "" {
			t.Errorf("a fact without its behaviour or source: %+v", f)
		}
		if _, err := time.Parse(time.DateOnly, f.Checked); err != nil {
			t.Errorf("fact %q: checked %q is not a date", f.Behaviour, f.Checked)
		}
		if f.Verified == strings.HasPrefix(f.Source, "inferred") {
			t.Errorf("fact %q: verified %v but the source says %q", f.Behaviour, f.Verified, f.Source)
		}
		if f.Verified && !strings.Contains(f.Source, "https://") {
			t.Errorf("verified fact %q names no public address", f.Behaviour)
		}
		for _, k := range []string{"Authorization", "search answer", "pages"} {
			if strings.Contains(f.Behaviour, k) && !f.Verified {
				inferred[k] = true
			}
		}
	}
	for _, k := range []string{"Authorization", "search answer", "pages"} {
		if !inferred[k] {
			t.Errorf("no inferred fact about %q", k)
		}
	}
}
