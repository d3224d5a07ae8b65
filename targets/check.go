package targets

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// Fix names what a person changes when a target's Check fails: the platform as people
// call it, the address given, and the environment variables the credentials come
// from. Its methods build Check's errors, so that every target words them alike: one
// line, the flag or variable to fix, nothing from a URL's query (see Redact).
type Fix struct {
	Platform    string   // "Collaborator"
	URL         *url.URL // the address the run was given
	Credentials string   // "USERIMPORT_COLLABORATOR_TOKEN", or two joined with "and"
}

// Failed turns a check's failed read into Check's error: resp is the answer (nil when
// none came) and err the error Do returned. A cancelled context comes back as it is;
// a 429 or 5xx is Retryable, so the caller may try the check again; everything
// else (401/403, a missing API, a redirect, no connection) is Fatal.
func (f Fix) Failed(resp *Response, err error) error {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
			return err
		}
		if e, ok := errors.AsType[*Error](err); ok {
			switch {
			case e.Code == CodeRedirect:
				return e
			case e.Err != nil:
				en, ru, kind := f.transport(e.Err)
				return &Error{Kind: kind, Code: CodeUnreachable, Messages: []string{en}, MessagesRU: []string{ru}}
			}
			if e.Kind == Fatal {
				return e
			}
		}
		en, ru, kind := f.transport(err)
		return &Error{Kind: kind, Code: CodeUnreachable, Messages: []string{en}, MessagesRU: []string{ru}}
	}
	host := Redact(f.URL)
	switch s := resp.Status; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return &Error{Kind: Fatal, Status: s, Code: CodeAuth,
			Messages:   []string{fmt.Sprintf("%s refused the credentials (HTTP %d): check %s", f.Platform, s, f.Credentials)},
			MessagesRU: []string{fmt.Sprintf("%s не принял учётные данные (HTTP %d): проверьте %s", f.Platform, s, f.credentialsRU())}}
	case s == http.StatusNotFound || s == http.StatusMethodNotAllowed:
		return &Error{Kind: Fatal, Status: s, Code: CodeHTTP,
			Messages:   []string{fmt.Sprintf("no %s API at %s (HTTP %d): check --url, the platform's address without the API path", f.Platform, host, s)},
			MessagesRU: []string{fmt.Sprintf("по адресу %s нет API %s (HTTP %d): проверьте --url, адрес платформы без пути к API", host, f.Platform, s)}}
	case s == http.StatusTooManyRequests || s >= 500:
		// A read may be tried again; if every try fails, this is the message.
		return &Error{Kind: Retryable, Status: s, Code: CodeUnreachable,
			Messages:   []string{fmt.Sprintf("%s at %s is failing or busy (HTTP %d to a test read): try again in a few minutes", f.Platform, host, s)},
			MessagesRU: []string{fmt.Sprintf("%s по адресу %s сбоит или перегружен (HTTP %d на пробное чтение): попробуйте через несколько минут", f.Platform, host, s)}}
	}
	return &Error{Kind: Fatal, Status: resp.Status, Code: CodeHTTP,
		Messages:   []string{fmt.Sprintf("%s at %s answered a test read with HTTP %d: check --url and %s", f.Platform, host, resp.Status, f.Credentials)},
		MessagesRU: []string{fmt.Sprintf("%s по адресу %s ответил на пробное чтение HTTP %d: проверьте --url и %s", f.Platform, host, resp.Status, f.credentialsRU())}}
}

// NotAPI is Check's error for an answer that came but is not the platform's API (a
// login page, a proxy's placeholder).
func (f Fix) NotAPI(resp *Response) error {
	return &Error{Kind: Fatal, Status: resp.Status, Code: CodeHTTP,
		Messages:   []string{fmt.Sprintf("%s answered, but not as %s's API does: check --url, the platform's address without the API path", Redact(f.URL), f.Platform)},
		MessagesRU: []string{fmt.Sprintf("%s ответил, но не так, как API %s: проверьте --url, адрес платформы без пути к API", Redact(f.URL), f.Platform)}}
}

// transport words a failure to reach the platform for people, and says whether it is
// worth another try: a host that does not exist, a refused connection, a certificate or
// TLS mismatch or a timeout will not change in a second (and the person should hear
// so at once); a connection reset or closed mid-answer may be a passing fault.
func (f Fix) transport(err error) (en, ru string, kind Kind) {
	host := Redact(f.URL)
	var (
		dns  *net.DNSError
		cert *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		hn   x509.HostnameError
		ci   x509.CertificateInvalidError
		rec  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("cannot find the host %s: check --url", f.URL.Hostname()),
			fmt.Sprintf("хост %s не найден: проверьте --url", f.URL.Hostname()), Fatal
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing answers at %s (connection refused): check --url, and that %s is running", host, f.Platform),
			fmt.Sprintf("по адресу %s никто не отвечает (соединение отклонено): проверьте --url и что %s работает", host, f.Platform), Fatal
	case errors.As(err, &cert), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return fmt.Sprintf("no secure connection to %s: its certificate is not trusted (%s): check --url", host, certReason(err)),
			fmt.Sprintf("нет защищённого соединения с %s: его сертификату нет доверия (%s): проверьте --url", host, certReason(err)), Fatal
	case errors.As(err, &rec):
		return fmt.Sprintf("no secure connection to %s: it does not speak HTTPS on that port: check --url (http:// or https://)", host),
			fmt.Sprintf("нет защищённого соединения с %s: на этом порту нет HTTPS: проверьте --url (http:// или https://)", host), Fatal
	case isTimeout(err):
		return fmt.Sprintf("%s did not answer in time: check --url, and the network", host),
			fmt.Sprintf("%s не ответил вовремя: проверьте --url и сеть", host), Fatal
	}
	reason := netReason(err)
	return fmt.Sprintf("cannot reach %s: %s: check --url", host, reason),
		fmt.Sprintf("не удаётся связаться с %s: %s: проверьте --url", host, reason), Retryable
}

// credentialsRU is Credentials with its "and" in Russian.
func (f Fix) credentialsRU() string { return strings.ReplaceAll(f.Credentials, " and ", " и ") }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// certReason is the certificate problem without the URL the error wraps.
func certReason(err error) string {
	var (
		ua x509.UnknownAuthorityError
		hn x509.HostnameError
		ci x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &ua):
		return "signed by an unknown authority"
	case errors.As(err, &hn):
		return hn.Error()
	case errors.As(err, &ci):
		return ci.Error()
	}
	return "verification failed"
}

// netReason is the innermost error's text, which names the failure without the URL.
func netReason(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}
