package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/chaincheckout/checkout/workflows"
)

type composeFile struct {
	Services map[string]struct {
		Image       string
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

// clusterTopology is what scripts/cluster.sh (make cluster) and the Makefile say the
// production topology is; docker-compose.yml must say the same.
type clusterTopology struct {
	namespace, retention string
	apiPorts             []string
	workers              int
	serverVersion        string // the Temporal server's tag, without the v
	uiVersion            string
}

func readClusterTopology(t *testing.T) clusterTopology {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "cluster.sh"))
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	setting := func(src []byte, file, re string) string {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + re).FindSubmatch(src)
		if m == nil {
			t.Fatalf("%s has no line matching %q", file, re)
		}
		return string(m[1])
	}
	var top clusterTopology
	top.namespace = setting(script, "scripts/cluster.sh", `NAMESPACE=(\S+)`)
	top.retention = setting(script, "scripts/cluster.sh", `NAMESPACE_RETENTION=(\S+)`)
	top.apiPorts = strings.Fields(setting(script, "scripts/cluster.sh", `API_PORTS=\(([^)]*)\)`))
	workers, err := strconv.Atoi(setting(script, "scripts/cluster.sh", `WORKERS=(\d+)`))
	if err != nil {
		t.Fatal(err)
	}
	top.workers = workers
	top.serverVersion = strings.TrimPrefix(setting(makefile, "Makefile", `TEMPORAL_SERVER_VERSION\s*:=\s*(\S+)`), "v")
	top.uiVersion = strings.TrimPrefix(setting(makefile, "Makefile", `TEMPORAL_UI_VERSION\s*:=\s*(\S+)`), "v")
	return top
}

func roleOf(command any) string {
	cmd, _ := command.([]any)
	for i, a := range cmd {
		if a == "--role" && i+1 < len(cmd) {
			s, _ := cmd[i+1].(string)
			return s
		}
	}
	return ""
}

// The API and the worker run as separate processes, as in production, as many of each as
// make cluster runs, the APIs published on the same host ports.
func TestComposeRunsAPIAndWorkerApart(t *testing.T) {
	_, f := readCompose(t)
	top := readClusterTopology(t)
	var apiPorts []string
	workers := 0
	for name, s := range f.Services {
		switch roleOf(s.Command) {
		case "api":
			if len(s.Ports) != 1 {
				t.Errorf("api service %s publishes %v, want one port", name, s.Ports)
				continue
			}
			p, _ := s.Ports[0].(string) // 127.0.0.1:HOST:CONTAINER
			if parts := strings.Split(p, ":"); len(parts) == 3 {
				apiPorts = append(apiPorts, parts[1])
			}
		case "worker":
			workers++
		case "":
		default:
			t.Errorf("service %s runs role %q", name, roleOf(s.Command))
		}
	}
	slices.Sort(apiPorts)
	want := slices.Sorted(slices.Values(top.apiPorts))
	if !slices.Equal(apiPorts, want) {
		t.Errorf("compose publishes api processes on %v; scripts/cluster.sh runs them on %v", apiPorts, want)
	}
	if workers != top.workers {
		t.Errorf("compose runs %d worker processes; scripts/cluster.sh runs %d", workers, top.workers)
	}
	if len(want) < 2 || top.workers < 2 {
		t.Errorf("the production topology has %d APIs and %d workers; want at least two of each (failover)", len(want), top.workers)
	}
}

// The Temporal server and Web UI images are the versions make cluster builds, and both set up
// the same namespace with the same retention, which the service is configured to use.
func TestComposeTemporalMatchesCluster(t *testing.T) {
	_, f := readCompose(t)
	top := readClusterTopology(t)
	var server, ui string
	var serverEnv map[string]any
	for _, s := range f.Services {
		switch {
		case strings.HasPrefix(s.Image, "temporalio/auto-setup:"), strings.HasPrefix(s.Image, "temporalio/server:"):
			server = s.Image
			serverEnv, _ = s.Environment.(map[string]any)
		case strings.HasPrefix(s.Image, "temporalio/ui:"):
			ui = s.Image
		}
		if roleOf(s.Command) != "" {
			env, _ := s.Environment.(map[string]any)
			if ns := fmt.Sprint(env["TEMPORAL_NAMESPACE"]); ns != top.namespace {
				t.Errorf("a checkout service uses namespace %q; scripts/cluster.sh sets up %q", ns, top.namespace)
			}
		}
	}
	if _, tag, _ := strings.Cut(server, ":"); tag != top.serverVersion {
		t.Errorf("compose runs Temporal %q; make cluster builds the server at %s (TEMPORAL_SERVER_VERSION)", server, top.serverVersion)
	}
	if _, tag, _ := strings.Cut(ui, ":"); tag != top.uiVersion {
		t.Errorf("compose runs the Web UI %q; make cluster builds %s (TEMPORAL_UI_VERSION)", ui, top.uiVersion)
	}
	if ns := fmt.Sprint(serverEnv["DEFAULT_NAMESPACE"]); ns != top.namespace {
		t.Errorf("compose's Temporal creates namespace %q; scripts/cluster.sh creates %q", ns, top.namespace)
	}
	if r := fmt.Sprint(serverEnv["DEFAULT_NAMESPACE_RETENTION"]); r != top.retention {
		t.Errorf("compose's namespace keeps history %q; scripts/cluster.sh's %q", r, top.retention)
	}
}

// Neither topology registers search attributes by hand: the service registers its own
// (workflows.SearchAttributes) at start-up, so there is no second list to drift.
func TestClusterSearchAttributesComeFromTheService(t *testing.T) {
	raw, _ := readCompose(t)
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "cluster.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for file, src := range map[string][]byte{"docker-compose.yml": raw, "scripts/cluster.sh": script} {
		for _, hand := range []string{"search-attribute create", "SearchAttributes:", "ADD_SEARCH_ATTRIBUTES"} {
			if strings.Contains(string(src), hand) {
				t.Errorf("%s registers search attributes by hand (%q); leave it to the service (workflows.SearchAttributes)", file, hand)
			}
		}
	}
	if len(workflows.SearchAttributes()) == 0 {
		t.Fatal("the service registers no search attributes")
	}
}
