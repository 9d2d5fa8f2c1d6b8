package webhook_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/webhook"
)

// Every special-purpose block at its edges: the first and last address inside are refused,
// the nearest addresses outside (when not special themselves) are public.
func TestPublicAtEveryRangeEdge(t *testing.T) {
	cases := []struct {
		addr   string
		public bool
	}{
		{"0.0.0.0", false}, {"0.255.255.255", false}, {"1.0.0.0", true},
		{"9.255.255.255", true}, {"10.0.0.0", false}, {"10.255.255.255", false}, {"11.0.0.0", true},
		{"100.63.255.255", true}, {"100.64.0.0", false}, {"100.127.255.255", false}, {"100.128.0.0", true},
		{"126.255.255.255", true}, {"127.0.0.0", false}, {"127.255.255.255", false}, {"128.0.0.0", true},
		{"169.253.255.255", true}, {"169.254.0.0", false}, {"169.254.169.254", false}, {"169.254.255.255", false}, {"169.255.0.0", true},
		{"172.15.255.255", true}, {"172.16.0.0", false}, {"172.31.255.255", false}, {"172.32.0.0", true},
		{"191.255.255.255", true}, {"192.0.0.0", false}, {"192.0.0.255", false}, {"192.0.1.0", true},
		{"192.0.2.0", false}, {"192.0.2.255", false}, {"192.0.3.0", true},
		{"192.31.195.255", true}, {"192.31.196.0", false}, {"192.31.196.255", false}, {"192.31.197.0", true},
		{"192.52.192.255", true}, {"192.52.193.0", false}, {"192.52.193.255", false}, {"192.52.194.0", true},
		{"192.88.98.255", true}, {"192.88.99.0", false}, {"192.88.99.255", false}, {"192.88.100.0", true},
		{"192.167.255.255", true}, {"192.168.0.0", false}, {"192.168.255.255", false}, {"192.169.0.0", true},
		{"192.175.47.255", true}, {"192.175.48.0", false}, {"192.175.48.255", false}, {"192.175.49.0", true},
		{"198.17.255.255", true}, {"198.18.0.0", false}, {"198.19.255.255", false}, {"198.20.0.0", true},
		{"198.51.99.255", true}, {"198.51.100.0", false}, {"198.51.100.255", false}, {"198.51.101.0", true},
		{"203.0.112.255", true}, {"203.0.113.0", false}, {"203.0.113.255", false}, {"203.0.114.0", true},
		{"223.255.255.255", true}, {"224.0.0.0", false}, {"239.255.255.255", false},
		{"240.0.0.0", false}, {"255.255.255.254", false}, {"255.255.255.255", false},
		{"93.184.216.34", true}, {"8.8.8.8", true},

		{"::", false}, {"::1", false}, {"::2", false}, {"::0.0.0.0", false}, {"::ffff:ffff", false}, // ::/96, IPv4-compatible
		{"::1:0:0", true},
		{"::ffff:8.8.8.8", true}, {"::ffff:10.0.0.1", false}, {"::ffff:127.0.0.1", false}, {"::ffff:169.254.169.254", false},
		{"::ffff:0.0.0.0", false}, {"::ffff:255.255.255.255", false}, {"::ffff:198.18.0.1", false},
		{"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"64:ff9b::", false}, {"64:ff9b::8.8.8.8", false}, {"64:ff9b::10.0.0.1", false}, {"64:ff9b::ffff:ffff", false},
		{"64:ff9b:0:0:0:1::", true},
		{"64:ff9b:1::", false}, {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", false}, {"64:ff9b:2::", true},
		{"ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"100::", false}, {"100::ffff:ffff:ffff:ffff", false}, {"100:0:0:1::", false}, {"100:0:0:1:ffff:ffff:ffff:ffff", false}, {"100:0:0:2::", true},
		{"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"2001::", false}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"2001:200::", true},
		{"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", true}, {"2001:db8::", false}, {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"2001:db9::", true},
		{"2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"2002::", false}, {"2002:a00:1::", false}, {"2002:808:808::", false}, {"2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"2003::", true},
		{"2606:4700:4700::1111", true},
		{"2620:4f:7fff:ffff:ffff:ffff:ffff:ffff", true}, {"2620:4f:8000::", false}, {"2620:4f:8000:ffff:ffff:ffff:ffff:ffff", false}, {"2620:4f:8001::", true},
		{"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true}, {"3fff::", false}, {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"3fff:1000::", true},
		{"5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true}, {"5f00::", false}, {"5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"5f01::", true},
		{"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true}, {"fc00::", false}, {"fd00:ec2::254", false}, {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false},
		{"fe00::", true}, {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"fe80::", false}, {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false}, {"fec0::", false}, {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false},
		{"ff00::", false}, {"ff02::1", false}, {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false},
		{"fe80::1%eth0", false}, // any zoned address is link-scoped
	}
	for _, tc := range cases {
		if got := webhook.Public(netip.MustParseAddr(tc.addr)); got != tc.public {
			t.Errorf("Public(%s) = %v, want %v", tc.addr, got, tc.public)
		}
	}
	if webhook.Public(netip.Addr{}) {
		t.Error("the zero Addr is public")
	}
}

// The refusal names the host the merchant gave, never the address it resolved to.
func TestGuardRefusalHidesTheResolvedAddress(t *testing.T) {
	dns := fixedDNS{"internal.example": {netip.MustParseAddr("198.18.7.9")}}
	err := webhook.Guard{Resolver: dns}.Check(context.Background(), "https://internal.example/hook", true)
	if err == nil || !strings.Contains(err.Error(), "not a public address") || strings.Contains(err.Error(), "198.18") {
		t.Fatalf("Check = %v", err)
	}
}
