// Package config reads and writes the settings file: named profiles that repeat an
// earlier run's setup (platform, address, column mapping, defaults, limits), so that
// `userimport import staff.xlsx --profile lms` does what last month's long command line
// did. It holds no secret: a profile names the environment variables the credentials
// are in, and a file that others can read is refused anyway, because a mapping and an
// address are already more than a stranger should see.
//
// The format is TOML: people edit it by hand, it has comments, and its parser points at
// the line and column of a mistake. A file looks like this:
//
//	[profiles.lms]
//	target = "collaborator"
//	url = "https://lms.example.ru"
//	concurrency = 4
//	token_env = "LMS_TOKEN"     # the token is in $LMS_TOKEN, never here
//
//	[profiles.lms.map]
//	"Эл. адрес" = "email"
//	"Примечание" = "-"
//
//	[profiles.lms.set]
//	position = "Сотрудник"
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// File is a settings file.
type File struct {
	Profiles map[string]*Profile `toml:"profiles"`
}

// Profile is one saved setup. Every field is optional; the command line fills in what a
// profile leaves out, and a flag given on the command line wins over the profile.
type Profile struct {
	Target string `toml:"target,omitempty"`
	URL    string `toml:"url,omitempty"`
	// Map reads a column as a field: header → field, as --map 'Header=field'.
	Map map[string]string `toml:"map,omitempty"`
	// Set gives rows a value where their cell is empty: field → value, as --set.
	Set         map[string]string `toml:"set,omitempty"`
	Concurrency int               `toml:"concurrency,omitzero"`
	Rate        float64           `toml:"rate,omitzero"`
	Mode        string            `toml:"mode,omitempty"`
	Region      string            `toml:"region,omitempty"`
	Lang        string            `toml:"lang,omitempty"`
	Sheet       string            `toml:"sheet,omitempty"`
	Delimiter   string            `toml:"delimiter,omitempty"`
	Encoding    string            `toml:"encoding,omitempty"`

	// Options only some platforms have, as the flags of the same names.
	API               string `toml:"api,omitempty"`
	Notify            *bool  `toml:"notify,omitempty"`
	Invitation        string `toml:"invitation,omitempty"`
	AuthHeader        string `toml:"auth_header,omitempty"`
	AuthScheme        string `toml:"auth_scheme,omitempty"`
	UserType          string `toml:"user_type,omitempty"`
	CompanyID         string `toml:"company_id,omitempty"`
	Status            string `toml:"status,omitempty"`
	DefaultDepartment string `toml:"default_department,omitempty"`

	// The names of environment variables holding the credentials, for a profile whose
	// credentials are not in the standard USERIMPORT_* variables (two platforms of the
	// same kind, say). The values themselves are never stored.
	TokenEnv        string `toml:"token_env,omitempty"`
	ClientIDEnv     string `toml:"client_id_env,omitempty"`
	ClientSecretEnv string `toml:"client_secret_env,omitempty"`
	EmailEnv        string `toml:"email_env,omitempty"`
	PasswordEnv     string `toml:"password_env,omitempty"`
	APIKeyEnv       string `toml:"api_key_env,omitempty"`
}

// Setting is one value of a profile, by its key in the file, as text a flag parses.
type Setting struct {
	Key   string
	Value string
}

// Settings lists the profile's scalar values in a fixed order, with their keys; Map, Set
// and the *_env references are read by their own fields.
func (p *Profile) Settings() []Setting {
	var out []Setting
	add := func(key, v string) {
		if v != "" {
			out = append(out, Setting{key, v})
		}
	}
	add("target", p.Target)
	add("url", p.URL)
	if p.Concurrency != 0 {
		add("concurrency", strconv.Itoa(p.Concurrency))
	}
	if p.Rate != 0 {
		add("rate", strconv.FormatFloat(p.Rate, 'g', -1, 64))
	}
	add("mode", p.Mode)
	add("region", p.Region)
	add("lang", p.Lang)
	add("sheet", p.Sheet)
	add("delimiter", p.Delimiter)
	add("encoding", p.Encoding)
	add("api", p.API)
	if p.Notify != nil {
		add("notify", strconv.FormatBool(*p.Notify))
	}
	add("invitation", p.Invitation)
	add("auth_header", p.AuthHeader)
	add("auth_scheme", p.AuthScheme)
	add("user_type", p.UserType)
	add("company_id", p.CompanyID)
	add("status", p.Status)
	add("default_department", p.DefaultDepartment)
	return out
}

// CredentialVars maps the ending of a standard credential variable (TOKEN, CLIENT_ID,
// CLIENT_SECRET, EMAIL, PASSWORD, API_KEY: USERIMPORT_<PLATFORM>_<ENDING>) to the variable this
// profile reads it from instead.
func (p *Profile) CredentialVars() map[string]string {
	m := map[string]string{}
	for suffix, name := range map[string]string{
		"TOKEN": p.TokenEnv, "CLIENT_ID": p.ClientIDEnv, "CLIENT_SECRET": p.ClientSecretEnv,
		"EMAIL": p.EmailEnv, "API_KEY": p.APIKeyEnv, "PASSWORD": p.PasswordEnv,
	} {
		if name != "" {
			m[suffix] = name
		}
	}
	return m
}

// Dir is the folder of the default settings file for an operating system (goos as in
// runtime.GOOS), from the environment the way os.UserConfigDir reads it, but through
// getenv so that tests choose it: $XDG_CONFIG_HOME or ~/.config on Unix,
// %AppData% on Windows, ~/Library/Application Support on macOS.
func Dir(getenv func(string) string, goos string) (string, error) {
	var base string
	switch goos {
	case "windows":
		base = getenv("AppData")
		if base == "" {
			return "", errors.New("config: %AppData% is not set")
		}
	case "darwin", "ios":
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("config: $HOME is not set")
		}
		base = filepath.Join(home, "Library", "Application Support")
	default:
		base = getenv("XDG_CONFIG_HOME")
		if base == "" || !filepath.IsAbs(base) {
			home := getenv("HOME")
			if home == "" {
				return "", errors.New("config: neither $XDG_CONFIG_HOME nor $HOME is set")
			}
			base = filepath.Join(home, ".config")
		}
	}
	return filepath.Join(base, "userimport"), nil
}

// PermissionError is a settings file that people other than its owner can read or
// write. It is refused: a profile reveals addresses and where secrets live, and a file
// others can write could point the tool at their server.
type PermissionError struct {
	Path string
	Mode fs.FileMode
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("config %s: group or others may read or change it (mode %04o); make it private: chmod 600 %s",
		e.Path, e.Mode.Perm(), e.Path)
}

// SyntaxError is a settings file that is not valid TOML, or holds a key or a value the
// tool does not take. Line is 1-based; 0 when it cannot be told. Detail shows the line
// with a caret under the mistake, when the parser knows where it is.
type SyntaxError struct {
	Path string
	Line int
	Msg  string
	// Ru is Msg in Russian, where the tool wrote it; "" leaves the parser's words.
	Ru     string
	Detail string
}

func (e *SyntaxError) Error() string {
	at := e.Path
	if e.Line > 0 {
		at = fmt.Sprintf("%s line %d", e.Path, e.Line)
	}
	s := "config " + at + ": " + e.Msg
	if e.Detail != "" {
		s += "\n" + e.Detail
	}
	return s
}

// ErrNoProfile is returned, wrapped, for a profile the file does not have.
var ErrNoProfile = errors.New("no such profile")

// Load reads a settings file. A file others can read is a *PermissionError, a mistake
// in it a *SyntaxError; a file that does not exist is an error satisfying
// errors.Is(err, fs.ErrNotExist).
func Load(path string) (*File, error) {
	data, err := readPrivate(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// withPosition is the parse error with its line and a caret under the place. The TOML
// library's ErrorWithPosition panics on a position with no column (an unfinished
// string at the end of the file: `"\`, found by FuzzParse); then the plain message
// serves.
func withPosition(pe toml.ParseError) (s string) {
	defer func() {
		if recover() != nil {
			s = pe.Error()
		}
	}()
	return strings.TrimRight(pe.ErrorWithPosition(), "\n")
}

// Parse decodes the text of a settings file; path is only for messages. Keys the tool
// does not know are errors, with their line, so that a misspelt "concurency" does not
// silently do nothing, and a secret written into the file is refused with the way to
// keep it out.
func Parse(path string, data []byte) (*File, error) {
	var f File
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		if pe, ok := errors.AsType[toml.ParseError](err); ok {
			return nil, &SyntaxError{Path: path, Line: pe.Position.Line, Msg: pe.Message, Detail: withPosition(pe)}
		}
		// A value of the wrong type ("four" for a number) is not a ParseError, but its
		// text says "toml: line N (last key ...): ...".
		se := &SyntaxError{Path: path, Msg: err.Error()}
		if m := decodeErr.FindStringSubmatch(err.Error()); m != nil {
			se.Line, _ = strconv.Atoi(m[1])
			se.Msg = m[3]
			if en, ru, ok := wrongType(m[2], m[3]); ok {
				se.Msg, se.Ru = en, ru
			}
		}
		return nil, se
	}
	if bad := md.Undecoded(); len(bad) > 0 {
		k := bad[0]
		en, ru := unknownKey(k)
		return nil, &SyntaxError{Path: path, Line: lineOf(data, k), Msg: en, Ru: ru}
	}
	for name, p := range f.Profiles {
		if p == nil {
			f.Profiles[name] = &Profile{}
		}
	}
	return &f, nil
}

var decodeErr = regexp.MustCompile(`^toml: line (\d+)(?: \(last key "([^"]*)"\))?: (.*)$`)

// unknownKey explains a key the tool does not take, in English and in Russian, with
// the key meant when it is a misspelling of one.
func unknownKey(k toml.Key) (en, ru string) {
	last := k[len(k)-1]
	low := strings.ToLower(last)
	for _, secret := range []string{"token", "secret", "password", "api_key", "apikey", "key", "client_id"} {
		if low == secret {
			return fmt.Sprintf("%q: secrets are not kept in the config; put it in an environment variable and name the variable: %s_env = \"MY_VARIABLE\"", k.String(), low),
				fmt.Sprintf("%q: секреты в файле настроек не хранятся; положите его в переменную окружения и назовите её: %s_env = \"MY_VARIABLE\"", k.String(), low)
		}
	}
	if len(k) < 2 || k[0] != "profiles" {
		return fmt.Sprintf("unknown key %q: settings go in a profile, under [profiles.NAME]", k.String()),
			fmt.Sprintf("неизвестный ключ %q: настройки пишутся в профиль, под [profiles.ИМЯ]", k.String())
	}
	if best, ok := nearestKey(last); ok && len(k) == 3 {
		return fmt.Sprintf("unknown key %q; did you mean %s?", k.String(), best),
			fmt.Sprintf("неизвестный ключ %q; может быть, %s?", k.String(), best)
	}
	keys := strings.Join(profileKeys(), ", ")
	return fmt.Sprintf("unknown key %q; a profile takes %s", k.String(), keys),
		fmt.Sprintf("неизвестный ключ %q; в профиле бывают %s", k.String(), keys)
}

// profileKeys lists the keys a profile takes, for messages.
func profileKeys() []string {
	keys := []string{"map", "set", "token_env", "client_id_env", "client_secret_env", "email_env", "api_key_env"}
	t := true
	for _, s := range (&Profile{Concurrency: 1, Rate: 1, Notify: &t, Target: "x", URL: "x", Mode: "x", Region: "x", Lang: "x",
		Sheet: "x", Delimiter: "x", Encoding: "x", API: "x", Invitation: "x", AuthHeader: "x", AuthScheme: "x",
		UserType: "x", CompanyID: "x", Status: "x", DefaultDepartment: "x"}).Settings() {
		keys = append(keys, s.Key)
	}
	slices.Sort(keys)
	return keys
}

// lineOf finds the line that defines key k: the last piece assigned, or its table
// header, after the header of the table it is in. 0 when it cannot be found.
func lineOf(data []byte, k toml.Key) int {
	lines := strings.Split(string(data), "\n")
	name := regexp.QuoteMeta(k[len(k)-1])
	assign := regexp.MustCompile(`^\s*["']?` + name + `["']?\s*=`)
	header := regexp.MustCompile(`^\s*\[+\s*` + regexp.QuoteMeta(k.String()) + `\s*\]+`)
	parent := ""
	if len(k) > 1 {
		parent = toml.Key(k[:len(k)-1]).String()
	}
	inParent := parent == ""
	for i, l := range lines {
		if header.MatchString(l) {
			return i + 1
		}
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "[") {
			inParent = strings.Trim(t, "[] ") == parent
			continue
		}
		if inParent && assign.MatchString(l) {
			return i + 1
		}
	}
	return 0
}

// readPrivate reads a settings file after checking that only its owner may read or
// write it. Windows keeps permissions in ACLs, which file modes do not show, so the
// check is for Unix.
func readPrivate(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if fi.IsDir() {
		return nil, &SyntaxError{Path: path, Msg: "is a folder, not a file", Ru: "это папка, а не файл"}
	}
	if checkModes && fi.Mode().Perm()&0o077 != 0 {
		return nil, &PermissionError{Path: path, Mode: fi.Mode()}
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return b.Bytes(), nil
}

// Profile returns the named profile.
func (f *File) Profile(name string) (*Profile, error) {
	p, ok := f.Profiles[name]
	if !ok {
		names := f.Names()
		if len(names) == 0 {
			return nil, &NoProfileError{Name: name}
		}
		return nil, &NoProfileError{Name: name, Have: names}
	}
	return p, nil
}

// Names lists the profiles, sorted.
func (f *File) Names() []string {
	var names []string
	for n := range f.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Update changes one profile of the file at path with change, creating the profile,
// the file (mode 0600) and its folder (0700) as needed. A new profile is appended, so
// the rest of the file, comments included, stays as the person wrote it; changing an
// existing one rewrites the file, and comments are lost. The file is replaced
// atomically, so a crash leaves the old one or the new one, never half of each.
func Update(path, name string, change func(*Profile)) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("config: a profile needs a name")
	}
	old, err := readPrivate(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return err
	}
	f, err := Parse(path, old)
	if err != nil {
		return err
	}
	var out []byte
	if p, ok := f.Profiles[name]; ok {
		change(p)
		var b bytes.Buffer
		if err := encode(&b, f); err != nil {
			return fmt.Errorf("config %s: %w", path, err)
		}
		out = b.Bytes()
	} else {
		p := &Profile{}
		change(p)
		var b bytes.Buffer
		if err := encode(&b, File{Profiles: map[string]*Profile{name: p}}); err != nil {
			return fmt.Errorf("config %s: %w", path, err)
		}
		// The encoder opens with a [profiles] table, which the file already has.
		section := bytes.TrimPrefix(b.Bytes(), []byte("[profiles]\n"))
		out = old
		if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
		if len(out) > 0 {
			out = append(out, '\n')
		}
		out = append(out, section...)
	}
	if _, err := Parse(path, out); err != nil {
		return fmt.Errorf("config %s: the updated file would not read back: %w", path, err)
	}
	return writePrivate(path, out)
}

// encode writes f flush left, as people write TOML by hand.
func encode(w io.Writer, f any) error {
	enc := toml.NewEncoder(w)
	enc.Indent = ""
	return enc.Encode(f)
}

// writePrivate replaces path with data, owner-only, through a temporary file renamed
// over it.
func writePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.toml")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && checkModes {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}
