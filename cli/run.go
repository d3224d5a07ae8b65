package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"userimport/columns"
	"userimport/importer"
	"userimport/reports"
	"userimport/targets/sandbox"
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
	reports.PrintSummary(stdio.Stderr, sum, opts.Lang, reports.ColorTerminal(stdio.Stderr, os.Getenv("NO_COLOR")))
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
	var (
		target, addr string
		faults       sandbox.Faults
	)
	cmd := &cobra.Command{
		Use:   "sandbox --target T [--addr 127.0.0.1:8080]",
		Short: "Serve a local stand-in of a platform's API, for trying and testing",
		Long: `Serve an in-memory stand-in of the platform's API on a local address until
Ctrl-C. It checks credentials the way the platform does, against the same environment
variables the import reads, so an import started in the same environment talks to it:
` + envHelp() + `
It can be made slow or unreliable on purpose, to see what an import does then: a latency
per request, a share of requests answered 500 (not applied) or applied with the
connection dropped, and a rate limit answered with 429 and Retry-After.`,
		Example: `  USERIMPORT_COLLABORATOR_TOKEN=secret userimport sandbox --target collaborator --addr 127.0.0.1:8080 &
  USERIMPORT_COLLABORATOR_TOKEN=secret userimport import staff.xlsx --target collaborator --url http://127.0.0.1:8080
  userimport sandbox --target cscart --latency 50ms --fail-rate 0.1 --rate-limit 50`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := lookupTarget(target)
			if err != nil {
				return err
			}
			if faults.FailRate < 0 || faults.FailRate > 1 || faults.DropRate < 0 || faults.DropRate > 1 {
				return &usageError{msg: "--fail-rate and --drop-rate are shares between 0 and 1"}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return &usageError{msg: fmt.Sprintf("listen on %s: %v", addr, err)}
			}
			srv := &http.Server{Handler: sandbox.Wrap(spec.newSandbox(env), faults), ReadHeaderTimeout: 10 * time.Second}
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
	fs := cmd.Flags()
	fs.StringVarP(&target, "target", "t", "", "platform: "+strings.Join(targetNames(), ", "))
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.DurationVar(&faults.Latency, "latency", 0, "delay every answer by this long")
	fs.DurationVar(&faults.Jitter, "jitter", 0, "add up to this much random delay")
	fs.Float64Var(&faults.FailRate, "fail-rate", 0, "share of requests answered 500 without being applied (0-1)")
	fs.Float64Var(&faults.DropRate, "drop-rate", 0, "share of requests applied, then the connection dropped with no answer (0-1)")
	fs.Float64Var(&faults.RateLimit, "rate-limit", 0, "answer 429 with Retry-After above this many requests per second (0: none)")
	fs.Int64Var(&faults.Seed, "seed", 1, "seed of the random faults, for repeatable runs")
	return cmd
}

func envHelp() string {
	var b strings.Builder
	for _, s := range registry {
		fmt.Fprintf(&b, "  %-13s %s\n", s.name, strings.Join(s.envVars, ", "))
	}
	return b.String()
}
