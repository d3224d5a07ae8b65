package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"userimport/importer"
	"userimport/lang"
	"userimport/reports"
	"userimport/targets"
	"userimport/targets/sandbox"
)

// importFlags are the flags of import and plan, the commands that talk to a platform.
type importFlags struct {
	commonFlags
	url        string
	sandbox    bool
	maxUpdates string
	sending    sendingFlags
	retry      retryFlags
	platform   platformFlags
	policy     policyFlags
}

// sendingFlags say how rows go to the platform: importer.Sending.
type sendingFlags struct {
	mode        string
	concurrency int
	rate        float64
	resume      bool
	grace       time.Duration
	unreachable time.Duration
}

// retryFlags say how long a call may take and how often it is tried again.
type retryFlags struct {
	timeout     time.Duration
	retries     int
	retryBudget int
}

// policyFlags say what an import may change on accounts that exist (targets.Policy).
type policyFlags struct {
	updateFields        string
	allowIdentityChange bool
	resetPasswords      bool
}

// importOptions are what import or plan (opts.Kind) was asked.
type importOptions struct {
	fileRun
	// url is the platform's address; with sandbox, the built-in stand-in is used.
	url      string
	sandbox  bool
	guard    importer.MaxUpdates
	settings targets.Settings
	timeout  time.Duration
	// argv is the whole command line, for the command that resumes.
	argv []string
}

func newImportCmd(a *app) *cobra.Command {
	l := a.lang
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
	}
	return withImportFlags(a, cmd, importer.Import)
}

func newPlanCmd(a *app) *cobra.Command {
	l := a.lang
	cmd := &cobra.Command{
		Use: "plan FILE --target T (--url URL | --sandbox)",
		Short: l.Pick("Show what an import would do, with read-only lookups; nothing is written",
			"Показать, что сделает import, только читая с платформы; ничего не записывается"),
		Long: `Read and check the file as import does, then look every valid row up on the platform,
without writing anything, and report what import would do with it: create, update (with
the fields that would change, old → new, in results.csv's changes column), leave
unchanged, or skip (--mode create, an existing account). The summary says "dry_run":
true. Credentials come from the environment:
` + envHelp() + exitStatusHelp(l),
		Example: `  USERIMPORT_ISPRING_CLIENT_ID=... USERIMPORT_ISPRING_CLIENT_SECRET=... userimport plan staff.xlsx --target ispring --url https://api-learn.ispringlearn.com
  userimport plan staff.csv --target cscart --url https://shop.example.com --json`,
	}
	return withImportFlags(a, cmd, importer.Plan)
}

// withImportFlags gives cmd, import or plan as kind says, its flags and its run.
func withImportFlags(a *app, cmd *cobra.Command, kind importer.Kind) *cobra.Command {
	var f importFlags
	cmd.Args = exactFile(a.lang)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts, err := f.read(cmd, a, args[0], kind)
		if err != nil {
			return err
		}
		return runImport(cmd.Context(), opts)
	}
	f.add(cmd.Flags(), a.lang)
	completeTargets(cmd)
	fs := cmd.Flags()
	t := a.lang.Pick
	fs.StringVar(&f.url, "url", "", t("the platform's address, e.g. https://lms.example.ru (the tool adds the API path)",
		"адрес платформы, например https://lms.example.ru (путь к API программа добавит сама)"))
	fs.StringVar(&f.sending.mode, "mode", "upsert", t("upsert, create (never update: existing accounts are skipped) or update (never create)",
		"upsert, create (не обновлять: существующие учётные записи пропускаются) или update (не создавать)"))
	fs.StringVar(&f.policy.updateFields, "update-fields", "all", t("all, or missing: an existing account gets only the fields it has empty",
		"all или missing: у существующей учётной записи заполняются только пустые поля"))
	fs.BoolVar(&f.policy.allowIdentityChange, "allow-identity-change", false, t("let an update change an account's e-mail and name together (normally refused as another person)",
		"разрешить обновлению менять e-mail и ФИО учётной записи вместе (обычно это отклоняется как другой человек)"))
	fs.BoolVar(&f.policy.resetPasswords, "reset-passwords", false, t("send generated passwords to existing accounts too (normally only new accounts get one)",
		"отправить созданные пароли и существующим учётным записям (обычно пароль получают только новые)"))
	fs.IntVar(&f.sending.concurrency, "concurrency", importer.DefaultConcurrency, t("calls in flight at once",
		"сколько запросов выполняется одновременно"))
	fs.Float64Var(&f.sending.rate, "rate", 0, t("at most this many calls per second (0: no limit)",
		"не больше стольких запросов в секунду (0 — без ограничения)"))
	fs.DurationVar(&f.retry.timeout, "timeout", 30*time.Second, t("give up on one call after this long",
		"сколько ждать ответа на один запрос"))
	fs.IntVar(&f.retry.retries, "retries", importer.DefaultRetries, t("tries again after a 429, 502-504 or a network error",
		"сколько раз повторить запрос после 429, 502-504 или сетевой ошибки"))
	fs.BoolVar(&f.sandbox, "sandbox", false, t("use a built-in stand-in of the platform (no account needed)",
		"работать со встроенной имитацией платформы (учётная запись не нужна)"))
	if kind == importer.Import {
		fs.StringVar(&f.maxUpdates, "max-updates", "", t("stop before writing if more existing accounts would change: a number or a percentage (10%)",
			"остановиться до записи, если изменится больше существующих учётных записей: число или процент (10%)"))
		fs.BoolVar(&f.sending.resume, "resume", false, t("skip the rows an earlier run of this file finished (its journal in the report folder says which)",
			"пропустить строки, которые прошлый запуск с этим файлом уже завершил (их называет журнал в папке отчётов)"))
		fs.DurationVar(&f.sending.grace, "grace", importer.DefaultGrace, t("after Ctrl-C, let calls in flight finish for this long",
			"после Ctrl-C дать начатым запросам завершиться за это время"))
	}
	fs.IntVar(&f.retry.retryBudget, "retry-budget", importer.DefaultRetryBudget, t("retries allowed over the whole run",
		"сколько повторов разрешено за весь запуск"))
	fs.DurationVar(&f.sending.unreachable, "unreachable-after", importer.DefaultUnreachableAfter, t("stop when the platform has not answered for this long",
		"остановиться, если платформа не отвечает столько времени"))
	f.platform = addPlatformFlags(fs, a.lang)
	return cmd
}

// read is the import or plan (kind) the flags ask for on file.
func (f *importFlags) read(cmd *cobra.Command, a *app, file string, kind importer.Kind) (importOptions, error) {
	run, err := f.commonFlags.read(cmd, a, file)
	if err != nil {
		return importOptions{}, err
	}
	t := run.opts.Lang.Pick
	opts := importOptions{fileRun: run, url: f.url, sandbox: f.sandbox, timeout: f.retry.timeout, argv: a.argv}
	o := &opts.opts
	o.Kind = kind
	if o.Mode, err = targets.ParseMode(f.sending.mode); err != nil {
		return opts, &usageError{msg: err.Error()}
	}
	switch {
	case f.sending.concurrency < 1:
		return opts, &usageError{msg: t("--concurrency must be at least 1", "--concurrency должно быть не меньше 1")}
	case f.sending.rate < 0:
		return opts, &usageError{msg: t("--rate must not be negative", "--rate не может быть отрицательным")}
	case f.retry.retries < 0:
		return opts, &usageError{msg: t("--retries must not be negative", "--retries не может быть отрицательным")}
	}
	if opts.guard, err = parseMaxUpdates(f.maxUpdates); err != nil {
		return opts, err
	}
	policy := targets.Policy{AllowIdentityChange: f.policy.allowIdentityChange, ResetPasswords: f.policy.resetPasswords}
	if policy.UpdateFields, err = targets.ParseUpdateFields(f.policy.updateFields); err != nil {
		return opts, &usageError{msg: err.Error(), hint: "--update-fields missing"}
	}
	s := f.sending
	o.Concurrency, o.Rate, o.Retries = s.concurrency, s.rate, f.retry.retries
	o.Resume, o.RetryBudget, o.UnreachableAfter, o.Grace = s.resume, f.retry.retryBudget, s.unreachable, s.grace
	opts.settings = targets.Settings{Options: f.platform.options(run.platform), Mode: o.Mode, Policy: policy}
	defaulted(o.Schema, run.platform, opts.settings.Options)
	return opts, nil
}

// runImport imports the file, or plans the import (opts.Kind), and after an abort says
// how to resume.
func runImport(ctx context.Context, opts importOptions) error {
	con, err := openConsole(opts.io, opts.logs, opts.opts.Lang)
	if err != nil {
		return err
	}
	defer con.close()
	client, stop, err := connect(opts, con.people)
	if err != nil {
		return err
	}
	defer stop()
	logOptions(con, &opts.fileRun)
	deps := importer.Deps{Target: client}
	if n := opts.platform.Notice; n != nil {
		// Said once the address and credentials are proven, so that a failed check
		// stays the one line saying what to fix.
		// Once: --max-updates plans before it imports.
		deps.Hooks.Checked = sync.OnceFunc(func() { fmt.Fprintln(con.people, reports.Printable(n(opts.opts.Lang))) })
	}
	kind := opts.opts.Kind
	if opts.guard.Set() && kind == importer.Import {
		if err := checkMaxUpdates(ctx, opts.opts, deps, opts.guard, con.people); err != nil {
			return err
		}
	}
	_, err = runAndReport(ctx, &opts.fileRun, deps, con)
	if _, aborted := errors.AsType[*importer.AbortError](err); aborted && kind == importer.Import {
		printResumeHere(opts.io.Stderr, opts.argv, opts.env, opts.opts.Lang)
	}
	return err
}

// connect builds the client of the platform at --url, or of a built-in sandbox started
// for this run (stop ends it); log hears which.
func connect(opts importOptions, log io.Writer) (client targets.Target, stop func(), err error) {
	t := opts.opts.Lang.Pick
	p, s := opts.platform, opts.settings
	s.BaseURL, s.Credential, stop = opts.url, credentials(p, opts.env), func() {}
	if opts.sandbox {
		if s.BaseURL != "" {
			return nil, stop, &usageError{msg: t("--url and --sandbox exclude each other", "--url и --sandbox вместе не бывают")}
		}
		var addr string
		if stop, addr, err = startSandbox(p); err != nil {
			return nil, func() {}, err
		}
		s.BaseURL, s.Credential = "http://"+addr, anyCredential
		fmt.Fprintf(log, t("sandbox: talking to the built-in %s stand-in at %s\n",
			"песочница: работаем со встроенной заменой %s по адресу %s\n"), p.Name, s.BaseURL)
	}
	command := opts.opts.Kind.Command()
	if s.BaseURL == "" {
		return nil, stop, &usageError{
			msg: command + t(" needs --url (the platform's address) or --sandbox",
				": нужен --url (адрес платформы) или --sandbox"),
			hint: "userimport " + command + " " + opts.opts.Input + " --target " + p.Name + " --sandbox",
		}
	}
	if !opts.sandbox {
		warnPlainHTTP(log, s.BaseURL, opts.opts.Lang)
	}
	if err := missingCredentials(p, s.Credential, opts.opts.Lang); err != nil {
		return nil, stop, err
	}
	s.HTTPClient = httpClient(opts.timeout, opts.opts.Concurrency)
	if client, err = p.New(s); err != nil {
		return nil, stop, &usageError{msg: err.Error()}
	}
	return client, stop, nil
}

// startSandbox serves the platform's stand-in, accepting any credentials, on a free
// loopback port until stop is called.
func startSandbox(p targets.Platform) (stop func(), addr string, err error) {
	addr, stop, err = sandbox.Start(p.NewSandbox(func(targets.Credential) string { return "" }))
	return stop, addr, err
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

// parseMaxUpdates reads --max-updates (importer.ParseMaxUpdates), its refusal a
// usage error.
func parseMaxUpdates(s string) (importer.MaxUpdates, error) {
	m, err := importer.ParseMaxUpdates(s)
	if err != nil {
		return m, &usageError{msg: fmt.Sprintf("--max-updates %q: give a number of accounts or a percentage", strings.TrimSpace(s)), hint: "--max-updates 50 or --max-updates 10%"}
	}
	return m, nil
}

// checkMaxUpdates plans the whole file first (read-only) and refuses to import when
// more existing accounts would change than the guard allows. The plan's report goes
// to a temporary folder; the import writes the real one.
func checkMaxUpdates(ctx context.Context, opts importer.Options, deps importer.Deps, guard importer.MaxUpdates, log io.Writer) error {
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
	sum, err := importer.Run(ctx, planOpts, importer.Deps{Target: deps.Target}) // the import describes the file
	if err != nil {
		return err
	}
	if limit, ok := guard.Allows(sum.Updated, sum.Valid); !ok {
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
