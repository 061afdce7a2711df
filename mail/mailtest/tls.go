package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Option configures a [Sink] in [Start].
type Option func(*Sink)

// tlsMode is how the sink's SMTP port is protected.
type tlsMode int

const (
	plainText tlsMode = iota
	startTLS
	implicitTLS
)

// WithSTARTTLS makes the sink offer STARTTLS with a fresh self-signed
// certificate for 127.0.0.1, localhost and ::1, and refuse clients that do
// not use it (mailpit's --smtp-require-starttls). [Sink.SMTPURL] then reads
// smtp://127.0.0.1:port?tls=starttls and [Sink.TLSConfig] trusts the
// certificate.
func WithSTARTTLS() Option {
	return func(s *Sink) { s.tls = startTLS }
}

// WithImplicitTLS makes the sink speak TLS from the first byte with a fresh
// self-signed certificate (mailpit's --smtp-require-tls). [Sink.SMTPURL] then
// reads smtps://127.0.0.1:port and [Sink.TLSConfig] trusts the certificate.
func WithImplicitTLS() Option {
	return func(s *Sink) { s.tls = implicitTLS }
}

// TLSConfig returns a client configuration that trusts the sink's
// certificate, or nil for a plain-text sink.
func (s *Sink) TLSConfig() *tls.Config {
	if s.roots == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}
}

// writeCert creates a self-signed certificate for the loopback names in s's
// directory and returns the paths of the certificate and key files.
func (s *Sink) writeCert(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("mailtest: generating a key: %v", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("mailtest: creating a certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	certFile, keyFile = filepath.Join(s.dir, "cert.pem"), filepath.Join(s.dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	s.roots = x509.NewCertPool()
	s.roots.AddCert(cert)
	return certFile, keyFile
}
