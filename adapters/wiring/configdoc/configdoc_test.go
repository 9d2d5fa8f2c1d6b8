// Package configdoc_test checks README's configuration reference against the code. It is a
// package of its own so that it runs under -short: wiring's tests all need running services.
package configdoc_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/wiring"
)

// envName is how the code names an environment variable it reads (or a per-chain one it sets).
var envName = regexp.MustCompile(`"((?:CHECKOUT|TEMPORAL|LOG|TEST_DATABASE|ETH|CHAIN|CLUSTER)_[A-Z0-9_]+|DATABASE_URL)"`)

// chainSuffix is how chainconfig builds a per-chain variable from its prefix, spelled out.
var chainSuffix = regexp.MustCompile(`prefix\s*\+\s*"([A-Z][A-Z0-9_]*)"`)

// scriptKnob is a variable a script reads with a default, which a user may set.
var scriptKnob = regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*):-`)

// envConst is the definition of a variable's (or a per-chain suffix's) constant.
var envConst = regexp.MustCompile(`(?m)^\s*(Env\w+)\s*=\s*"([A-Z0-9_]+)"`)

// README's configuration reference and the code never drift apart: README holds exactly the
// table the registry generates (make docs); every variable the code or a script reads has its
// row in the registry; and every row names a variable something reads.
func TestConfigurationReferenceMatchesTheCode(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want, err := wiring.SpliceConfigReference(string(readme)); err != nil {
		t.Error(err)
	} else if want != string(readme) {
		t.Error("README's configuration reference is not what adapters/wiring/configref.go generates: run make docs")
	}
	code := goSources(t, root)
	registry := registryPatterns()
	var read []string
	for path, src := range code {
		for _, m := range envName.FindAllStringSubmatch(src, -1) {
			read = append(read, m[1])
		}
		for _, m := range chainSuffix.FindAllStringSubmatch(src, -1) {
			read = append(read, "CHAIN_ANY_"+m[1])
		}
		if strings.HasSuffix(path, filepath.Join("chainconfig", "config.go")) {
			for _, m := range envConst.FindAllStringSubmatch(src, -1) {
				if !strings.Contains(m[1], "Token") {
					read = append(read, "CHAIN_ANY_"+m[2])
				}
			}
		}
	}
	scripts := readAll(t, filepath.Join(root, "Makefile"), filepath.Join(root, "scripts"))
	for _, m := range scriptKnob.FindAllStringSubmatch(scripts, -1) {
		read = append(read, m[1])
	}
	for _, name := range read {
		if !documented(registry, name) {
			name = strings.Replace(name, "CHAIN_ANY_", "CHAIN_<KEY>_", 1)
			t.Errorf("%s is read by the code or a script but has no row in adapters/wiring/configref.go's Settings", name)
		}
	}
	uses := usesOfConstants(code)
	for _, s := range wiring.Settings() {
		for _, name := range s.Names {
			if !strings.Contains(name, " ") && !uses[name] && !strings.Contains(scripts, name) {
				t.Errorf("the configuration reference documents %s, which nothing reads", name)
			}
		}
	}
}

// goSources are the non-test Go files under root, by path.
func goSources(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "bin" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return orSkip(err, d)
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		out[path] = string(src)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// registryPatterns match the names each row documents; <KEY> and <SYMBOL> match any.
func registryPatterns() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, s := range wiring.Settings() {
		for _, name := range s.Names {
			p := regexp.QuoteMeta(name)
			p = strings.NewReplacer("<KEY>", "[A-Z0-9_]+", "<SYMBOL>", "[A-Z0-9_]+").Replace(p)
			out = append(out, regexp.MustCompile("^"+p+"$"))
		}
	}
	return out
}

func documented(registry []*regexp.Regexp, name string) bool {
	for _, re := range registry {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}

// usesOfConstants are the documented names the code reads: spelled out outside the registry,
// or through a constant used anywhere besides its definition (chainconfig's suffixes as
// CHAIN_<KEY>_…).
func usesOfConstants(code map[string]string) map[string]bool {
	byConst := map[string]string{}
	var all strings.Builder
	for path, src := range code {
		for _, m := range envConst.FindAllStringSubmatch(src, -1) {
			switch {
			case strings.HasSuffix(path, filepath.Join("wiring", "configref.go")):
				byConst[m[1]] = m[2]
			case strings.HasSuffix(path, filepath.Join("chainconfig", "config.go")):
				byConst[m[1]] = "CHAIN_<KEY>_" + m[2]
			}
		}
		if !strings.HasSuffix(path, filepath.Join("wiring", "configref.go")) {
			all.WriteString(src)
		}
	}
	rest := all.String()
	out := map[string]bool{}
	for _, m := range envName.FindAllStringSubmatch(rest, -1) {
		out[m[1]] = true
	}
	for id, name := range byConst {
		uses := len(regexp.MustCompile(`\b`+id+`\b`).FindAllString(rest, -1))
		defs := len(regexp.MustCompile(`\b`+id+`\s*=\s*"`).FindAllString(rest, -1))
		if uses > defs {
			out[name] = true
		}
	}
	// the token override is two constants around the symbol: read when its prefix is
	out["CHAIN_<KEY>_TOKEN_<SYMBOL>_CONTRACT"] = out["CHAIN_<KEY>_TOKEN_"]
	return out
}

func orSkip(err error, d fs.DirEntry) error {
	if err != nil {
		return err
	}
	if d.IsDir() {
		return filepath.SkipDir
	}
	return nil
}

// readAll is the text of the files given, and of every file under the directories given.
func readAll(t *testing.T, paths ...string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range paths {
		_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				raw, _ := os.ReadFile(path)
				b.Write(raw)
			}
			return nil
		})
	}
	return b.String()
}
