package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"userimport/columns"
	"userimport/importer"
	"userimport/reports"
	"userimport/targets"
	"userimport/validate"
)

// commonFlags are the flags validate, plan and import share.
type commonFlags struct {
	target    string
	sheet     string
	delimiter string
	encoding  string
	maps      []string
	sets      []string
	report    string
	json      bool
	lang      string
	region    string
}

func (f *commonFlags) add(fs *pflag.FlagSet) {
	fs.StringVarP(&f.target, "target", "t", "", "platform: "+strings.Join(targetNames(), ", "))
	fs.StringVar(&f.sheet, "sheet", "", "XLSX sheet by name or number (default: the first visible sheet)")
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV column separator: , ; tab | (default: detected)")
	fs.StringVar(&f.encoding, "encoding", "", "CSV encoding: utf-8, cp1251, utf-16, koi8-r, cp866 (default: detected)")
	fs.StringArrayVar(&f.maps, "map", nil, "read a column as a field: 'Header=field' (repeatable; field - ignores the column)")
	fs.StringArrayVar(&f.sets, "set", nil, "a value for rows whose cell is empty: 'field=value' (repeatable)")
	fs.StringVar(&f.report, "report", "", "folder for the reports (default: <file>.report beside the file)")
	fs.BoolVar(&f.json, "json", false, "print the summary as JSON on stdout")
	fs.StringVar(&f.lang, "lang", "", "language of messages: ru or en (default: from LANG)")
	fs.StringVar(&f.region, "region", "RU", "country for phone numbers written without a country code")
}

// options turns the shared flags into importer.Options.
func (f *commonFlags) options(file string, env Env) (importer.Options, *targetSpec, error) {
	spec, err := lookupTarget(f.target)
	if err != nil {
		return importer.Options{}, nil, err
	}
	opts := importer.Options{
		Input:     file,
		Schema:    spec.schema(),
		ReportDir: f.report,
		Lang:      f.language(env),
		Region:    strings.ToUpper(strings.TrimSpace(f.region)),
		Sets:      map[columns.Field]string{},
	}
	opts.Source.Sheet = f.sheet
	opts.Source.Delimiter = f.delimiter
	opts.Source.Encoding = f.encoding
	for _, m := range f.maps {
		o, err := columns.ParseOverride(m)
		if err != nil {
			return opts, nil, &usageError{msg: err.Error()}
		}
		opts.Map = append(opts.Map, o)
	}
	for _, s := range f.sets {
		field, value, ok := strings.Cut(s, "=")
		fld, known := columns.Lookup(strings.TrimSpace(field))
		if !ok || !known {
			return opts, nil, &usageError{
				msg:  fmt.Sprintf("--set %q: write it as 'field=value' with a known field", s),
				hint: "--set department=Продажи",
			}
		}
		opts.Sets[fld] = strings.TrimSpace(value)
	}
	return opts, spec, nil
}

func (f *commonFlags) language(env Env) validate.Lang {
	if f.lang != "" {
		return validate.ParseLang(f.lang)
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := env(k); v != "" {
			return validate.ParseLang(v)
		}
	}
	return validate.English
}

func newValidateCmd(env Env, stdio IO) *cobra.Command {
	var f commonFlags
	cmd := &cobra.Command{
		Use:   "validate FILE --target T",
		Short: "Check every row of a spreadsheet, offline; nothing is sent",
		Long: `Check every row of a spreadsheet against what the platform takes, without
connecting to it. The report (results.csv, summary.json) goes to <FILE>.report/.` + exitStatusHelp,
		Example: `  userimport validate staff.xlsx --target collaborator
  userimport validate staff.csv --target collaborator --map 'Эл. адрес=email' --json
  userimport validate staff.xlsx --target collaborator --set position=Сотрудник`,
		Args: exactFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, _, err := f.options(args[0], env)
			if err != nil {
				return err
			}
			opts.DryRun = true
			return runAndReport(cmd.Context(), opts, importer.Deps{Log: stdio.Stderr}, &f, stdio)
		},
	}
	f.add(cmd.Flags())
	return cmd
}

// importFlags are import's own flags.
type importFlags struct {
	commonFlags
	url         string
	mode        string
	concurrency int
	rate        float64
	timeout     time.Duration
	retries     int
	sandbox     bool
	api         string
}

func newImportCmd(env Env, stdio IO) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import FILE --target T (--url URL | --sandbox)",
		Short: "Create or update the accounts of every valid row",
		Long: `Check every row, then create or update the accounts of the valid ones on the
platform, several at a time within the rate limit. Invalid rows are not sent; the report
says what happened to each row. Credentials come from the environment:
` + envHelp() + exitStatusHelp,
		Example: `  USERIMPORT_COLLABORATOR_TOKEN=... userimport import staff.xlsx --target collaborator --url https://lms.example.ru
  userimport import staff.xlsx --target collaborator --sandbox
  userimport import staff.csv --target collaborator --url https://lms.example.ru --concurrency 4 --rate 5`,
		Args: exactFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, spec, err := f.options(args[0], env)
			if err != nil {
				return err
			}
			if opts.Mode, err = targets.ParseMode(f.mode); err != nil {
				return &usageError{msg: err.Error()}
			}
			if f.concurrency < 1 {
				return &usageError{msg: "--concurrency must be at least 1"}
			}
			if f.rate < 0 {
				return &usageError{msg: "--rate must not be negative"}
			}
			if f.retries < 0 {
				return &usageError{msg: "--retries must not be negative"}
			}
			opts.Concurrency, opts.Rate, opts.Retries = f.concurrency, f.rate, f.retries
			if opts.Retries == 0 {
				opts.Retries = -1 // importer: 0 means the default; the user asked for none
			}
			url := f.url
			creds := env
			if f.sandbox {
				if url != "" {
					return &usageError{msg: "--url and --sandbox exclude each other"}
				}
				stop, addr, err := startSandbox(spec, func(string) string { return "" })
				if err != nil {
					return err
				}
				defer stop()
				url = "http://" + addr
				creds = spec.sandboxCreds
				fmt.Fprintf(stdio.Stderr, "sandbox: importing into the built-in %s stand-in at %s\n", spec.name, url)
			}
			if url == "" {
				return &usageError{msg: "import needs --url (the platform's address) or --sandbox", hint: "userimport import " + args[0] + " --target " + spec.name + " --sandbox"}
			}
			hc := &http.Client{Timeout: f.timeout}
			t, err := spec.newClient(clientConfig{url: url, env: creds, http: hc, mode: opts.Mode, api: f.api})
			if err != nil {
				return &usageError{msg: err.Error()}
			}
			if p, ok := t.(targets.Preparer); ok {
				if err := p.Prepare(cmd.Context()); err != nil {
					return &importer.AbortError{Reason: "could not prepare the import", Err: err}
				}
			}
			return runAndReport(cmd.Context(), opts, importer.Deps{Target: t, Log: stdio.Stderr}, &f.commonFlags, stdio)
		},
	}
	f.add(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&f.url, "url", "", "the platform's address, e.g. https://lms.example.ru (the tool adds the API path)")
	fs.StringVar(&f.mode, "mode", "upsert", "upsert, create (never update) or update (never create)")
	fs.IntVar(&f.concurrency, "concurrency", importer.DefaultConcurrency, "calls in flight at once")
	fs.Float64Var(&f.rate, "rate", 0, "at most this many calls per second (0: no limit)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on one call after this long")
	fs.IntVar(&f.retries, "retries", importer.DefaultRetries, "tries again after a 429, 502-504 or a network error")
	fs.BoolVar(&f.sandbox, "sandbox", false, "import into a built-in stand-in of the platform (no account needed)")
	fs.StringVar(&f.api, "api", "", "collaborator: v1 (/api/rest.php, default) or v2 (/api/v2 with an API token)")
	return cmd
}

func exactFile(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return &usageError{msg: fmt.Sprintf("%s takes one file, got %d", cmd.Name(), len(args)), hint: cmd.Example}
	}
	return nil
}

// runAndReport runs the importer and prints the summary: JSON on stdout with --json,
// a few lines for people on stderr always.
func runAndReport(ctx context.Context, opts importer.Options, deps importer.Deps, f *commonFlags, stdio IO) error {
	sum, err := importer.Run(ctx, opts, deps)
	if sum == nil {
		return err
	}
	reports.PrintSummary(stdio.Stderr, sum, opts.Lang)
	if f.json {
		if werr := reports.WriteSummary(stdio.Stdout, sum); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	if sum.Invalid > 0 || sum.Failed > 0 {
		return rowsError{}
	}
	return nil
}

// startSandbox serves the target's stand-in on a free loopback port until stop is
// called.
func startSandbox(spec *targetSpec, env Env) (stop func(), addr string, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("start the sandbox: %w", err)
	}
	srv := &http.Server{Handler: spec.newSandbox(env), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, ln.Addr().String(), nil
}

func newSandboxCmd(ctx context.Context, env Env, stdio IO) *cobra.Command {
	var target, addr string
	cmd := &cobra.Command{
		Use:   "sandbox --target T [--addr 127.0.0.1:8080]",
		Short: "Serve a local stand-in of a platform's API, for trying and testing",
		Long: `Serve an in-memory stand-in of the platform's API on a local address until
Ctrl-C. It checks credentials the way the platform does, against the same environment
variables the import reads, so an import started in the same environment talks to it:
` + envHelp(),
		Example: `  USERIMPORT_COLLABORATOR_TOKEN=secret userimport sandbox --target collaborator --addr 127.0.0.1:8080 &
  USERIMPORT_COLLABORATOR_TOKEN=secret userimport import staff.xlsx --target collaborator --url http://127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := lookupTarget(target)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return &usageError{msg: fmt.Sprintf("listen on %s: %v", addr, err)}
			}
			srv := &http.Server{Handler: spec.newSandbox(env), ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(stdio.Stderr, "sandbox: %s stand-in listening on http://%s (Ctrl-C to stop)\n", spec.name, ln.Addr())
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case <-ctx.Done():
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				return srv.Shutdown(sctx)
			case err := <-errc:
				return err
			}
		},
	}
	cmd.Flags().StringVarP(&target, "target", "t", "", "platform: "+strings.Join(targetNames(), ", "))
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	return cmd
}

func envHelp() string {
	var b strings.Builder
	for _, s := range registry {
		fmt.Fprintf(&b, "  %-13s %s\n", s.name, strings.Join(s.envVars, ", "))
	}
	return b.String()
}
