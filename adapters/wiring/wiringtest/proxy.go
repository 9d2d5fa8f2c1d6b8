package wiringtest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// TCPProxy forwards TCP connections to a target; Down drops every connection and refuses new
// ones until Up: the target gone, as far as its clients can tell (an RPC node, a database).
type TCPProxy struct {
	ln     net.Listener
	target string
	isDown atomic.Bool
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
}

// StartTCPProxy listens on listen ("127.0.0.1:0" for any port) and forwards to target.
func StartTCPProxy(listen, target string) (*TCPProxy, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	p := &TCPProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go p.serve()
	return p, nil
}

func (p *TCPProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.isDown.Load() {
			c.Close()
			continue
		}
		go p.pipe(c)
	}
}

func (p *TCPProxy) pipe(c net.Conn) {
	t, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.track(c, t)
	defer p.untrack(c, t)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(t, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, t); done <- struct{}{} }()
	<-done
	c.Close()
	t.Close()
	<-done
}

func (p *TCPProxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
}

func (p *TCPProxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		delete(p.conns, c)
	}
}

// Addr is the address the proxy listens on.
func (p *TCPProxy) Addr() string { return p.ln.Addr().String() }

// Down cuts every open connection and refuses new ones.
func (p *TCPProxy) Down() {
	p.isDown.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

// Up forwards new connections again.
func (p *TCPProxy) Up() { p.isDown.Store(false) }

func (p *TCPProxy) Close() error { return p.ln.Close() }
