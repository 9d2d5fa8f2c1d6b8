package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// supervisor plays the part of compose's `restart: unless-stopped` for the processes
// scripts/cluster.sh started: one that exits is started again exactly as it ran (argv,
// environment and directory, read from /proc while it lived), its log appended to and its PID
// file rewritten so cluster.sh stop still finds it. The faults kill through it, so a killed
// process waits its drawn pause before coming back; any other exit is counted as unplanned.
type supervisor struct {
	dir       string
	mu        sync.Mutex
	procs     map[string]*proc
	unplanned map[string]int
}

type proc struct {
	name          string
	argv, env     []string
	cwd           string
	held          bool // killed by a fault, waiting out its pause
	started       time.Time
	backoff       time.Duration
	lastExitNoted int
}

// adopt captures every process cluster.sh recorded, so each can be started again.
func adopt(dir string) (*supervisor, error) {
	s := &supervisor{dir: dir, procs: map[string]*proc{}, unplanned: map[string]int{}}
	files, err := filepath.Glob(filepath.Join(dir, "pids", "*.pid"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".pid")
		pid, err := s.pid(name)
		if err != nil {
			return nil, err
		}
		argv, env, cwd, err := procImage(pid)
		if err != nil {
			return nil, fmt.Errorf("%s (pid %d): %w", name, pid, err)
		}
		s.procs[name] = &proc{name: name, argv: argv, env: env, cwd: cwd, started: time.Now(), backoff: time.Second}
	}
	return s, nil
}

func (s *supervisor) pid(name string) (int, error) {
	raw, err := os.ReadFile(filepath.Join(s.dir, "pids", name+".pid"))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(raw)))
}

// watch restarts exited processes until ctx ends, backing off (1 s doubling to 10 s) while
// a process keeps exiting within seconds of its start (e.g. while Postgres recovers).
func (s *supervisor) watch(ctx context.Context) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.mu.Lock()
		for _, p := range s.procs {
			if pid, err := s.pid(p.name); !p.held && err == nil && !alive(pid) && time.Since(p.started) > p.backoff {
				s.unplanned[p.name]++
				slog.Warn("process exited by itself: restarting", "name", p.name, "pid", pid, "ran", time.Since(p.started).Round(time.Second))
				if time.Since(p.started) < 10*time.Second {
					p.backoff = min(2*p.backoff, 10*time.Second)
				} else {
					p.backoff = time.Second
				}
				if err := s.start(p, fmt.Sprintf("pid %d exited by itself; restarted", pid)); err != nil {
					slog.Error("restart", "name", p.name, "err", err)
				}
			}
		}
		s.mu.Unlock()
	}
}

// start runs p again; called with s.mu held.
func (s *supervisor) start(p *proc, why string) error {
	logf, err := os.OpenFile(filepath.Join(s.dir, "logs", p.name+".log"), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "\n=== chaos %s: %s ===\n", time.Now().UTC().Format(time.RFC3339), why)
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = p.env, p.cwd, logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	go cmd.Wait() // reaped while we live; cluster.sh stop ends it by its PID file
	p.started = time.Now()
	return os.WriteFile(filepath.Join(s.dir, "pids", p.name+".pid"), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
}

// killRestart SIGKILLs name, waits pause, and starts it again.
func (s *supervisor) killRestart(ctx context.Context, name string, pause time.Duration) error {
	s.mu.Lock()
	p, ok := s.procs[name]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("no process %s", name)
	}
	p.held = true
	pid, err := s.pid(name)
	s.mu.Unlock()
	defer func() { s.mu.Lock(); p.held = false; s.mu.Unlock() }()
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill -9 %s (%d): %w", name, pid, err)
	}
	for i := 0; i < 100 && alive(pid); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if err := sleep(ctx, pause); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p.backoff = time.Second
	return s.start(p, fmt.Sprintf("kill -9 of pid %d, restarted after %s", pid, pause.Round(time.Millisecond)))
}

// unplannedNotes lists the processes that exited by themselves, for the report.
func (s *supervisor) unplannedNotes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name, n := range s.unplanned {
		out = append(out, fmt.Sprintf("%s exited by itself %d times and was restarted (compose: restart unless-stopped); see %s/logs/%s.log", name, n, s.dir, name))
	}
	sort.Strings(out)
	return out
}
