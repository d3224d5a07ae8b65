package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"userimport/lang"
	"userimport/platforms"
	"userimport/targets/sandbox"
)

// sandboxOptions are what `userimport sandbox` was asked.
type sandboxOptions struct {
	env    Env
	stderr io.Writer
	target string
	addr   string
	faults sandbox.Faults
	lang   lang.Lang
}

func newSandboxCmd(a *app) *cobra.Command {
	l := a.lang
	opts := sandboxOptions{env: a.env, stderr: a.io.Stderr, lang: l}
	cmd := &cobra.Command{
		Use: "sandbox --target T [--addr 127.0.0.1:8080]",
		Short: l.Pick("Serve a local stand-in of a platform's API, for trying and testing",
			"Запустить местную замену API платформы, чтобы пробовать и тестировать"),
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
		Args: noArgs(a.lang),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSandbox(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	targetFlag(fs, &opts.target, l)
	t := l.Pick
	fs.StringVar(&opts.addr, "addr", "127.0.0.1:8080", t("address to listen on", "адрес, на котором ждать запросов"))
	fs.DurationVar(&opts.faults.Latency, "latency", 0, t("delay every answer by this long", "задержка каждого ответа"))
	fs.DurationVar(&opts.faults.Jitter, "jitter", 0, t("add up to this much random delay", "случайная добавка к задержке, не больше этой"))
	fs.Float64Var(&opts.faults.FailRate, "fail-rate", 0, t("share of requests answered 500 without being applied (0-1)",
		"доля запросов, на которые приходит 500 без выполнения (0-1)"))
	fs.Float64Var(&opts.faults.DropRate, "drop-rate", 0, t("share of requests applied, then the connection dropped with no answer (0-1)",
		"доля запросов, которые выполняются, а соединение обрывается без ответа (0-1)"))
	fs.Float64Var(&opts.faults.RateLimit, "rate-limit", 0, t("answer 429 with Retry-After above this many requests per second (0: none)",
		"отвечать 429 с Retry-After сверх стольких запросов в секунду (0 — без ограничения)"))
	fs.Int64Var(&opts.faults.Seed, "seed", 1, t("seed of the random faults, for repeatable runs",
		"начальное число случайных сбоев, чтобы запуски повторялись"))
	completeTargets(cmd)
	return cmd
}

// runSandbox serves the platform's stand-in, with the faults asked for, until ctx ends.
func runSandbox(ctx context.Context, opts sandboxOptions) error {
	l := opts.lang
	p, err := lookupTarget(opts.target, l)
	if err != nil {
		return err
	}
	f := opts.faults
	if f.FailRate < 0 || f.FailRate > 1 || f.DropRate < 0 || f.DropRate > 1 {
		return &usageError{msg: l.Pick("--fail-rate and --drop-rate are shares between 0 and 1", "--fail-rate и --drop-rate — доли от 0 до 1")}
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return &usageError{msg: fmt.Sprintf(l.Pick("listen on %s: %v", "не удалось занять адрес %s: %v"), opts.addr, err)}
	}
	srv := &http.Server{Handler: sandboxMux(p.NewSandbox(credentials(p, opts.env)), f), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(opts.stderr, l.Pick("sandbox: %s stand-in listening on http://%s (Ctrl-C to stop)\n",
		"песочница: замена %s слушает http://%s (Ctrl-C — остановить)\n"), p.Name, ln.Addr())
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
}

// sandboxMux serves stand with faults, and its stats, unfaulted, for tests of the built
// binary: what the imports changed.
func sandboxMux(stand http.Handler, faults sandbox.Faults) http.Handler {
	mux := http.NewServeMux()
	wrapped := sandbox.Wrap(stand, faults)
	mux.Handle("/", wrapped)
	if st, ok := stand.(interface{ Stats() sandbox.Stats }); ok {
		mux.HandleFunc("GET "+sandbox.StatsPath, func(w http.ResponseWriter, _ *http.Request) {
			stats := st.Stats()
			stats.Requests, stats.Refused = wrapped.Requests(), wrapped.Refused()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(stats)
		})
	}
	return mux
}

// envHelp lists each platform's credential variables, for help texts.
func envHelp() string {
	var b strings.Builder
	for _, p := range platforms.All() {
		fmt.Fprintf(&b, "  %-13s %s\n", p.Name, strings.Join(p.EnvNames(), ", "))
	}
	return b.String()
}
