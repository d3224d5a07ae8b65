package config_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"userimport/config"
)

const sample = `# last month's setup
[profiles.lms]
target = "collaborator"
url = "https://lms.example.ru"
concurrency = 4
rate = 2.5
notify = true
token_env = "LMS_TOKEN"

[profiles.lms.map]
"Эл. адрес" = "email"
"Примечание" = "-"

[profiles.lms.set]
position = "Сотрудник"

[profiles.shop]
target = "cscart"
email_env = "SHOP_EMAIL"
api_key_env = "SHOP_KEY"
`

func write(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	f, err := config.Load(write(t, sample, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"lms", "shop"}, f.Names()); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	p, err := f.Profile("lms")
	if err != nil {
		t.Fatal(err)
	}
	want := []config.Setting{
		{"target", "collaborator"}, {"url", "https://lms.example.ru"}, {"concurrency", "4"},
		{"rate", "2.5"}, {"notify", "true"},
	}
	if diff := cmp.Diff(want, p.Settings()); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"Эл. адрес": "email", "Примечание": "-"}, p.Map); diff != "" {
		t.Errorf("map (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"TOKEN": "LMS_TOKEN"}, p.CredentialVars()); diff != "" {
		t.Errorf("credential variables (-want +got):\n%s", diff)
	}
	shop, _ := f.Profile("shop")
	if diff := cmp.Diff(map[string]string{"EMAIL": "SHOP_EMAIL", "API_KEY": "SHOP_KEY"}, shop.CredentialVars()); diff != "" {
		t.Errorf("shop credential variables (-want +got):\n%s", diff)
	}
	if _, err := f.Profile("lsm"); !errors.Is(err, config.ErrNoProfile) || !strings.Contains(err.Error(), "lms, shop") {
		t.Errorf("missing profile: %v", err)
	}
}

func TestLoadRefuses(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		mode     os.FileMode
		wantLine int
		want     []string
		perm     bool
	}{
		{name: "readable by the group", text: sample, mode: 0o640, perm: true, want: []string{"mode 0640", "chmod 600"}},
		{name: "readable by all", text: sample, mode: 0o644, perm: true, want: []string{"mode 0644"}},
		{name: "syntax", text: "[profiles.lms]\ntarget = \"collaborator\nurl = 1\n", mode: 0o600, wantLine: 2, want: []string{"line 2", "^"}},
		{name: "misspelt key", text: "[profiles.lms]\ntarget = \"x\"\nconcurency = 4\n", mode: 0o600, wantLine: 3, want: []string{`"profiles.lms.concurency"`, "concurrency"}},
		{name: "a secret in the file", text: "[profiles.lms]\n\ntoken = \"s3cret\"\n", mode: 0o600, wantLine: 3, want: []string{"token_env"}},
		{name: "a key outside a profile", text: "target = \"x\"\n", mode: 0o600, wantLine: 1, want: []string{"[profiles.NAME]"}},
		{name: "wrong type", text: "[profiles.lms]\nconcurrency = \"four\"\n", mode: 0o600, wantLine: 2, want: []string{"line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.perm && runtime.GOOS == "windows" {
				t.Skip("file modes do not say who may read a file on Windows")
			}
			_, err := config.Load(write(t, tt.text, tt.mode))
			if err == nil {
				t.Fatal("loaded")
			}
			if pe, ok := errors.AsType[*config.PermissionError](err); ok != tt.perm {
				t.Errorf("PermissionError %v (%v), want %v", ok, pe, tt.perm)
			}
			if se, ok := errors.AsType[*config.SyntaxError](err); ok && se.Line != tt.wantLine {
				t.Errorf("line %d, want %d: %v", se.Line, tt.wantLine, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the secret is in the message: %v", err)
			}
		})
	}
	if _, err := config.Load(filepath.Join(t.TempDir(), "none.toml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestUpdate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "userimport")
	path := filepath.Join(dir, "config.toml")
	if err := config.Update(path, "lms", func(p *config.Profile) {
		p.Target = "collaborator"
		p.Map = map[string]string{"Почта": "email"}
	}); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		di, _ := os.Stat(dir)
		if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
			t.Errorf("modes %v %v, want 0600 and 0700", fi.Mode().Perm(), di.Mode().Perm())
		}
	}
	// A comment, then a new profile: the comment stays.
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append([]byte("# mine\n"), data...), 0o600)
	if err := config.Update(path, "shop", func(p *config.Profile) { p.Target = "cscart" }); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(path)
	if !strings.HasPrefix(string(data), "# mine\n") {
		t.Errorf("the comment was lost:\n%s", data)
	}
	// Changing an existing profile keeps its other settings.
	if err := config.Update(path, "lms", func(p *config.Profile) { p.URL = "https://lms.example.ru" }); err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	lms, _ := f.Profile("lms")
	if lms.Target != "collaborator" || lms.URL != "https://lms.example.ru" || lms.Map["Почта"] != "email" {
		t.Errorf("lms = %+v", lms)
	}
	if shop, _ := f.Profile("shop"); shop == nil || shop.Target != "cscart" {
		t.Errorf("shop = %+v", shop)
	}
	if runtime.GOOS != "windows" {
		os.Chmod(path, 0o644)
		if err := config.Update(path, "x", func(*config.Profile) {}); err == nil {
			t.Errorf("updated a file others can read")
		}
	}
}

func TestDir(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/userimport"},
		{"linux", map[string]string{"HOME": "/h"}, "/h/.config/userimport"},
		{"linux", map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/h"}, "/h/.config/userimport"},
		{"darwin", map[string]string{"HOME": "/Users/a"}, "/Users/a/Library/Application Support/userimport"},
		{"windows", map[string]string{"AppData": `C:\Users\a\AppData\Roaming`}, filepath.Join(`C:\Users\a\AppData\Roaming`, "userimport")},
	}
	for _, tt := range tests {
		got, err := config.Dir(func(k string) string { return tt.env[k] }, tt.goos)
		if err != nil || got != tt.want {
			t.Errorf("Dir(%v, %s) = %q, %v; want %q", tt.env, tt.goos, got, err, tt.want)
		}
	}
	if _, err := config.Dir(func(string) string { return "" }, "linux"); err == nil {
		t.Error("no error without HOME")
	}
}

// FuzzParse: no input panics, and a file that parses, written back by Update, parses to
// the same profiles.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("[profiles.a]\nmap = { \"x\" = \"y\" }\n"))
	f.Add([]byte("[[profiles]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := config.Parse("fuzz.toml", data)
		if err != nil {
			var se *config.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, name := range file.Names() {
			p, _ := file.Profile(name)
			_ = p.Settings()
			_ = p.CredentialVars()
		}
	})
}
