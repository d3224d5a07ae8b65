package cli

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"userimport/reports"
)

// shell is the command language a printed command line is written for, so that
// pasting it runs the tool with the same arguments and nothing else: a file named
// `date`.xlsx, $(reboot).csv or a&calc.xlsx must reach the tool as a name.
type shell int

const (
	// posixShell is sh, bash, zsh and the like: single quotes, in which nothing is
	// special; a quote inside is written '\''.
	posixShell shell = iota
	// cmdShell is cmd.exe: double quotes, inside which & | < > ( ) ^ are plain. What
	// cannot be made safe there is refused (see cmdQuote).
	cmdShell
	// powerShell is Windows PowerShell 5.1 and PowerShell 7: single quotes, a quote
	// inside doubled (the typographic ‘ ’ ‚ ‛ count as quotes too).
	powerShell
)

func (s shell) String() string {
	switch s {
	case cmdShell:
		return "cmd.exe"
	case powerShell:
		return "PowerShell"
	}
	return "sh"
}

// detectShell guesses the shell the user types into, and says whether it is sure.
// Off Windows it is a POSIX shell. On Windows no variable names the shell: Git Bash and
// MSYS2 set MSYSTEM (a POSIX shell); cmd.exe always sets PROMPT in its environment and
// PowerShell never does (the heuristic uv uses), so no PROMPT means PowerShell; with
// PROMPT set it is cmd.exe, unless PSModulePath holds a folder of the user's profile,
// which PowerShell adds to its own copy: then it may be a PowerShell started from
// cmd.exe or a cmd.exe started from PowerShell, and the answer is PowerShell, not sure.
func detectShell(goos string, env Env) (shell, bool) {
	if goos != "windows" {
		return posixShell, true
	}
	if env("MSYSTEM") != "" {
		return posixShell, true
	}
	if env("PROMPT") == "" {
		return powerShell, true
	}
	if profile := strings.ToLower(strings.TrimRight(env("USERPROFILE"), `\/`)); profile != "" {
		for _, dir := range strings.Split(strings.ToLower(env("PSModulePath")), ";") {
			if strings.HasPrefix(dir, profile+`\`) || strings.HasPrefix(dir, profile+"/") {
				return powerShell, false
			}
		}
	}
	return cmdShell, true
}

// errUnsafeChars is an argument holding characters a terminal acts on (escapes, C1
// controls, bidi overrides) or bytes that are not UTF-8: printed, they would do
// something to the screen or show another command than the one pasted.
var errUnsafeChars = errors.New("it holds control characters")

// quote returns arg as s reads it back as one argument, unquoted when nothing in it
// is special; or an error saying why it cannot be written safely for s.
func (s shell) quote(arg string) (string, error) {
	return s.quoteArg(arg, false)
}

// quoteAlways is quote with the quotes written even when not needed, for suggestions
// such as --map 'Эл. пчта=email', which people then edit.
func (s shell) quoteAlways(arg string) (string, error) {
	return s.quoteArg(arg, true)
}

func (s shell) quoteArg(arg string, always bool) (string, error) {
	for _, r := range arg {
		if r == '\n' || r == '\t' {
			continue // checked per shell below
		}
		if reports.Printable(string(r)) != string(r) {
			return "", errUnsafeChars
		}
	}
	if !utf8.ValidString(arg) {
		return "", errUnsafeChars
	}
	switch s {
	case cmdShell:
		return cmdQuote(arg, always)
	case powerShell:
		return psQuote(arg, always)
	}
	return shQuote(arg, always), nil
}

// shQuote quotes for a POSIX shell. Inside single quotes every byte is itself, a
// newline included; only the quote itself needs closing, escaping and reopening.
func shQuote(arg string, always bool) string {
	if !always && arg != "" && plainWord(arg, func(i int, r rune) bool {
		switch r {
		case '-', '_', '.', '/', ':', '+', ',', '@', '%':
			return true
		case '=':
			return i > 0 // zsh expands a word starting with = to a program's path
		}
		return false
	}) {
		return arg
	}
	return "'" + strings.ReplaceAll(arg, "'", `'\''`) + "'"
}

// Reasons cmd.exe cannot be given an argument safely.
var (
	errCmdPercent = errors.New(`cmd.exe expands %NAME% and !NAME! even inside double quotes`)
	errCmdQuote   = errors.New(`cmd.exe cannot take a double quote inside a quoted argument safely`)
	errCmdNewline = errors.New("cmd.exe cannot take a line break inside an argument")
)

// cmdQuote quotes for cmd.exe and the argument parsing every Windows program does
// after it (the Microsoft C runtime's rules, which Go follows). Inside double quotes
// cmd.exe takes & | < > ( ) ^ , ; and spaces as plain characters; backslashes are
// plain too except before a quote, so trailing ones are doubled before the closing
// quote. What cannot be made safe is refused rather than guessed at: % (cmd.exe expands
// %PATH% inside quotes too, at the prompt, and ^ does not stop it there), ! (expanded
// the same way when delayed expansion is on), a double quote (it would end cmd.exe's
// quoting while the program's parser goes on, leaving the rest to cmd.exe) and a line
// break (it ends the command).
func cmdQuote(arg string, always bool) (string, error) {
	switch {
	case strings.ContainsAny(arg, "%!"):
		return "", errCmdPercent
	case strings.Contains(arg, `"`):
		return "", errCmdQuote
	case strings.ContainsAny(arg, "\r\n"):
		return "", errCmdNewline
	}
	if !always && arg != "" && plainWord(arg, func(_ int, r rune) bool {
		return strings.ContainsRune(`-_./:\=+@`, r)
	}) {
		return arg, nil
	}
	body := arg
	trail := len(body) - len(strings.TrimRight(body, `\`))
	return `"` + body + strings.Repeat(`\`, trail) + `"`, nil
}

// Reasons PowerShell cannot be given an argument safely.
var (
	errPSQuote = errors.New("a double quote inside an argument reaches the program unescaped from Windows PowerShell 5.1, so the tool would get another value")
	errPSEmpty = errors.New("an empty argument is dropped by Windows PowerShell 5.1")
)

// psQuote quotes for PowerShell: inside single quotes nothing is expanded ($, `, @,
// the --% stop-parsing token); a single quote, or one of the typographic quotes
// PowerShell takes as the same, is doubled. An unquoted word starting with - is split
// at a dot when passed to a program (-Dx.y becomes -Dx .y), so such words are quoted
// unless they are letters, digits and dashes. PowerShell 5.1 passes an argument's
// double quotes and empty arguments wrongly to programs, so those are refused.
func psQuote(arg string, always bool) (string, error) {
	switch {
	case arg == "":
		return "", errPSEmpty
	case strings.ContainsAny(arg, "\"“”„"):
		return "", errPSQuote
	}
	dash := strings.HasPrefix(arg, "-")
	if !always && arg != "--" && plainWord(arg, func(_ int, r rune) bool {
		if dash {
			return r == '-'
		}
		return strings.ContainsRune(`-_./:\=+`, r)
	}) {
		return arg, nil
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range arg {
		b.WriteRune(r)
		switch r {
		case '\'', '‘', '’', '‚', '‛':
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// plainWord reports whether every rune of s is a letter or digit (of any script) or
// one that extra allows at its byte offset i.
func plainWord(s string, extra func(i int, r rune) bool) bool {
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			continue
		}
		if r < utf8.RuneSelf && extra(i, r) {
			continue
		}
		return false
	}
	return true
}

// commandLine quotes every argument for s and joins them; the error names the first
// that cannot be written safely.
func (s shell) commandLine(args []string) (string, error) {
	parts := make([]string, len(args))
	for i, a := range args {
		q, err := s.quote(a)
		if err != nil {
			return "", &quoteError{arg: a, shell: s, err: err}
		}
		parts[i] = q
	}
	return strings.Join(parts, " "), nil
}

// quoteError is an argument that cannot be written safely for a shell.
type quoteError struct {
	arg   string
	shell shell
	err   error
}

func (e *quoteError) Error() string {
	return reports.Printable(e.arg) + ": " + e.err.Error()
}

func (e *quoteError) Unwrap() error { return e.err }
