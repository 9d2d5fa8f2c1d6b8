package webhook

import "net/netip"

// specialRange is one special-purpose block webhooks never reach.
type specialRange struct {
	prefix netip.Prefix
	name   string
	// embedsIPv4: the block carries an IPv4 address in its last 32 bits, and the address is
	// allowed only when that IPv4 address is public itself.
	embedsIPv4 bool
}

func special(prefix, name string) specialRange {
	return specialRange{prefix: netip.MustParsePrefix(prefix), name: name}
}

// specialPurpose is the one list of blocks the SSRF guard refuses. Sources: the IANA IPv4
// Special-Purpose Address Registry and IPv6 Special-Purpose Address Registry
// (https://www.iana.org/assignments/iana-ipv4-special-registry/,
// https://www.iana.org/assignments/iana-ipv6-special-registry/), plus the multicast blocks
// and the deprecated IPv4-compatible and site-local IPv6 blocks (RFC 4291, RFC 3879). Blocks
// that translate to IPv4 on some router (NAT64, 6to4, Teredo inside 2001::/23) are refused
// whole: which IPv4 host they reach is decided by a network we do not see.
var specialPurpose = []specialRange{
	special("0.0.0.0/8", "this network (RFC 791)"),
	special("10.0.0.0/8", "private use (RFC 1918)"),
	special("100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)"),
	special("127.0.0.0/8", "loopback (RFC 1122)"),
	special("169.254.0.0/16", "link local, cloud metadata (RFC 3927)"),
	special("172.16.0.0/12", "private use (RFC 1918)"),
	special("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
	special("192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"),
	special("192.31.196.0/24", "AS112-v4 (RFC 7535)"),
	special("192.52.193.0/24", "AMT (RFC 7450)"),
	special("192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)"),
	special("192.168.0.0/16", "private use (RFC 1918)"),
	special("192.175.48.0/24", "direct delegation AS112 service (RFC 7534)"),
	special("198.18.0.0/15", "benchmarking (RFC 2544)"),
	special("198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"),
	special("203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"),
	special("224.0.0.0/4", "multicast (RFC 5771)"),
	special("240.0.0.0/4", "reserved (RFC 1112)"),
	special("255.255.255.255/32", "limited broadcast (RFC 919)"),

	special("::/128", "unspecified (RFC 4291)"),
	special("::1/128", "loopback (RFC 4291)"),
	special("::/96", "deprecated IPv4-compatible (RFC 4291)"),
	{prefix: netip.MustParsePrefix("::ffff:0:0/96"), name: "IPv4-mapped (RFC 4291)", embedsIPv4: true},
	special("64:ff9b::/96", "IPv4-IPv6 translation, NAT64 (RFC 6052)"),
	special("64:ff9b:1::/48", "local-use IPv4-IPv6 translation (RFC 8215)"),
	special("100::/64", "discard-only (RFC 6666)"),
	special("100:0:0:1::/64", "dummy IPv6 prefix (RFC 9780)"),
	special("2001::/23", "IETF protocol assignments, Teredo (RFC 2928, RFC 4380)"),
	special("2001:db8::/32", "documentation (RFC 3849)"),
	special("2002::/16", "6to4 (RFC 3056)"),
	special("2620:4f:8000::/48", "direct delegation AS112 service (RFC 7534)"),
	special("3fff::/20", "documentation (RFC 9637)"),
	special("5f00::/16", "segment routing SIDs (RFC 9602)"),
	special("fc00::/7", "unique local (RFC 4193)"),
	special("fe80::/10", "link-local unicast (RFC 4291)"),
	special("fec0::/10", "deprecated site-local (RFC 3879)"),
	special("ff00::/8", "multicast (RFC 4291)"),
}

// Public reports whether a is an address webhooks may reach: not in any special-purpose block
// (an IPv4-mapped address is judged by the IPv4 address it carries).
func Public(a netip.Addr) bool {
	if !a.IsValid() || a.Zone() != "" {
		return false
	}
	for _, r := range specialPurpose {
		if !r.prefix.Contains(a) {
			continue
		}
		if r.embedsIPv4 {
			return Public(a.Unmap())
		}
		return false
	}
	return true
}
