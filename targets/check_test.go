package targets_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"userimport/targets"
)

// TestDoRefusesRedirects: no method, no redirect status, is followed; the server the
// redirect names gets nothing; the error is Fatal and names the --url to use.
func TestDoRefusesRedirects(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, method := range []string{"GET", "POST", "PUT", "PATCH"} {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/shop"+r.URL.Path+"?email=ivan@example.com", status)
			}))
			req, _ := targets.JSONRequest(method, srv.URL+"/api/2.0/users/5?email=ivan@example.com", []byte(`{}`))
			req.Header.Set("Authorization", "Bearer secret")
			_, err := targets.Do(context.Background(), targets.HTTPClient(nil, time.Second), req)
			srv.Close()
			var te *targets.Error
			if !errors.As(err, &te) || te.Kind != targets.Fatal || te.Code != targets.CodeRedirect {
				t.Fatalf("%s answered %d: err = %v, want a fatal redirect", method, status, err)
			}
			msg := te.Error()
			if !strings.Contains(msg, "--url "+other.URL+"/shop") || strings.Contains(msg, "ivan@") {
				t.Errorf("%s %d: message %q: want the new base URL and no query", method, status, msg)
			}
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect's target got %d requests, want 0", n)
	}
}

// TestDoRefusesAFollowedRedirect: a client that does follow redirects (one not built
// by HTTPClient) still gets no answer taken for the request's own.
func TestDoRefusesAFollowedRedirect(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusFound) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	req, _ := targets.JSONRequest("PUT", srv.URL+"/old", []byte(`{}`))
	_, err := targets.Do(context.Background(), &http.Client{}, req)
	var te *targets.Error
	if !errors.As(err, &te) || te.Code != targets.CodeRedirect {
		t.Fatalf("err = %v, want a redirect error", err)
	}
}

// TestTransportErrorsHideTheQuery: a lookup's query holds an e-mail; a transport
// error must not print it.
func TestTransportErrorsHideTheQuery(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	req, _ := targets.JSONRequest("GET", "http://"+addr+"/api/users?email=ivan.petrov@example.com", nil)
	_, err = targets.Do(context.Background(), targets.HTTPClient(nil, time.Second), req)
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if strings.Contains(err.Error(), "ivan.petrov") {
		t.Errorf("error %q carries the e-mail from the query", err)
	}
}

func TestFixWordsEachFailure(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:1/lms?token=x")
	fix := targets.Fix{Platform: "Collaborator", URL: u, Credentials: "USERIMPORT_COLLABORATOR_TOKEN"}
	closed := func() error {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		req, _ := targets.JSONRequest("GET", "http://"+addr+"/x", nil)
		_, err := targets.Do(context.Background(), targets.HTTPClient(nil, time.Second), req)
		return err
	}()
	for _, tc := range []struct {
		name string
		resp *targets.Response
		err  error
		kind targets.Kind
		want string
	}{
		{"refused", nil, closed, targets.Fatal, "connection refused): check --url"},
		{"401", &targets.Response{Status: 401}, nil, targets.Fatal, "refused the credentials (HTTP 401): check USERIMPORT_COLLABORATOR_TOKEN"},
		{"403", &targets.Response{Status: 403}, nil, targets.Fatal, "check USERIMPORT_COLLABORATOR_TOKEN"},
		{"404", &targets.Response{Status: 404}, nil, targets.Fatal, "no Collaborator API at http://127.0.0.1:1/lms (HTTP 404): check --url"},
		{"503", &targets.Response{Status: 503}, nil, targets.Retryable, "try again"},
		{"500", &targets.Response{Status: 500}, nil, targets.Retryable, "HTTP 500"},
		{"418", &targets.Response{Status: 418}, nil, targets.Fatal, "HTTP 418"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := fix.Failed(tc.resp, tc.err)
			var te *targets.Error
			if !errors.As(err, &te) || te.Kind != tc.kind || len(te.Messages) != 1 {
				t.Fatalf("Failed = %#v, want one %v message", err, tc.kind)
			}
			if !strings.Contains(te.Messages[0], tc.want) || strings.Contains(te.Messages[0], "token=") {
				t.Errorf("message %q: want %q in it and no query", te.Messages[0], tc.want)
			}
		})
	}
	if err := fix.NotAPI(&targets.Response{Status: 200}); !strings.Contains(err.Error(), "not as Collaborator's API does") {
		t.Errorf("NotAPI = %v", err)
	}
}
