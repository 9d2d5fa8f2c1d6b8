package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

type composeFile struct {
	Services map[string]struct {
		Command     any `yaml:"command"`
		Ports       []any
		Environment any
	}
}

func readCompose(t *testing.T) ([]byte, composeFile) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("docker-compose.yml does not parse: %v", err)
	}
	if len(f.Services) == 0 {
		t.Fatal("docker-compose.yml has no services")
	}
	return raw, f
}

// publishedOnLoopback accepts "127.0.0.1:HOST:CONTAINER" and the long form with host_ip 127.0.0.1.
func publishedOnLoopback(p any) bool {
	switch v := p.(type) {
	case string:
		return strings.HasPrefix(v, "127.0.0.1:") && strings.Count(v, ":") == 2
	case map[string]any:
		return v["host_ip"] == "127.0.0.1"
	}
	return false
}

// Every published port is bound to the loopback interface, never to all interfaces.
func TestComposePublishesOnLoopbackOnly(t *testing.T) {
	_, f := readCompose(t)
	published := 0
	for name, s := range f.Services {
		for _, p := range s.Ports {
			published++
			if !publishedOnLoopback(p) {
				t.Errorf("service %s publishes %v on all interfaces; bind it to 127.0.0.1", name, p)
			}
		}
	}
	if published == 0 {
		t.Fatal("no published ports found: the check would prove nothing")
	}
}

var (
	interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}`)
	secretName    = regexp.MustCompile(`(?i)PASSWORD|PWD|SECRET|API_KEY|TOKEN`)
	urlPassword   = regexp.MustCompile(`://[^:/@\s]+:([^@\s]+)@`)
)

// No secret has a default: each is required from the environment (${NAME:?message}).
func TestComposeRequiresSecrets(t *testing.T) {
	raw, f := readCompose(t)
	required := 0
	for _, m := range interpolation.FindAllStringSubmatch(string(raw), -1) {
		if secretName.MatchString(m[1]) {
			required++
			if !strings.HasPrefix(m[2], ":?") {
				t.Errorf("%s is not required (use ${%s:?set %s})", m[0], m[1], m[1])
			}
		}
	}
	if required == 0 {
		t.Error("no required secret found: the check would prove nothing")
	}
	for name, s := range f.Services {
		env, _ := s.Environment.(map[string]any)
		for k, v := range env {
			val, _ := v.(string)
			if secretName.MatchString(k) && !interpolation.MatchString(val) {
				t.Errorf("service %s sets %s to a literal; require it from the environment", name, k)
			}
			if pw := urlPassword.FindStringSubmatch(val); pw != nil && !strings.HasPrefix(pw[1], "${") {
				t.Errorf("service %s: %s carries a literal password", name, k)
			}
		}
	}
}

// The API and the worker run as separate processes, as in production.
func TestComposeRunsAPIAndWorkerApart(t *testing.T) {
	_, f := readCompose(t)
	var roles []string
	for _, s := range f.Services {
		cmd, _ := s.Command.([]any)
		for i, a := range cmd {
			if a == "--role" && i+1 < len(cmd) {
				roles = append(roles, cmd[i+1].(string))
			}
		}
	}
	slices.Sort(roles)
	if !slices.Equal(roles, []string{"api", "worker"}) {
		t.Fatalf("checkout services run roles %v, want one api and one worker", roles)
	}
}
