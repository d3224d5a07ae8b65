package cli

import (
	"strings"
	"testing"

	"userimport/lang"
	"userimport/targets"
	"userimport/targets/collaborator"
	"userimport/targets/ispring"
)

// TestMissingCredentials: a platform with two ways of giving credentials (Collaborator:
// a token, or an e-mail and a password) takes either, and names both when neither is
// complete; a platform with one way needs all of it.
func TestMissingCredentials(t *testing.T) {
	tests := []struct {
		name    string
		p       targets.Platform
		set     map[targets.Credential]string
		missing string // "" when the check passes
	}{
		{"token", collaborator.Platform(), map[targets.Credential]string{targets.Token: "t"}, ""},
		{"login", collaborator.Platform(), map[targets.Credential]string{targets.Email: "a@b.c", targets.Password: "p"}, ""},
		{"half a login", collaborator.Platform(), map[targets.Credential]string{targets.Email: "a@b.c"},
			"USERIMPORT_COLLABORATOR_TOKEN, or USERIMPORT_COLLABORATOR_EMAIL and USERIMPORT_COLLABORATOR_PASSWORD"},
		{"nothing", collaborator.Platform(), nil,
			"USERIMPORT_COLLABORATOR_TOKEN, or USERIMPORT_COLLABORATOR_EMAIL and USERIMPORT_COLLABORATOR_PASSWORD"},
		{"ispring both", ispring.Platform(), map[targets.Credential]string{targets.ClientID: "i", targets.ClientSecret: "s"}, ""},
		{"ispring half", ispring.Platform(), map[targets.Credential]string{targets.ClientID: "i"},
			"USERIMPORT_ISPRING_CLIENT_ID and USERIMPORT_ISPRING_CLIENT_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := missingCredentials(tt.p, func(c targets.Credential) string { return tt.set[c] }, lang.English)
			switch {
			case tt.missing == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.missing != "" && (err == nil || !strings.Contains(err.Error(), tt.missing)):
				t.Errorf("err = %v, want it to name %s", err, tt.missing)
			}
		})
	}
}
