package cli

import (
	"bytes"
	"errors"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"

	"userimport/lang"
)

// nasty are file names and values that must reach the tool as they are when a printed
// command is pasted, and never run anything.
var nasty = []string{
	"staff.xlsx",
	"my staff.xlsx",
	"`touch pwned`.xlsx",
	"$(touch pwned).csv",
	"${HOME}.csv",
	"a;touch pwned.csv",
	"a&calc.xlsx",
	"a|calc.xlsx",
	"a&&calc||x.xlsx",
	"<in>out.csv",
	"(x)^y.csv",
	"it's.xlsx",
	`say "hi".csv`,
	"%PATH%.xlsx",
	"!PATH!.xlsx",
	"line\nbreak.csv",
	"tab\there.csv",
	"Сотрудники отдела № 5.xlsx",
	"Отчёт ‘Q1’.xlsx",
	"日本語 😀.csv",
	`C:\Users\hr\My Files\`,
	`C:\Users\hr\staff.xlsx`,
	"--url=https://lms.example.ru",
	"-Dx.y",
	"--",
	"=cmd",
	"~/staff.csv",
	"#comment.csv",
	"@splat",
	"a,b.csv",
	"--%",
	"*.xlsx",
	"",
}

// TestQuotePOSIX runs each quoted name through sh (dash here) and bash, and checks the
// shell hands the program exactly the name and runs nothing.
func TestQuotePOSIX(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX shell")
	}
	for _, shellPath := range []string{"sh", "bash"} {
		if _, err := exec.LookPath(shellPath); err != nil {
			continue
		}
		for _, name := range nasty {
			for _, always := range []bool{false, true} {
				q, err := posixShell.quoteArg(name, always)
				if err != nil {
					t.Errorf("%s: %q refused: %v", shellPath, name, err)
					continue
				}
				dir := t.TempDir()
				cmd := exec.Command(shellPath, "-c", `printf '%s\0' `+q)
				cmd.Dir = dir
				cmd.Env = []string{"HOME=/nonexistent", "PATH=/usr/bin:/bin"}
				out, err := cmd.Output()
				if err != nil {
					t.Errorf("%s -c %q: %v", shellPath, q, err)
					continue
				}
				if got := strings.TrimSuffix(string(out), "\x00"); got != name || strings.Count(string(out), "\x00") != 1 {
					t.Errorf("%s: %q quoted as %s reads back as %q", shellPath, name, q, out)
				}
				if matches, _ := exec.Command("ls", "-A", dir).Output(); len(matches) > 0 {
					t.Errorf("%s: pasting %s made files: %s", shellPath, q, matches)
				}
			}
		}
	}
}

// TestQuoteTable is what each shell gets for the nasty names, and what is refused.
func TestQuoteTable(t *testing.T) {
	tests := []struct {
		arg           string
		sh, cmd, ps   string
		cmdErr, psErr error
		allErr        bool // refused for every shell
	}{
		{arg: "staff.xlsx", sh: "staff.xlsx", cmd: "staff.xlsx", ps: "staff.xlsx"},
		{arg: "my staff.xlsx", sh: "'my staff.xlsx'", cmd: `"my staff.xlsx"`, ps: "'my staff.xlsx'"},
		{arg: "`touch pwned`.xlsx", sh: "'`touch pwned`.xlsx'", cmd: "\"`touch pwned`.xlsx\"", ps: "'`touch pwned`.xlsx'"},
		{arg: "$(touch pwned).csv", sh: "'$(touch pwned).csv'", cmd: `"$(touch pwned).csv"`, ps: "'$(touch pwned).csv'"},
		{arg: "a;b.csv", sh: "'a;b.csv'", cmd: `"a;b.csv"`, ps: "'a;b.csv'"},
		{arg: "a&calc.xlsx", sh: "'a&calc.xlsx'", cmd: `"a&calc.xlsx"`, ps: "'a&calc.xlsx'"},
		{arg: "a|calc.xlsx", sh: "'a|calc.xlsx'", cmd: `"a|calc.xlsx"`, ps: "'a|calc.xlsx'"},
		{arg: "(x)^y.csv", sh: "'(x)^y.csv'", cmd: `"(x)^y.csv"`, ps: "'(x)^y.csv'"},
		{arg: "it's.xlsx", sh: `'it'\''s.xlsx'`, cmd: `"it's.xlsx"`, ps: "'it''s.xlsx'"},
		{arg: "Отчёт ‘Q1’.xlsx", sh: "'Отчёт ‘Q1’.xlsx'", cmd: `"Отчёт ‘Q1’.xlsx"`, ps: "'Отчёт ‘‘Q1’’.xlsx'"},
		{arg: `say "hi".csv`, sh: `'say "hi".csv'`, cmdErr: errCmdQuote, psErr: errPSQuote},
		{arg: "%PATH%.xlsx", sh: "%PATH%.xlsx", cmdErr: errCmdPercent, ps: "'%PATH%.xlsx'"},
		{arg: "!x!.xlsx", sh: "'!x!.xlsx'", cmdErr: errCmdPercent, ps: "'!x!.xlsx'"},
		{arg: "line\nbreak.csv", sh: "'line\nbreak.csv'", cmdErr: errCmdNewline, ps: "'line\nbreak.csv'"},
		{arg: "Сотрудники.xlsx", sh: "Сотрудники.xlsx", cmd: "Сотрудники.xlsx", ps: "Сотрудники.xlsx"},
		{arg: "日本語 😀.csv", sh: "'日本語 😀.csv'", cmd: `"日本語 😀.csv"`, ps: "'日本語 😀.csv'"},
		{arg: `C:\My Files\`, sh: `'C:\My Files\'`, cmd: `"C:\My Files\\"`, ps: `'C:\My Files\'`},
		{arg: `C:\hr\staff.xlsx`, sh: `'C:\hr\staff.xlsx'`, cmd: `C:\hr\staff.xlsx`, ps: `C:\hr\staff.xlsx`},
		{arg: "--url=https://lms.example.ru", sh: "--url=https://lms.example.ru", cmd: "--url=https://lms.example.ru", ps: "'--url=https://lms.example.ru'"},
		{arg: "--target", sh: "--target", cmd: "--target", ps: "--target"},
		{arg: "--", sh: "--", cmd: "--", ps: "'--'"},
		{arg: "--%", sh: "--%", cmd: "", cmdErr: errCmdPercent, ps: "'--%'"},
		{arg: "=cmd", sh: "'=cmd'", cmd: "=cmd", ps: "=cmd"},
		{arg: "~/x", sh: "'~/x'", cmd: `"~/x"`, ps: "'~/x'"},
		{arg: "@splat", sh: "@splat", cmd: "@splat", ps: "'@splat'"},
		{arg: "a,b", sh: "a,b", cmd: `"a,b"`, ps: "'a,b'"},
		{arg: "", sh: "''", cmd: `""`, psErr: errPSEmpty},
		{arg: "\x1b]0;PWNED\x07.csv", allErr: true},
		{arg: "admin\u202etxt.exe", allErr: true},
		{arg: "bad\xff.csv", allErr: true},
		{arg: "cr\r.csv", allErr: true},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			sh   shell
			want string
			err  error
		}{{posixShell, tt.sh, nil}, {cmdShell, tt.cmd, tt.cmdErr}, {powerShell, tt.ps, tt.psErr}} {
			got, err := c.sh.quote(tt.arg)
			switch {
			case tt.allErr:
				if !errors.Is(err, errUnsafeChars) {
					t.Errorf("%s: quote(%q) = %q, %v; want errUnsafeChars", c.sh, tt.arg, got, err)
				}
			case c.err != nil:
				if !errors.Is(err, c.err) {
					t.Errorf("%s: quote(%q) = %q, %v; want %v", c.sh, tt.arg, got, err, c.err)
				}
			case err != nil || got != c.want:
				t.Errorf("%s: quote(%q) = %q, %v; want %q", c.sh, tt.arg, got, err, c.want)
			}
		}
	}
}

// TestQuoteCmdParses checks the cmd.exe forms the way Windows reads them: cmd.exe must
// see no special character outside double quotes, and the program's argument parser
// (the C runtime's rules) must get the name back.
func TestQuoteCmdParses(t *testing.T) {
	for _, name := range nasty {
		q, err := cmdShell.quote(name)
		if err != nil {
			continue
		}
		line := "userimport " + q + " --resume"
		in := false
		for _, r := range line {
			if r == '"' {
				in = !in
				continue
			}
			if strings.ContainsRune("%!", r) || (!in && strings.ContainsRune("&|<>^()\n", r)) {
				t.Errorf("%q: cmd.exe would act on %q in %s", name, r, line)
			}
		}
		if got := msvcArgs(line); !slices.Equal(got, []string{"userimport", name, "--resume"}) {
			t.Errorf("%q quoted as %s parses as %q", name, q, got)
		}
	}
}

// msvcArgs splits a Windows command line as the C runtime (and Go) does: 2n
// backslashes before a quote are n and the quote toggles quoting; 2n+1 are n and a
// literal quote; other backslashes are themselves.
func msvcArgs(line string) []string {
	var args []string
	var cur strings.Builder
	in, has := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			if i < len(line) && line[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					in = !in
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			has = true
		case c == '"':
			in = !in
			has = true
		case (c == ' ' || c == '\t') && !in:
			if has {
				args = append(args, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteByte(c)
			has = true
		}
	}
	if has {
		args = append(args, cur.String())
	}
	return args
}

// TestQuotePowerShellParses reads the PowerShell forms back the way PowerShell reads
// a single-quoted string: outside quotes only plain characters, inside them a doubled
// quote (any of ' ‘ ’ ‚ ‛) is one.
func TestQuotePowerShellParses(t *testing.T) {
	isQuote := func(r rune) bool { return strings.ContainsRune("'‘’‚‛", r) }
	for _, name := range nasty {
		q, err := powerShell.quote(name)
		if err != nil {
			continue
		}
		rs := []rune(q)
		if !isQuote(rs[0]) {
			if !plainWord(q, func(_ int, r rune) bool { return strings.ContainsRune(`-_./:\=+`, r) }) {
				t.Errorf("%q left unquoted as %s", name, q)
			}
			continue
		}
		var b strings.Builder
		i := 1
		for ; i < len(rs); i++ {
			if isQuote(rs[i]) {
				if i+1 < len(rs) && isQuote(rs[i+1]) {
					b.WriteRune(rs[i])
					i++
					continue
				}
				break
			}
			b.WriteRune(rs[i])
		}
		if i != len(rs)-1 || b.String() != name {
			t.Errorf("%q quoted as %s reads back as %q (quote closed at %d of %d)", name, q, b.String(), i, len(rs))
		}
	}
}

func TestDetectShell(t *testing.T) {
	psPath := `C:\Users\hr\Documents\WindowsPowerShell\Modules;C:\Program Files\WindowsPowerShell\Modules;C:\WINDOWS\system32\WindowsPowerShell\v1.0\Modules`
	sysPath := `C:\Program Files\WindowsPowerShell\Modules;C:\WINDOWS\system32\WindowsPowerShell\v1.0\Modules`
	tests := []struct {
		name string
		goos string
		env  map[string]string
		want shell
		sure bool
	}{
		{"linux", "linux", nil, posixShell, true},
		{"macOS with PowerShell variables", "darwin", map[string]string{"PSModulePath": psPath}, posixShell, true},
		{"Git Bash", "windows", map[string]string{"MSYSTEM": "MINGW64", "PROMPT": "$P$G"}, posixShell, true},
		{"PowerShell", "windows", map[string]string{"PSModulePath": psPath, "USERPROFILE": `C:\Users\hr`}, powerShell, true},
		{"no shell variables at all", "windows", nil, powerShell, true},
		{"cmd.exe", "windows", map[string]string{"PROMPT": "$P$G", "PSModulePath": sysPath, "USERPROFILE": `C:\Users\hr`}, cmdShell, true},
		{"cmd.exe, no PSModulePath", "windows", map[string]string{"PROMPT": "$P$G"}, cmdShell, true},
		{"PowerShell in cmd.exe, or cmd.exe in PowerShell", "windows", map[string]string{"PROMPT": "$P$G", "PSModulePath": psPath, "USERPROFILE": `C:\Users\HR\`}, powerShell, false},
	}
	for _, tt := range tests {
		got, sure := detectShell(tt.goos, func(k string) string { return tt.env[k] })
		if got != tt.want || sure != tt.sure {
			t.Errorf("%s: %v, sure %v; want %v, sure %v", tt.name, got, sure, tt.want, tt.sure)
		}
	}
}

func TestResumeArgs(t *testing.T) {
	tests := []struct {
		args, want, redacted []string
	}{
		{[]string{"import", "a.csv", "--target", "inskill"}, []string{"import", "a.csv", "--target", "inskill", "--resume"}, nil},
		{[]string{"import", "a.csv", "--resume"}, []string{"import", "a.csv", "--resume"}, nil},
		{[]string{"import", "--resume=true", "a.csv"}, []string{"import", "--resume=true", "a.csv"}, nil},
		{[]string{"import", "--resume=false", "a.csv"}, []string{"import", "--resume=false", "a.csv", "--resume"}, nil},
		{[]string{"import", "--target", "x", "--", "-a.csv"}, []string{"import", "--target", "x", "--resume", "--", "-a.csv"}, nil},
		{[]string{"import", "a.csv", "--set", "password=Hunter2!", "--set", "position=Инженер"},
			[]string{"import", "a.csv", "--set", "password=...", "--set", "position=Инженер", "--resume"}, []string{"--set password"}},
		{[]string{"import", "a.csv", "--SET=Пароль=Hunter2!", "--set_x"},
			[]string{"import", "a.csv", "--SET=Пароль=...", "--set_x", "--resume"}, []string{"--set Пароль"}},
		{[]string{"import", "a.csv", "--url", "https://admin:s3cr3t@lms.example.ru/x"},
			[]string{"import", "a.csv", "--url", "https://admin:...@lms.example.ru/x", "--resume"}, []string{"--url"}},
		{[]string{"import", "a.csv", "--url=https://lms.example.ru", "--set"}, []string{"import", "a.csv", "--url=https://lms.example.ru", "--set", "--resume"}, nil},
	}
	for _, tt := range tests {
		got, redacted := resumeArgs(tt.args)
		if !slices.Equal(got, tt.want) || !slices.Equal(redacted, tt.redacted) {
			t.Errorf("resumeArgs(%q) = %q, %q; want %q, %q", tt.args, got, redacted, tt.want, tt.redacted)
		}
	}
}

func TestSecretField(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "Пароль": true, " PASSWORD ": true, "api_key": true, "client_secret": true,
		"token": true, "position": false, "email": false, "department": false, "company_id": false, "login": false,
	} {
		if got := secretField(name); got != want {
			t.Errorf("secretField(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestPrintResume is the advice after an interrupted import in each shell: quoted for
// it, with secrets left out and said so, both forms when the shell cannot be told,
// and no command at all when one cannot be written safely.
func TestPrintResume(t *testing.T) {
	argv := []string{"import", "Отчёт & `date` $(id).csv", "--target", "inskill", "--set", "password=Hunter2!"}
	unsure := map[string]string{"PROMPT": "$P$G", "USERPROFILE": `C:\Users\hr`, "PSModulePath": `C:\Users\hr\Documents\PowerShell\Modules`}
	tests := []struct {
		name string
		goos string
		env  map[string]string
		argv []string
		want []string
	}{
		{"sh", "linux", nil, argv, []string{
			"run the same command with --resume:\n  userimport import 'Отчёт & `date` $(id).csv' --target inskill --set password=... --resume\n",
			"the value of --set password; put it in place of ..."}},
		{"PowerShell", "windows", nil, argv, []string{
			"  userimport import 'Отчёт & `date` $(id).csv' --target inskill --set password=... --resume\n"}},
		{"cmd.exe", "windows", map[string]string{"PROMPT": "$P$G"}, argv, []string{
			"  userimport import \"Отчёт & `date` $(id).csv\" --target inskill --set password=... --resume\n"}},
		{"unsure", "windows", unsure, argv, []string{
			"cannot tell whether this is PowerShell or cmd.exe",
			"  in PowerShell: userimport import 'Отчёт & `date` $(id).csv' --target inskill --set password=... --resume\n",
			"  in cmd.exe:    userimport import \"Отчёт & `date` $(id).csv\" --target inskill --set password=... --resume\n"}},
		{"unsure, same form", "windows", unsure, []string{"import", "staff.xlsx", "--target", "inskill"}, []string{
			"run the same command with --resume:\n  userimport import staff.xlsx --target inskill --resume\n"}},
		{"unsure, cmd.exe impossible", "windows", unsure, []string{"import", "100%.xlsx"}, []string{
			"written here for PowerShell", "%NAME%", "\n  userimport import '100%.xlsx' --resume\n"}},
		{"cmd.exe impossible", "windows", map[string]string{"PROMPT": "$P$G"}, []string{"import", "%PATH%.xlsx"}, []string{
			"run the same command again with --resume added; it is not printed here", "cmd.exe", "quote it yourself"}},
		{"control characters", "linux", nil, []string{"import", "a\x1b]0;PWNED\x07.csv"}, []string{
			`a\x1b]0;PWNED\x07.csv: it holds control characters`, "quote it yourself"}},
	}
	for _, tt := range tests {
		for _, l := range []lang.Lang{lang.English, lang.Russian} {
			var b bytes.Buffer
			printResume(&b, tt.argv, func(k string) string { return tt.env[k] }, tt.goos, l)
			out := b.String()
			if strings.Contains(out, "Hunter2") || strings.ContainsAny(out, "\x1b\x07") {
				t.Errorf("%s/%s: a secret or a control character printed:\n%s", tt.name, l, out)
			}
			if l != lang.English {
				if !strings.Contains(out, "--resume") {
					t.Errorf("%s/%s: %s", tt.name, l, out)
				}
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s: does not say %q:\n%s", tt.name, w, out)
				}
			}
		}
	}
}
