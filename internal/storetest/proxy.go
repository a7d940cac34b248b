package storetest

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Proxy stands between a store and its PostgreSQL server, so that a test can cut the
// connection as a restart or a network failure would, and bring it back.
type Proxy struct {
	t        testing.TB
	ln       net.Listener
	upstream string

	mu    sync.Mutex
	down  bool
	stall bool
	gate  chan struct{} // closed while traffic may flow
	conns map[net.Conn]bool
	traps []trap
}

// trap is a fragment of SQL whose next statement fails the connection that runs it, or with
// stall set, stalls the proxy.
type trap struct {
	fragment string
	stall    bool
	fired    chan struct{}
}

// NewProxy starts a proxy in front of the server of dsn and returns it with the DSN that goes
// through it. It stops when the test ends.
func NewProxy(t testing.TB, dsn string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{t: t, ln: ln, upstream: u.Host, gate: make(chan struct{}), conns: make(map[net.Conn]bool)}
	close(p.gate)
	t.Cleanup(func() {
		ln.Close()
		p.Cut()
	})
	go p.accept()
	u.Host = ln.Addr().String()
	return p, u.String()
}

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		if !down {
			p.conns[c] = true
		}
		p.mu.Unlock()
		if down {
			c.Close() // refused, as by a server that is not there
			continue
		}
		go p.serve(c)
	}
}

func (p *Proxy) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.upstream)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	p.conns[server] = true
	p.mu.Unlock()
	go p.pipe(client, server, nil)
	p.pipe(server, client, &frontend{})
}

// pipe copies from src to dst, holding bytes back while the proxy is stalled. Between a client
// and its server, f follows the client's messages, so that a trap can fail the connection as a
// statement is about to run.
func (p *Proxy) pipe(dst, src net.Conn, f *frontend) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			out := buf[:n]
			if f != nil {
				var ok bool
				if out, ok = p.check(f, out); !ok {
					return // trapped: both ends close, as a failing network would close them
				}
			}
			p.mu.Lock()
			gate := p.gate
			p.mu.Unlock()
			<-gate
			if _, werr := dst.Write(out); len(out) > 0 && werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// check passes data from a client through f and returns the complete messages it holds, or ok
// false when one of them springs a trap.
func (p *Proxy) check(f *frontend, data []byte) (out []byte, ok bool) {
	msgs := f.messages(data)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, msg := range msgs {
		if sql := f.statement(msg); sql != "" {
			for i, t := range p.traps {
				if !strings.Contains(sql, t.fragment) {
					continue
				}
				close(t.fired)
				p.traps = slices.Delete(p.traps, i, i+1)
				if !t.stall {
					return nil, false
				}
				p.stallLocked() // the statement waits at the gate with everything else
				break
			}
		}
		out = append(out, msg...)
	}
	return out, true
}

// FailOn arms a trap: the next statement run whose SQL contains fragment (as sent to the server,
// with PostgreSQL's $1 placeholders) never reaches the server; the connection that sent it is
// closed instead, as if the network had failed just then. Other connections carry on, and the
// pool makes new ones as usual, so that the failure is as brief as it can be. The channel
// returned is closed when the trap has sprung.
func (p *Proxy) FailOn(fragment string) <-chan struct{} { return p.arm(fragment, false) }

// StallOn arms a trap that stalls the proxy (see Stall) when the next statement whose SQL
// contains fragment is sent, so that a silent partition begins just as that statement runs. The
// statement is held back with everything else until Restore or Cut.
func (p *Proxy) StallOn(fragment string) <-chan struct{} { return p.arm(fragment, true) }

func (p *Proxy) arm(fragment string, stall bool) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := trap{fragment: fragment, stall: stall, fired: make(chan struct{})}
	p.traps = append(p.traps, t)
	return t.fired
}

// Stall holds back every byte in both directions, so that queries under way hang as they
// would when the server stops answering.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stallLocked()
}

func (p *Proxy) stallLocked() {
	if !p.stall {
		p.stall = true
		p.gate = make(chan struct{})
	}
}

// Cut closes every connection and refuses new ones until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
	if p.stall {
		p.stall = false
		close(p.gate)
	}
}

// Restore lets connections through again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
	if p.stall {
		p.stall = false
		close(p.gate)
	}
}
