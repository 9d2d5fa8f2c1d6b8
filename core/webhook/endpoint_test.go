package webhook_test

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/webhook"
)

// fixedDNS answers like a DNS server that an attacker controls would.
type fixedDNS map[string][]netip.Addr

func (f fixedDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := f[host]; ok {
		return a, nil
	}
	return net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
}

func TestGuardRefusesInternalAddresses(t *testing.T) {
	dns := fixedDNS{
		"rebind.example": {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.7")}, // one bad answer is enough
		"public.example": {netip.MustParseAddr("93.184.216.34")},
		"meta.example":   {netip.MustParseAddr("169.254.169.254")},
	}
	g := webhook.Guard{Resolver: dns}
	cases := []struct {
		url      string
		livemode bool
		ok       bool
	}{
		{"https://public.example/hooks", true, true},
		{"http://public.example/hooks", false, true},
		{"http://public.example/hooks", true, false}, // live mode needs https
		{"http://127.0.0.1:8080/", false, false},
		{"http://[::1]/", false, false},
		{"http://10.1.2.3/", false, false},
		{"http://192.168.1.1/", false, false},
		{"http://169.254.169.254/latest/meta-data/", false, false},
		{"http://meta.example/", false, false},
		{"http://rebind.example/", false, false},
		{"http://localhost:9000/", false, false}, // resolved by the system resolver
		{"ftp://public.example/", false, false},
		{"http://user:pw@public.example/", false, false},
		{"not a url", false, false},
	}
	for _, tc := range cases {
		err := g.Check(context.Background(), tc.url, tc.livemode)
		if (err == nil) != tc.ok {
			t.Errorf("Check(%q, live=%v) = %v, want ok=%v", tc.url, tc.livemode, err, tc.ok)
		}
		if err != nil && !apperr.IsKind(err, apperr.KindInvalid) {
			t.Errorf("Check(%q) error kind: %v", tc.url, err)
		}
	}
	allow := webhook.Guard{Resolver: dns, AllowPrivate: true}
	if err := allow.Check(context.Background(), "http://127.0.0.1:8080/", false); err != nil {
		t.Errorf("AllowPrivate refused loopback: %v", err)
	}
}
