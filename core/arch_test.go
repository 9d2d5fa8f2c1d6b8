package core_test

import (
	"os/exec"
	"strings"
	"testing"
)

// core/ holds the domain and the ports; frameworks belong to adapters/ and workflows/.
func TestCoreImportsNoFramework(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"github.com/gin-gonic/", "github.com/jmoiron/sqlx", "github.com/lib/pq",
		"go.temporal.io/", "github.com/ethereum/go-ethereum/ethclient"}
	// Exact standard packages: database/sql/driver is fine (decimal implements Scanner/Valuer).
	forbiddenStd := map[string]bool{"database/sql": true, "net/http": true}
	for _, dep := range strings.Fields(string(out)) {
		if forbiddenStd[dep] {
			t.Errorf("core depends on %s", dep)
		}
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("core depends on %s", dep)
			}
		}
	}
}
