package wiring_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// envName is how the code names an environment variable it reads.
var envName = regexp.MustCompile(`"((?:CHECKOUT|TEMPORAL|LOG|TEST_DATABASE|ETH)_[A-Z0-9_]+|DATABASE_URL)"`)

// The README's configuration reference and the code never drift apart: every variable a
// program reads (its name as a string in non-test Go code) has its row in the "Configuration"
// tables, and every variable those tables name is read by the code or the scripts.
func TestConfigurationReferenceMatchesTheCode(t *testing.T) {
	root := filepath.Join("..", "..")
	inCode := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "bin" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return orSkip(err, d)
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		for _, m := range envName.FindAllSubmatch(src, -1) {
			inCode[string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	documented := configurationRows(t, filepath.Join(root, "README.md"))
	for name := range inCode {
		if !documented[name] {
			t.Errorf("%s is read by the code but has no row in README's Configuration section", name)
		}
	}
	scripts := readAll(t, filepath.Join(root, "Makefile"), filepath.Join(root, "scripts"))
	for name := range documented {
		if !inCode[name] && !strings.Contains(scripts, name) {
			t.Errorf("README's Configuration section documents %s, which nothing reads", name)
		}
	}
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

// configurationRows are the variables named in the first cell of the table rows of README's
// "## Configuration" section.
func configurationRows(t *testing.T, readme string) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	out := map[string]bool{}
	name := regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(line, "|") {
			continue
		}
		for _, m := range name.FindAllStringSubmatch(cells[1], -1) {
			out[m[1]] = true
		}
	}
	return out
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
