package cli

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"userimport/importer"
	"userimport/lang"
	"userimport/targets"
)

// sendFlags are the flags of import and plan, the commands that talk to a platform.
type sendFlags struct {
	commonFlags
	url         string
	mode        string
	concurrency int
	rate        float64
	timeout     time.Duration
	retries     int
	sandbox     bool
	maxUpdates  string
	resume      bool
	retryBudget int
	unreachable time.Duration
	grace       time.Duration
	platform    platformFlags
	policy      policyFlags
}

// policyFlags say what an import may change on accounts that exist (targets.Policy).
type policyFlags struct {
	updateFields        string
	allowIdentityChange bool
	resetPasswords      bool
}

// newSendCmd builds import (plan false) or plan; argv is the whole command line, to
// show how to resume.
func newSendCmd(env Env, stdio IO, argv []string, plan bool, cfg *configFlag, l lang.Lang) *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "import FILE --target T (--url URL | --sandbox)",
		Short: l.Pick("Create or update the accounts of every valid row", "Создать или обновить учётные записи по каждой верной строке"),
		Long: `Check every row, then create or update the accounts of the valid ones on the
platform, several at a time within the rate limit. Invalid rows are not sent; the report
says what happened to each row. Updates never erase: an empty cell leaves the platform's
value as it is. A generated password goes only to a new account; an update that would
make an account someone else (another e-mail and another name) is refused. Before the
first row, one read proves the address and the credentials. Progress shows on stderr:
a bar on a terminal, a line every few seconds elsewhere. Credentials come from the
environment:
` + envHelp() + exitStatusHelp(l),
		Example: `  USERIMPORT_COLLABORATOR_TOKEN=... userimport import staff.xlsx --target collaborator --url https://lms.example.ru
  userimport import staff.xlsx --target collaborator --sandbox
  userimport import staff.csv --target cscart --url https://shop.example.com --concurrency 4 --rate 5
  userimport import staff.xlsx --target ispring --url https://api-learn.ispringlearn.com --max-updates 10%
  userimport import staff.xlsx --profile lms --log import.log`,
		Args: exactFile(l),
	}
	if plan {
		cmd.Use = "plan FILE --target T (--url URL | --sandbox)"
		cmd.Short = l.Pick("Show what an import would do, with read-only lookups; nothing is written",
			"Показать, что сделает import, только читая с платформы; ничего не записывается")
		cmd.Long = `Read and check the file as import does, then look every valid row up on the platform,
without writing anything, and report what import would do with it: create, update (with
the fields that would change, old → new, in results.csv's changes column), leave
unchanged, or skip (--mode create, an existing account). The summary says "dry_run":
true. Credentials come from the environment:
` + envHelp() + exitStatusHelp(l)
		cmd.Example = `  USERIMPORT_ISPRING_CLIENT_ID=... USERIMPORT_ISPRING_CLIENT_SECRET=... userimport plan staff.xlsx --target ispring --url https://api-learn.ispringlearn.com
  userimport plan staff.csv --target cscart --url https://shop.example.com --json`
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		env, err := applyProfile(cmd, &f.commonFlags, cfg, env, l)
		if err != nil {
			return err
		}
		opts, spec, err := f.options(args[0], env)
		if err != nil {
			return err
		}
		l := opts.Lang
		t := l.Pick
		if opts.Mode, err = targets.ParseMode(f.mode); err != nil {
			return &usageError{msg: err.Error()}
		}
		switch {
		case f.concurrency < 1:
			return &usageError{msg: t("--concurrency must be at least 1", "--concurrency должно быть не меньше 1")}
		case f.rate < 0:
			return &usageError{msg: t("--rate must not be negative", "--rate не может быть отрицательным")}
		case f.retries < 0:
			return &usageError{msg: t("--retries must not be negative", "--retries не может быть отрицательным")}
		}
		guard, err := parseMaxUpdates(f.maxUpdates)
		if err != nil {
			return err
		}
		policy := targets.Policy{AllowIdentityChange: f.policy.allowIdentityChange, ResetPasswords: f.policy.resetPasswords}
		if policy.UpdateFields, err = targets.ParseUpdateFields(f.policy.updateFields); err != nil {
			return &usageError{msg: err.Error(), hint: "--update-fields missing"}
		}
		if plan {
			opts.Kind = importer.Plan
		}
		opts.Concurrency, opts.Rate, opts.Retries = f.concurrency, f.rate, f.retries
		opts.Resume, opts.RetryBudget, opts.UnreachableAfter, opts.Grace = f.resume, f.retryBudget, f.unreachable, f.grace
		con, err := openConsole(stdio, f.logs, l)
		if err != nil {
			return err
		}
		defer con.close()
		url, creds := f.url, env
		if f.sandbox {
			if url != "" {
				return &usageError{msg: t("--url and --sandbox exclude each other", "--url и --sandbox вместе не бывают")}
			}
			stop, addr, err := startSandbox(spec, func(string) string { return "" })
			if err != nil {
				return err
			}
			defer stop()
			url, creds = "http://"+addr, spec.sandboxCreds
			fmt.Fprintf(con.people, t("sandbox: talking to the built-in %s stand-in at %s\n",
				"песочница: работаем со встроенной заменой %s по адресу %s\n"), spec.name, url)
		}
		if url == "" {
			return &usageError{
				msg: cmd.Name() + t(" needs --url (the platform's address) or --sandbox",
					": нужен --url (адрес платформы) или --sandbox"),
				hint: "userimport " + cmd.Name() + " " + args[0] + " --target " + spec.name + " --sandbox",
			}
		}
		if !f.sandbox {
			warnPlainHTTP(con.people, url, l)
		}
		client, err := spec.newClient(clientConfig{url: url, env: creds, http: httpClient(f.timeout, f.concurrency), mode: opts.Mode, policy: policy, platform: f.platform})
		if err != nil {
			return &usageError{msg: err.Error()}
		}
		logOptions(con, &opts, &f.commonFlags)
		deps := importer.Deps{Target: client}
		if guard.set() && !plan {
			if err := checkMaxUpdates(cmd, opts, deps, guard, con.people); err != nil {
				return err
			}
		}
		_, err = runAndReport(cmd.Context(), opts, deps, &f.commonFlags, stdio, con)
		if _, aborted := errors.AsType[*importer.AbortError](err); aborted && !plan {
			printResumeHere(stdio.Stderr, argv, env, l)
		}
		return err
	}
	f.add(cmd.Flags(), l)
	completeTargets(cmd)
	fs := cmd.Flags()
	fs.StringVar(&f.url, "url", "", "the platform's address, e.g. https://lms.example.ru (the tool adds the API path)")
	fs.StringVar(&f.mode, "mode", "upsert", "upsert, create (never update: existing accounts are skipped) or update (never create)")
	fs.StringVar(&f.policy.updateFields, "update-fields", "all", "all, or missing: an existing account gets only the fields it has empty")
	fs.BoolVar(&f.policy.allowIdentityChange, "allow-identity-change", false, "let an update change an account's e-mail and name together (normally refused as another person)")
	fs.BoolVar(&f.policy.resetPasswords, "reset-passwords", false, "send generated passwords to existing accounts too (normally only new accounts get one)")
	fs.IntVar(&f.concurrency, "concurrency", importer.DefaultConcurrency, "calls in flight at once")
	fs.Float64Var(&f.rate, "rate", 0, "at most this many calls per second (0: no limit)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on one call after this long")
	fs.IntVar(&f.retries, "retries", importer.DefaultRetries, "tries again after a 429, 502-504 or a network error")
	fs.BoolVar(&f.sandbox, "sandbox", false, "use a built-in stand-in of the platform (no account needed)")
	if !plan {
		fs.StringVar(&f.maxUpdates, "max-updates", "", "stop before writing if more existing accounts would change: a number or a percentage (10%)")
		fs.BoolVar(&f.resume, "resume", false, "skip the rows an earlier run of this file finished (its journal in the report folder says which)")
		fs.DurationVar(&f.grace, "grace", importer.DefaultGrace, "after Ctrl-C, let calls in flight finish for this long")
	}
	fs.IntVar(&f.retryBudget, "retry-budget", importer.DefaultRetryBudget, "retries allowed over the whole run")
	fs.DurationVar(&f.unreachable, "unreachable-after", importer.DefaultUnreachableAfter, "stop when the platform has not answered for this long")
	f.platform = addPlatformFlags(fs)
	return cmd
}

// warnPlainHTTP warns when --url is plain http:// to another machine: the credentials
// and every person's data would cross the network unencrypted. An address on this
// machine (a sandbox, a tunnel) is fine. It is a warning, not a refusal: an intranet
// platform without TLS is the administrator's call.
func warnPlainHTTP(w io.Writer, raw string, l lang.Lang) {
	u, err := neturl.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return
	}
	fmt.Fprintf(w, l.Pick("warning: %s is plain http://: the credentials and the people's data cross the network unencrypted; use https:// if the platform has it\n",
		"внимание: %s — это http:// без шифрования: ключи доступа и данные сотрудников пойдут по сети открытыми; используйте https://, если платформа его поддерживает\n"),
		targets.Redact(u))
}

// maxUpdates is the --max-updates guard: a count, or a percentage of the valid rows.
type maxUpdates struct {
	count   int
	percent float64
	given   bool
}

func (m maxUpdates) set() bool { return m.given }

func parseMaxUpdates(s string) (maxUpdates, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return maxUpdates{}, nil
	}
	bad := &usageError{msg: fmt.Sprintf("--max-updates %q: give a number of accounts or a percentage", s), hint: "--max-updates 50 or --max-updates 10%"}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v > 100 {
			return maxUpdates{}, bad
		}
		return maxUpdates{percent: v, count: -1, given: true}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return maxUpdates{}, bad
	}
	return maxUpdates{count: n, given: true}, nil
}

// limit is the most updates allowed among valid rows.
func (m maxUpdates) limit(valid int) int {
	if m.count >= 0 {
		return m.count
	}
	return int(m.percent / 100 * float64(valid))
}

// checkMaxUpdates plans the whole file first (read-only) and refuses to import when
// more existing accounts would change than the guard allows. The plan's report goes
// to a temporary folder; the import writes the real one.
func checkMaxUpdates(cmd *cobra.Command, opts importer.Options, deps importer.Deps, guard maxUpdates, log io.Writer) error {
	if _, ok := deps.Target.(targets.Planner); !ok {
		return &usageError{msg: "--max-updates needs read-only lookups, which " + opts.Schema.Target + " does not have"}
	}
	tmp, err := os.MkdirTemp("", "userimport-plan")
	if err != nil {
		return fmt.Errorf("plan before import: %w", err)
	}
	defer os.RemoveAll(tmp)
	planOpts := opts
	planOpts.Kind, planOpts.ReportDir = importer.Plan, filepath.Join(tmp, "report")
	fmt.Fprint(log, opts.Lang.Pick("--max-updates: looking every row up before writing anything\n",
		"--max-updates: сначала ищем каждую строку на платформе, ничего не записывая\n"))
	sum, err := importer.Run(cmd.Context(), planOpts, importer.Deps{Target: deps.Target, Log: io.Discard}) // the import describes the file
	if err != nil {
		return err
	}
	if limit := guard.limit(sum.Valid); sum.Updated > limit {
		return &importer.AbortError{Reason: fmt.Sprintf(
			"nothing written: %d existing accounts would change, more than --max-updates allows (%d); run plan to see which", sum.Updated, limit)}
	}
	return nil
}

// httpClient is the client every call of a run goes through. Go's default transport
// keeps only two idle connections per host, so with more calls in flight most
// connections (and their TLS handshakes) would be made anew for every request: keep
// one per call in flight.
func httpClient(timeout time.Duration, concurrency int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(concurrency, 2)
	tr.MaxIdleConns = max(concurrency, tr.MaxIdleConns)
	return &http.Client{Timeout: timeout, Transport: tr}
}
