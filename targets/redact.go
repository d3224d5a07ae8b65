package targets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// Secrets the request carried are cut out of the answer before anything reads it:
// a platform that echoes the request (a 401 page repeating the Authorization header, a
// validation error repeating the body) would otherwise put a token, an API key, a
// client secret or a person's password into stderr, the log, results.csv, report.html,
// summary.json and the failed file. Do calls redactSecrets on every answer, so no
// client has to remember to, and every client's messages come from the answer.

// Redacted stands in the place of a secret.
const Redacted = "[redacted]"

// minSecret is the shortest value treated as a secret: a shorter one cannot be told
// from ordinary text, and cutting it out would garble every message.
const minSecret = 6

// standardHeaders carry nothing secret.
var standardHeaders = map[string]bool{
	"Accept": true, "Accept-Language": true, "Content-Type": true, "Content-Length": true,
	"User-Agent": true, "Accept-Encoding": true, "Connection": true, "Host": true,
}

// secretKey reports whether a body field's name says it holds a secret.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"password", "secret", "token", "api_key", "apikey"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// requestSecrets lists the secrets req carries: the values of its non-standard
// headers (Authorization, X-Cbr-Authorization, a custom token header), the parts of a
// Basic or Bearer credential, and the values of body fields named like secrets (JSON
// or a form).
func requestSecrets(req *http.Request) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); len(s) >= minSecret {
			out = append(out, s)
		}
	}
	for name, vals := range req.Header {
		if standardHeaders[http.CanonicalHeaderKey(name)] {
			continue
		}
		for _, v := range vals {
			add(v)
			scheme, cred, ok := strings.Cut(v, " ")
			if !ok {
				continue
			}
			add(cred)
			if strings.EqualFold(scheme, "Basic") {
				if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred)); err == nil {
					add(string(dec))
					user, pass, _ := strings.Cut(string(dec), ":")
					add(pass)
					_ = user // the administrator's e-mail is not a secret
				}
			}
		}
	}
	if req.GetBody == nil || req.Body == nil {
		return out
	}
	rc, err := req.GetBody()
	if err != nil {
		return out
	}
	body, err := io.ReadAll(io.LimitReader(rc, MaxBody))
	rc.Close()
	if err != nil {
		return out
	}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch {
	case ct == "application/x-www-form-urlencoded":
		if vals, err := url.ParseQuery(string(body)); err == nil {
			for k, vs := range vals {
				if secretKey(k) {
					for _, v := range vs {
						add(v)
					}
				}
			}
		}
	case strings.Contains(ct, "json"):
		var v any
		if json.Unmarshal(body, &v) == nil {
			walkSecrets(v, "", add)
		}
	}
	return out
}

// walkSecrets calls add with every string in v under a key named like a secret.
func walkSecrets(v any, key string, add func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			walkSecrets(x, k, add)
		}
	case []any:
		for _, x := range v {
			walkSecrets(x, key, add)
		}
	case string:
		if secretKey(key) {
			add(v)
		}
	}
}

// redactSecrets replaces each secret in body, as sent and as a JSON encoder that
// escapes "/" (PHP's) would write it, with Redacted.
func redactSecrets(body []byte, secrets []string) []byte {
	for _, s := range secrets {
		for _, form := range []string{s, strings.ReplaceAll(s, "/", `\/`)} {
			if bytes.Contains(body, []byte(form)) {
				body = bytes.ReplaceAll(body, []byte(form), []byte(Redacted))
			}
		}
	}
	return body
}
