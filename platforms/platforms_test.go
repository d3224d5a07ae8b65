package platforms_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"userimport/config"
	"userimport/platforms"
	"userimport/targets"
)

// TestDeclarations keeps the declarations in step with what reads them: one name per
// platform, aliases that are not names, variables named USERIMPORT_<PLATFORM>_<ROLE>
// (a profile's <role>_env renames them by that ending), and flags and credentials whose
// keys the settings file takes.
func TestDeclarations(t *testing.T) {
	names := platforms.Names()
	if want := []string{"collaborator", "inskill", "ispring", "cscart"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	for _, p := range platforms.All() {
		if got, ok := platforms.Lookup(" " + strings.ToUpper(p.Name) + " "); !ok || got.Name != p.Name {
			t.Errorf("Lookup(%q) = %q, %v", p.Name, got.Name, ok)
		}
		if s := p.Schema(); s.Target != p.Name {
			t.Errorf("%s: the schema says target %q", p.Name, s.Target)
		}
		if a, b := p.Schema(), p.Schema(); a == b {
			t.Errorf("%s: Schema returns the same schema twice", p.Name)
		}
		for _, a := range p.Aliases {
			if a != strings.ToLower(a) || slices.Contains(names, a) {
				t.Errorf("%s: alias %q is not lower case, or is a platform's name", p.Name, a)
			}
			if got, ok := platforms.ByAlias(strings.ToUpper(a)); !ok || got.Name != p.Name {
				t.Errorf("ByAlias(%q) = %q, %v", a, got.Name, ok)
			}
		}
		var text strings.Builder
		text.WriteString("[profiles.p]\n")
		for _, e := range p.Env {
			want := "USERIMPORT_" + strings.ToUpper(p.Name) + "_" + strings.ToUpper(string(e.Role))
			if e.Name != want {
				t.Errorf("%s: variable %s for %s, want %s", p.Name, e.Name, e.Role, want)
			}
			if p.Var(e.Role) != e.Name {
				t.Errorf("%s: Var(%s) = %q", p.Name, e.Role, p.Var(e.Role))
			}
			fmt.Fprintf(&text, "%s = \"MY_%s\"\n", e.Role.ProfileKey(), strings.ToUpper(string(e.Role)))
		}
		for _, f := range p.Flags {
			fmt.Fprintf(&text, "%s = %s\n", f.Key(), map[bool]string{true: "true", false: `"x"`}[f.Kind == targets.BoolFlag])
		}
		file, err := config.Parse("config.toml", []byte(text.String()))
		if err != nil {
			t.Errorf("%s: the settings file does not take its keys: %v", p.Name, err)
			continue
		}
		prof, _ := file.Profile("p")
		vars := prof.CredentialVars()
		for _, e := range p.Env {
			if suffix := strings.ToUpper(string(e.Role)); vars[suffix] != "MY_"+suffix {
				t.Errorf("%s: %s does not rename %s: %v", p.Name, e.Role.ProfileKey(), e.Name, vars)
			}
		}
		var keys []string
		for _, s := range prof.Settings() {
			keys = append(keys, s.Key)
		}
		for _, f := range p.Flags {
			if !slices.Contains(keys, f.Key()) {
				t.Errorf("%s: a profile's %s does not reach --%s", p.Name, f.Key(), f.Name)
			}
		}
	}
}
