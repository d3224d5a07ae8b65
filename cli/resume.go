package cli

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	"userimport/lang"
)

// resumeArgs is the command line that finishes an interrupted import: the same
// arguments with --resume (before a -- that ends the flags), and the values of secrets
// replaced by the placeholder; redacted names the flags whose values were left out.
func resumeArgs(args []string) (out, redacted []string) {
	out, redacted = redactArgs(args)
	end := len(out)
	for i, a := range out {
		if a == "--" {
			end = i
			break
		}
		name, value, _ := strings.Cut(a, "=")
		if strings.HasPrefix(name, "--") && normalizeFlag(nil, name[2:]) == "resume" && value != "false" {
			return out, redacted
		}
	}
	return slices.Insert(out, end, "--resume"), redacted
}

// resumeCommand is the command to finish an interrupted import, quoted for sh, and the
// flags whose secret values it leaves out; an error when an argument cannot be written
// safely for sh (see shell.quote).
func resumeCommand(args []string, sh shell) (string, []string, error) {
	out, redacted := resumeArgs(args)
	line, err := sh.commandLine(out)
	if err != nil {
		return "", nil, err
	}
	return "userimport " + line, redacted, nil
}

// printResume tells how to finish an interrupted import: the command, quoted for the
// user's shell, never with a secret in it. When the shell cannot be told (Windows), the
// command is written for PowerShell, saying so, with the cmd.exe form beside it when it
// differs. When an argument cannot be written safely, no command is printed: the user
// is told to add --resume to the command they typed.
func printResume(w io.Writer, argv []string, env Env, goos string, l lang.Lang) {
	t := l.Pick
	sh, sure := detectShell(goos, env)
	line, redacted, err := resumeCommand(argv, sh)
	if err != nil {
		fmt.Fprintf(w, t("to finish the job, run the same command again with --resume added; it is not printed here, because it cannot be written safely for %s (%v): quote it yourself\n",
			"чтобы закончить, запустите ту же команду ещё раз, добавив --resume; здесь она не напечатана: её нельзя безопасно записать для %s (%v), расставьте кавычки сами\n"), sh, err)
		return
	}
	if sure {
		fmt.Fprintf(w, t("to finish the job, run the same command with --resume:\n  %s\n",
			"чтобы закончить, запустите ту же команду с --resume:\n  %s\n"), line)
	} else {
		other, _, oerr := resumeCommand(argv, cmdShell)
		switch {
		case oerr == nil && other == line:
			fmt.Fprintf(w, t("to finish the job, run the same command with --resume:\n  %s\n",
				"чтобы закончить, запустите ту же команду с --resume:\n  %s\n"), line)
		case oerr == nil:
			fmt.Fprintf(w, t("to finish the job, run the same command with --resume (the tool cannot tell whether this is PowerShell or cmd.exe):\n  in PowerShell: %s\n  in cmd.exe:    %s\n",
				"чтобы закончить, запустите ту же команду с --resume (программа не может понять, PowerShell это или cmd.exe):\n  в PowerShell: %s\n  в cmd.exe:     %s\n"), line, other)
		default:
			fmt.Fprintf(w, t("to finish the job, run the same command with --resume, written here for PowerShell (the tool cannot tell which shell this is; in cmd.exe it cannot be written safely: %v):\n  %s\n",
				"чтобы закончить, запустите ту же команду с --resume, здесь она записана для PowerShell (программа не может понять, какая это оболочка; для cmd.exe её нельзя безопасно записать: %v):\n  %s\n"), oerr, line)
		}
	}
	if len(redacted) > 0 {
		fmt.Fprintf(w, t("  (not repeated here, being secret: the value of %s; put it in place of %s before running the command)\n",
			"  (секретное здесь не повторяется: значение %s; впишите его вместо %s, прежде чем запускать команду)\n"),
			strings.Join(redacted, ", "), placeholder)
	}
}

// printResumeHere is printResume for this machine's shell.
func printResumeHere(w io.Writer, argv []string, env Env, l lang.Lang) {
	printResume(w, argv, env, runtime.GOOS, l)
}
