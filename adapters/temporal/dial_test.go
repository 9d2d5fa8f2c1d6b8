package temporal_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	temporaladapter "github.com/chaincheckout/checkout/adapters/temporal"
)

// selfSigned writes a self-signed certificate for name and its key as PEM files in dir.
func selfSigned(t *testing.T, dir, name string) (certFile, keyFile string, pair tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	for f, b := range map[string][]byte{certFile: certPEM, keyFile: keyPEM} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if pair, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pair
}

func TestConnectionOptions(t *testing.T) {
	dir := t.TempDir()
	cert, key, _ := selfSigned(t, dir, "client.test")
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	cases := []struct {
		name      string
		conn      temporaladapter.Connection
		errHas    string // "" when the options must build
		tls, cred bool
	}{
		{"plain", temporaladapter.Connection{}, "", false, false},
		{"API key alone (the SDK adds TLS with system roots)", temporaladapter.Connection{APIKey: "k"}, "", false, true},
		{"mutual TLS with CA and server name", temporaladapter.Connection{TLSCert: cert, TLSKey: key, TLSCA: cert, TLSServerName: "x"}, "", true, false},
		{"CA only", temporaladapter.Connection{TLSCA: cert}, "", true, false},
		{"server name only", temporaladapter.Connection{TLSServerName: "temporal.internal"}, "", true, false},
		{"everything and an API key", temporaladapter.Connection{TLSCert: cert, TLSKey: key, TLSCA: cert, APIKey: "k"}, "", true, true},
		{"certificate without key", temporaladapter.Connection{TLSCert: cert}, "TEMPORAL_TLS_KEY", false, false},
		{"key without certificate", temporaladapter.Connection{TLSKey: key}, "TEMPORAL_TLS_CERT", false, false},
		{"unreadable certificate", temporaladapter.Connection{TLSCert: missing, TLSKey: key}, missing, false, false},
		{"key that is no key", temporaladapter.Connection{TLSCert: cert, TLSKey: garbage}, garbage, false, false},
		{"unreadable CA", temporaladapter.Connection{TLSCA: missing}, missing, false, false},
		{"CA that holds no certificate", temporaladapter.Connection{TLSCA: garbage}, garbage, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, err := c.conn.Options(slog.New(slog.DiscardHandler))
			if c.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), c.errHas) {
					t.Fatalf("error %v, want one naming %s", err, c.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := opts.ConnectionOptions.TLS != nil; got != c.tls {
				t.Fatalf("TLS configured %v, want %v", got, c.tls)
			}
			if got := opts.Credentials != nil; got != c.cred {
				t.Fatalf("credentials set %v, want %v", got, c.cred)
			}
			if c.tls {
				tc := opts.ConnectionOptions.TLS
				if tc.ServerName != c.conn.TLSServerName || (c.conn.TLSCert != "") != (len(tc.Certificates) == 1) ||
					(c.conn.TLSCA != "") != (tc.RootCAs != nil) {
					t.Fatalf("TLS config %+v does not match %+v", tc, c.conn)
				}
			}
		})
	}
}

// The options really reach a server: the client verifies the server against the CA under the
// configured name, presents its certificate and sends the API key.
func TestDialPresentsCertificateAndAPIKey(t *testing.T) {
	dir := t.TempDir()
	serverCert, _, serverPair := selfSigned(t, dir, "temporal.test")
	clientCert, clientKey, _ := selfSigned(t, dir, "worker.test")
	var mu sync.Mutex
	var gotAuth, gotClient string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		gotAuth = r.Header.Get("Authorization")
		if len(r.TLS.PeerCertificates) > 0 {
			gotClient = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		w.WriteHeader(http.StatusServiceUnavailable) // not a Temporal server: the dial fails after the request
	}))
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serverPair}, ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := temporaladapter.Dial(ctx, temporaladapter.Connection{HostPort: srv.Listener.Addr().String(), Namespace: "default",
		TLSCert: clientCert, TLSKey: clientKey, TLSCA: serverCert, TLSServerName: "temporal.test", APIKey: "secret-key"},
		slog.New(slog.DiscardHandler))
	if err == nil {
		c.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if gotAuth != "Bearer secret-key" || gotClient != "worker.test" {
		t.Fatalf("server saw authorization %q and client certificate %q (dial error: %v)", gotAuth, gotClient, err)
	}
}
