package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"userimport/lang"
	"userimport/targets"
	"userimport/web"
)

// syncBuffer is a stderr the server writes from its goroutines while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var addressLine = regexp.MustCompile(`userimport: (?:open|откройте) (http://127\.0\.0\.1:\d+/\?k=[A-Za-z0-9_-]{43}) `)

// uiRun is `userimport args...` running in the background, as main runs it.
type uiRun struct {
	stderr *syncBuffer
	stop   context.CancelFunc
	code   chan int
}

func startMain(t *testing.T, env map[string]string, args ...string) *uiRun {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	r := &uiRun{stderr: &syncBuffer{}, stop: stop, code: make(chan int, 1)}
	go func() {
		r.code <- Main(ctx, args, func(k string) string { return env[k] }, IO{
			Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: r.stderr, Version: "v0.0.0-test",
		})
	}()
	t.Cleanup(stop)
	return r
}

// address waits for the printed address.
func (r *uiRun) address(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := addressLine.FindStringSubmatch(r.stderr.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-r.code:
			t.Fatalf("exit %d before an address:\n%s", code, r.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no address printed:\n%s", r.stderr.String())
	return ""
}

// end stops the server as Ctrl-C does and returns the exit code.
func (r *uiRun) end(t *testing.T) int {
	t.Helper()
	r.stop()
	select {
	case code := <-r.code:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("ui did not stop after Ctrl-C")
		return -1
	}
}

// noOpener replaces the browser for one test; the addresses it was asked to open
// come back on the channel.
func noOpener(t *testing.T, err error) <-chan string {
	t.Helper()
	opened := make(chan string, 4)
	saved := openBrowser
	openBrowser = func(url string) error { opened <- url; return err }
	t.Cleanup(func() { openBrowser = saved })
	return opened
}

// TestUIServes: `userimport ui --no-browser` prints the address, which opens the
// page, and stops with exit 0 at Ctrl-C; no browser is asked for.
func TestUIServes(t *testing.T) {
	opened := noOpener(t, nil)
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tt := range []struct{ name, lang, want string }{
		{"en", "en", "in your browser (Ctrl-C stops)"},
		{"ru", "ru", "в браузере (Ctrl-C — остановить)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := startMain(t, map[string]string{"HOME": dir}, "ui", "--no-browser", "--lang", tt.lang)
			url := r.address(t)
			jar, _ := cookiejar.New(nil)
			resp, err := (&http.Client{Jar: jar, Timeout: 10 * time.Second}).Get(url) // follows the redirect with the cookie
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Request.URL.RawQuery != "" {
				t.Errorf("the address gave %d at %s", resp.StatusCode, resp.Request.URL)
			}
			if code := r.end(t); code != 0 {
				t.Errorf("exit %d\n%s", code, r.stderr.String())
			}
			if !strings.Contains(r.stderr.String(), tt.want) {
				t.Errorf("stderr %q, want %q", r.stderr.String(), tt.want)
			}
			if lines := strings.Count(r.stderr.String(), "\n"); lines != 1 {
				t.Errorf("%d lines on stderr, want the address alone:\n%s", lines, r.stderr.String())
			}
		})
	}
	select {
	case u := <-opened:
		t.Errorf("--no-browser opened %s", u)
	default:
	}
}

// TestUIOpensBrowser: without --no-browser the printed address is opened; a browser
// that cannot be opened is a note, not an error.
func TestUIOpensBrowser(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, fail := range []bool{false, true} {
		var err error
		if fail {
			err = errors.New("exec: \"xdg-open\": executable file not found in $PATH")
		}
		opened := noOpener(t, err)
		r := startMain(t, nil, "ui", "--lang", "en")
		url := r.address(t)
		select {
		case got := <-opened:
			if got != url {
				t.Errorf("opened %q, printed %q", got, url)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no browser opened")
		}
		if code := r.end(t); code != 0 {
			t.Errorf("exit %d\n%s", code, r.stderr.String())
		}
		note := strings.Contains(r.stderr.String(), "could not open a browser")
		if note != fail {
			t.Errorf("failing opener %v, stderr:\n%s", fail, r.stderr.String())
		}
		if strings.Contains(r.stderr.String(), "xdg-open") {
			t.Errorf("the opener's error is shown:\n%s", r.stderr.String())
		}
	}
}

// TestUIDoubleClick: a userimport.exe double-clicked in Explorer opens the page
// instead of the help text and its pause.
func TestUIDoubleClick(t *testing.T) {
	t.Chdir(t.TempDir())
	saved := startedByExplorer
	startedByExplorer = func() bool { return true }
	t.Cleanup(func() { startedByExplorer = saved })
	opened := noOpener(t, nil)
	r := startMain(t, map[string]string{"LANG": "ru_RU.UTF-8"})
	url := r.address(t)
	if got := <-opened; got != url {
		t.Errorf("opened %q, printed %q", got, url)
	}
	if code := r.end(t); code != 0 {
		t.Errorf("exit %d", code)
	}
	if s := r.stderr.String(); strings.Contains(s, "Enter") || !strings.Contains(s, "откройте") {
		t.Errorf("stderr:\n%s", s)
	}
}

// TestUIFileErrors: a FILE that is not there, or not a file, is the one line the
// other commands give, exit 2, in the language asked for.
func TestUIFileErrors(t *testing.T) {
	noOpener(t, nil)
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"ui", "nope.xlsx", "--no-browser"}, "userimport: nope.xlsx: cannot open the file: "},
		{[]string{"ui", "nope.xlsx", "--lang", "ru"}, "userimport: nope.xlsx: не удаётся открыть файл: такого файла или папки нет"},
		{[]string{"ui", "."}, "userimport: .: this is a folder, not a file; give the path of the .xlsx or .csv file"},
		{[]string{"ui", "a.xlsx", "b.xlsx"}, "userimport: ui takes at most 1 argument, got 2\n  try: userimport ui"},
	} {
		var stderr bytes.Buffer
		code := Main(context.Background(), tt.args, func(string) string { return "" }, IO{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr})
		got := stderr.String()
		if code != int(exitUsage) || !strings.HasPrefix(got, tt.want) || strings.Count(got, "\n") != strings.Count(tt.want, "\n")+1 {
			t.Errorf("%v: exit %d, stderr %q; want 2, %q", tt.args, code, got, tt.want)
		}
	}
}

// TestUIConnect: the page reaches a platform as import does; a typed credential
// wins over the environment's, and none at all is the import's message.
func TestUIConnect(t *testing.T) {
	env := func(k string) string {
		if k == "USERIMPORT_INSKILL_TOKEN" {
			return "from-env"
		}
		return ""
	}
	connect := uiConnect(env, &bytes.Buffer{})
	ctx := context.Background()
	tests := []struct {
		name    string
		req     web.ConnectRequest
		wantErr string
	}{
		{"the page's sandbox", web.ConnectRequest{Platform: "collaborator", URL: "http://127.0.0.1:1", Sandbox: true, Lang: lang.English}, ""},
		{"env credentials", web.ConnectRequest{Platform: "inskill", URL: "https://lms.example.ru", Lang: lang.English}, ""},
		{"typed credentials", web.ConnectRequest{Platform: "collaborator", URL: "https://lms.example.ru", Lang: lang.English,
			Credentials: map[string]string{"USERIMPORT_COLLABORATOR_TOKEN": "typed"}}, ""},
		{"no credentials", web.ConnectRequest{Platform: "collaborator", URL: "https://lms.example.ru", Lang: lang.English},
			"collaborator: no credentials"},
		{"no credentials, ru", web.ConnectRequest{Platform: "collaborator", URL: "https://lms.example.ru", Lang: lang.Russian},
			"collaborator: нет учётных данных"},
		{"no address", web.ConnectRequest{Platform: "collaborator", Lang: lang.English}, "give the platform's address"},
		{"policy", web.ConnectRequest{Platform: "ispring", URL: "https://api-learn.ispringlearn.com", Lang: lang.English,
			Credentials: map[string]string{"USERIMPORT_ISPRING_CLIENT_ID": "id", "USERIMPORT_ISPRING_CLIENT_SECRET": "s"},
			Mode:        targets.ModeCreate, Policy: targets.Policy{UpdateFields: targets.UpdateMissing}}, ""},
		{"unknown platform", web.ConnectRequest{Platform: "moodle", Lang: lang.English, Sandbox: true}, "moodle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, stop, err := connect(ctx, tt.req)
			if stop == nil {
				t.Fatal("stop is nil")
			}
			defer stop()
			switch {
			case tt.wantErr == "" && (err != nil || target == nil):
				t.Errorf("err %v, target %v", err, target)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestTypedFirst(t *testing.T) {
	env := typedFirst(map[string]string{"A": "typed", "B": ""}, func(k string) string { return "env-" + k })
	for k, want := range map[string]string{"A": "typed", "B": "env-B", "C": "env-C"} {
		if got := env(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}
