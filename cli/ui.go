package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"userimport/importer"
	"userimport/lang"
	"userimport/source"
	"userimport/targets"
	"userimport/web"
)

// uiOptions are what `userimport ui` was asked.
type uiOptions struct {
	cfg    web.Config
	stderr io.Writer
	// browser is false with --no-browser: the address is only printed.
	browser bool
}

func newUICmd(a *app) *cobra.Command {
	l := a.lang
	var (
		langFlag  string
		report    string
		noBrowser bool
		verbose   bool
	)
	cmd := &cobra.Command{
		Use: "ui [FILE]",
		Short: l.Pick("Do the whole import in the browser: map, fix, preview, import, download",
			"Сделать всю загрузку в браузере: столбцы, исправления, предпросмотр, загрузка, отчёты"),
		Long: l.Pick(`Serve a page on this computer (127.0.0.1, at a free port) and open it in the default
browser: choose a file and a platform, see how it was read and which column is which,
fix the rows with problems in a grid, connect, preview what would change, import with
progress and download the reports. It runs the same checks and the same import as the
other commands, with the same report folder. Nothing leaves the computer but the calls
to the platform; credentials typed in the page are kept in memory for this run only.
The address holds a secret: only the browser that opens it is answered. Ctrl-C stops
the server; so does closing the last page of it for a while.`, `Запустить страницу на этом компьютере (127.0.0.1, на свободном порту) и открыть её в
браузере по умолчанию: выбрать файл и платформу, увидеть, как он прочитан и какой
столбец что значит, исправить строки с ошибками в таблице, подключиться, посмотреть,
что изменится, загрузить с ходом работы и скачать отчёты. Проверки, загрузка и папка
отчётов — те же, что у остальных команд. С компьютера уходят только запросы к
платформе; учётные данные, введённые на странице, хранятся в памяти только до конца
работы. В адресе есть секрет: отвечают только браузеру, который его открыл. Ctrl-C
останавливает сервер; он останавливается и сам, когда последнюю его страницу закрыли
и не открывали снова какое-то время.`),
		Example: `  userimport ui
  userimport ui staff.xlsx
  userimport ui staff.xlsx --no-browser --lang ru`,
		Args: atMostArgs(1, l),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := readUI(a, uiFlags{lang: langFlag, report: report, noBrowser: noBrowser, verbose: verbose}, args)
			if err != nil {
				return err
			}
			return runUI(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&noBrowser, "no-browser", false, l.Pick("only print the address; do not open a browser",
		"только напечатать адрес, не открывая браузер"))
	fs.StringVar(&report, "report", "", l.Pick("folder for the reports (default: <file>.report beside the file)",
		"папка отчётов (по умолчанию <файл>.report рядом с файлом)"))
	fs.StringVar(&langFlag, "lang", "", l.Pick("language of the page and messages: ru or en (default: from LANG)",
		"язык страницы и сообщений: ru или en (по умолчанию из LANG)"))
	fs.BoolVarP(&verbose, "verbose", "v", false, l.Pick("print a line for every request the server answers (never its data)",
		"печатать строку о каждом запросе к серверу (без его данных)"))
	return cmd
}

// uiFlags are the ui command's flags as given.
type uiFlags struct {
	lang      string
	report    string
	noBrowser bool
	verbose   bool
}

// readUI is the server the flags and the optional FILE ask for.
func readUI(a *app, f uiFlags, args []string) (uiOptions, error) {
	l := langOr(f.lang, a.lang)
	stderr := &lockedWriter{w: a.io.Stderr}
	cfg := web.Config{Lang: l, ReportDir: f.report, Env: a.env, Log: io.Discard}
	if f.verbose {
		cfg.Log = stderr
	}
	if len(args) == 1 {
		if err := checkFile(args[0]); err != nil {
			return uiOptions{}, err
		}
		cfg.File = args[0]
	}
	var err error
	if cfg.WorkDir, err = os.Getwd(); err != nil {
		return uiOptions{}, fmt.Errorf("the current folder: %w", err)
	}
	// No settings folder (no HOME) only matters once a profile is saved: the page
	// says so then.
	cfg.ConfigPath, _ = a.configFile(a.env)
	cfg.Connect = uiConnect(a.env, cfg.Log)
	return uiOptions{cfg: cfg, stderr: stderr, browser: !f.noBrowser}, nil
}

// checkFile is the one-line file error the other commands give for a FILE that is
// missing or is not a file; reading it is the page's work.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return &source.FileError{Path: path, Msg: "cannot open the file", Err: err}
	case fi.IsDir():
		return &source.FileError{Path: path, Msg: "this is a folder, not a file; give the path of the .xlsx or .csv file"}
	case !fi.Mode().IsRegular():
		return &source.FileError{Path: path, Msg: "this is not a regular file; save the spreadsheet as a file and give its path"}
	}
	return nil
}

// uiConnect reaches a platform for the page exactly as import does (connect): at an
// address with credentials, a value typed in the page winning over the
// environment's, or in a built-in sandbox.
func uiConnect(env Env, log io.Writer) func(context.Context, web.ConnectRequest) (targets.Target, func(), error) {
	return func(_ context.Context, r web.ConnectRequest) (targets.Target, func(), error) {
		l := r.Lang
		p, err := lookupTarget(r.Platform, l)
		if err != nil {
			return nil, func() {}, err
		}
		if r.URL == "" {
			return nil, func() {}, &usageError{msg: l.Pick("give the platform's address, or choose the sandbox",
				"укажите адрес платформы или выберите песочницу")}
		}
		opts := importOptions{url: r.URL, timeout: 30 * time.Second}
		opts.platform, opts.env = p, typedFirst(r.Credentials, env)
		if r.Sandbox {
			// The page's own sandbox, started once for the server's life (package web):
			// it takes any credentials, as import --sandbox's does.
			opts.env = func(string) string { return "sandbox" }
		}
		if r.Options == nil {
			r.Options = targets.Options{}
		}
		opts.opts = importer.DefaultOptions()
		opts.opts.Kind, opts.opts.Lang = importer.Import, l
		opts.settings = targets.Settings{Options: r.Options, Mode: cmp.Or(r.Mode, targets.ModeUpsert), Policy: r.Policy}
		return connect(opts, log)
	}
}

// typedFirst is env with the credentials typed in the page in front: a typed value
// wins, an empty one leaves the environment's.
func typedFirst(typed map[string]string, env Env) Env {
	return func(k string) string {
		if v := typed[k]; v != "" {
			return v
		}
		return env(k)
	}
}

// runUI serves the page until ctx ends (Ctrl-C) or its last page has been closed
// for a while, after printing its address and opening the browser.
func runUI(ctx context.Context, opts uiOptions) error {
	s, err := web.New(opts.cfg)
	if err != nil {
		return err
	}
	return serveUI(ctx, s, opts)
}

// serveUI prints the address of s, opens it, and serves until s stops.
func serveUI(ctx context.Context, s *web.Server, opts uiOptions) error {
	l := opts.cfg.Lang
	fmt.Fprintf(opts.stderr, l.Pick("userimport: open %s in your browser (Ctrl-C stops)\n",
		"userimport: откройте %s в браузере (Ctrl-C — остановить)\n"), s.URL())
	var opening sync.WaitGroup
	if opts.browser {
		opening.Go(func() {
			if err := openBrowser(s.URL()); err != nil {
				fmt.Fprint(opts.stderr, browserNote(l))
			}
		})
	}
	err := s.Serve(ctx)
	opening.Wait()
	return err
}

// browserNote is the one line said when no browser could be opened; the reason is
// left out, as the command line holds the secret.
func browserNote(l lang.Lang) string {
	return l.Pick("userimport: could not open a browser: open the address above in one\n",
		"userimport: не удалось открыть браузер: откройте адрес выше сами\n")
}

// openBrowser opens url in the default browser (browserCommand says how on each
// system); a variable, so that tests open nothing.
var openBrowser = func(url string) error {
	cmd := browserCommand(url)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		// Still running: an opener that waits for the browser it started.
		return nil
	}
}

// doubleClicked is a userimport.exe started from Explorer: the page, in a console
// window that says its address and closes when the server stops; the help text and
// a pause only when the server cannot start.
func doubleClicked(ctx context.Context, a *app) int {
	opts, err := readUI(a, uiFlags{}, nil)
	var s *web.Server
	if err == nil {
		s, err = web.New(opts.cfg)
	}
	if err != nil {
		fmt.Fprintln(a.io.Stderr, "userimport: "+printableLines(explain(err, a.lang, a.env)))
		return explainAndWait(a.io, a.lang)
	}
	if err := serveUI(ctx, s, opts); err != nil {
		fmt.Fprintln(a.io.Stderr, "userimport: "+printableLines(explain(err, a.lang, a.env)))
		return int(codeFor(err))
	}
	return int(exitOK)
}
