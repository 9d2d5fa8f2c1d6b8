package core_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/chaincheckout/checkout/"

// goPackage is what `go list -json` tells about one package of the module: Deps are the
// transitive imports of its non-test files, so test files never count against a rule.
type goPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string // non-test files
	Deps       []string
}

// modulePackages lists every package of the module with its build dependencies.
func modulePackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Dir,GoFiles,Deps", module+"...").Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("go list: %v\n%s", err, exit.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no package")
	}
	return pkgs
}

// within reports whether pkg is dir or lies under it (dir relative to the module).
func within(pkg, dir string) bool {
	return pkg == module+dir || strings.HasPrefix(pkg, module+dir+"/")
}

// adapterOf names the adapter a package belongs to ("adapters/rates" for its subpackages too).
func adapterOf(pkg string) string {
	rest, ok := strings.CutPrefix(pkg, module+"adapters/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return "adapters/" + name
}

// core/ holds the domain and the ports; frameworks belong to adapters/ and workflows/.
func TestCoreImportsNoFramework(t *testing.T) {
	forbidden := []string{"github.com/gin-gonic/", "github.com/jmoiron/sqlx", "github.com/lib/pq",
		"go.temporal.io/", "github.com/ethereum/go-ethereum/ethclient"}
	// Exact standard packages: database/sql/driver is fine (decimal implements Scanner/Valuer).
	forbiddenStd := map[string]bool{"database/sql": true, "net/http": true}
	for _, p := range modulePackages(t) {
		if !within(p.ImportPath, "core") {
			continue
		}
		for _, dep := range p.Deps {
			if forbiddenStd[dep] || slices.ContainsFunc(forbidden, func(f string) bool { return strings.HasPrefix(dep, f) }) {
				t.Errorf("%s depends on %s", p.ImportPath, dep)
			}
		}
	}
}

// The dependency rules of the hexagon: the core and the workflows know no adapter, and an
// adapter knows no other adapter; only the wiring joins them. Test files are exempt (Deps
// leaves them out), and the test harness wiringtest is for tests, the benches and the chaos run alone.
func TestHexagonDependencyRules(t *testing.T) {
	const harness = module + "adapters/wiring/wiringtest"
	harnessUsers := map[string]bool{harness: true, module + "cmd/bench": true, module + "cmd/benchscale": true, module + "cmd/chaos": true}
	for _, p := range modulePackages(t) {
		for _, dep := range p.Deps {
			if !strings.HasPrefix(dep, module) {
				continue
			}
			if dep == harness && !harnessUsers[p.ImportPath] {
				t.Errorf("%s depends on the test harness %s (tests, benches and the chaos run only)", p.ImportPath, dep)
			}
			if violation := hexagonRule(p.ImportPath, dep); violation != "" {
				t.Errorf("%s depends on %s: %s", p.ImportPath, dep, violation)
			}
		}
	}
}

// hexagonRule says which rule pkg depending on dep breaks, or "" when it breaks none.
func hexagonRule(pkg, dep string) string {
	switch {
	case within(pkg, "core") && !within(dep, "core"):
		return "core depends on nothing outside core"
	case within(pkg, "workflows") && within(dep, "adapters"):
		return "workflows reach adapters only through core's ports"
	case within(pkg, "adapters/wiring"):
		return "" // the wiring is where adapters meet
	case adapterOf(pkg) != "" && adapterOf(dep) != "" && adapterOf(dep) != adapterOf(pkg):
		return "an adapter depends on no other adapter; share a port in core or wire them in adapters/wiring"
	}
	return ""
}

// The rule itself, on the cases it must tell apart.
func TestHexagonRule(t *testing.T) {
	for _, tc := range []struct {
		pkg, dep string
		broken   bool
	}{
		{"core/checkout", "core/money", false},
		{"core/checkout", "adapters/postgres", true},
		{"core/checkout", "workflows", true},
		{"workflows", "core/checkout", false},
		{"workflows", "adapters/ethereum", true},
		{"adapters/rates", "core/chain", false},
		{"adapters/rates", "adapters/ethereum/contracts", true},
		{"adapters/http", "adapters/postgres", true},
		{"adapters/ethereum", "adapters/ethereum/contracts", false}, // the same adapter
		{"adapters/wiring", "adapters/postgres", false},
		{"adapters/wiring/wiringtest", "adapters/postgres", false},
		{"cmd/checkout", "adapters/wiring", false},
	} {
		if got := hexagonRule(module+tc.pkg, module+tc.dep) != ""; got != tc.broken {
			t.Errorf("%s → %s: broken = %v, want %v", tc.pkg, tc.dep, got, tc.broken)
		}
	}
}

// HTTP handlers call the core's services, never its store ports. The idempotency middleware
// is the exception: replaying a kept response is transport infrastructure (see idempotent).
func TestHandlersUseNoStorePort(t *testing.T) {
	allowed := map[string]bool{module + "core/idempotency.Store": true}
	for _, p := range modulePackages(t) {
		if !within(p.ImportPath, "adapters/http") {
			continue
		}
		for _, name := range p.GoFiles {
			for _, ref := range storePortsUsed(t, filepath.Join(p.Dir, name)) {
				if !allowed[ref] {
					t.Errorf("%s uses the store port %s; call the capability's service instead", name, ref)
				}
			}
		}
	}
}

// storePortsUsed lists the core types named *Store or *Repository that a file refers to.
func storePortsUsed(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	corePkgs := map[string]string{} // name in the file → import path
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if !within(p, "core") {
			continue
		}
		name := path.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		corePkgs[name] = p
	}
	var refs []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || corePkgs[pkg.Name] == "" {
			return true
		}
		if strings.HasSuffix(sel.Sel.Name, "Store") || strings.HasSuffix(sel.Sel.Name, "Repository") {
			refs = append(refs, corePkgs[pkg.Name]+"."+sel.Sel.Name)
		}
		return true
	})
	return refs
}
