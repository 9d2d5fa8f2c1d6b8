package passwords

import (
	"strings"
	"testing"
)

func TestArgon2id(t *testing.T) {
	h := New(Params{MemoryKiB: 8 * 1024, Time: 1, Threads: 1}) // cheap for the test; the format carries them
	enc, err := h.Hash("correct horse battery")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$m=8192,t=1,p=1$") {
		t.Fatalf("%q %v", enc, err)
	}
	other, _ := h.Hash("correct horse battery")
	if other == enc {
		t.Error("two hashes of one password share a salt")
	}
	stronger := New(DefaultParams) // verifies with the parameters in the hash, not its own
	cases := []struct {
		name, encoded, password string
		ok, err                 bool
	}{
		{"right", enc, "correct horse battery", true, false},
		{"wrong", enc, "correct horse batterz", false, false},
		{"not argon2id", "$2a$10$abc", "x", false, true},
		{"bad parameters", "$argon2id$v=19$m=x$c2FsdA$a2V5", "x", false, true},
		{"other version", strings.Replace(enc, "v=19", "v=16", 1), "correct horse battery", false, true},
	}
	for _, tc := range cases {
		ok, err := stronger.Verify(tc.encoded, tc.password)
		if ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("%s: %v %v", tc.name, ok, err)
		}
	}
}
