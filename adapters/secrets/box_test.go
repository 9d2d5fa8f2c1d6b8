package secrets_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/secrets"
	"github.com/chaincheckout/checkout/core/webhook"
)

var _ webhook.SecretBox = (*secrets.Box)(nil)

func key(t *testing.T) string {
	t.Helper()
	k, err := secrets.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenAndRotation(t *testing.T) {
	oldKey, newKey := key(t), key(t)
	before, err := secrets.ParseKeyring("old:" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	after, err := secrets.ParseKeyring("new:" + newKey + ", old:" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	onlyNew, _ := secrets.ParseKeyring("new:" + newKey)
	sealedOld, err := before.Seal("we_1", "whsec_abc")
	if err != nil || !strings.HasPrefix(sealedOld, "v1:old:") || strings.Contains(sealedOld, "whsec_abc") {
		t.Fatalf("Seal = %q, %v", sealedOld, err)
	}
	sealedNew, _ := after.Seal("we_1", "whsec_abc")
	cases := []struct {
		name    string
		box     *secrets.Box
		id      string
		stored  string
		want    string
		current bool
		fails   bool
	}{
		{"same key", before, "we_1", sealedOld, "whsec_abc", true, false},
		{"old key after rotation: opens, not current", after, "we_1", sealedOld, "whsec_abc", false, false},
		{"new key", after, "we_1", sealedNew, "whsec_abc", true, false},
		{"plain text from before encryption", after, "we_1", "whsec_plain", "whsec_plain", false, false},
		{"copied to another endpoint", after, "we_2", sealedNew, "", false, true},
		{"old key dropped from the ring", onlyNew, "we_1", sealedOld, "", false, true},
		{"tampered", after, "we_1", sealedNew[:len(sealedNew)-4] + "AAAA", "", false, true},
		{"malformed", after, "we_1", "v1:new", "", false, true},
	}
	for _, tc := range cases {
		got, current, err := tc.box.Open(tc.id, tc.stored)
		if (err != nil) != tc.fails || got != tc.want || current != tc.current {
			t.Errorf("%s: Open = %q, %v, %v", tc.name, got, current, err)
		}
	}
	if _, _, err := onlyNew.Open("we_1", sealedOld); !errors.Is(err, secrets.ErrUnknownKey) {
		t.Errorf("dropped key: %v", err)
	}
}

func TestParseKeyringRefusesBadSpecs(t *testing.T) {
	good := key(t)
	for _, spec := range []string{"", "nokey", "k1:notbase64!", "k1:" + good[:10], "bad id:" + good, "k1:" + good + ",k1:" + good} {
		if _, err := secrets.ParseKeyring(spec); err == nil {
			t.Errorf("ParseKeyring(%q) accepted", spec)
		}
	}
}
