package storetest

import (
	"bytes"
	"encoding/binary"
)

// protocol3 is the protocol version a startup message asks for: 3.0.
const protocol3 = 3 << 16

// frontend follows what a client sends to PostgreSQL over one connection, message by message, so
// that the proxy can fail the connection at the moment a given statement runs. It understands
// just enough of the protocol: the untyped requests before startup, simple queries ('Q'), and of
// the extended protocol the preparing ('P'), binding ('B') and closing ('C') of statements.
type frontend struct {
	started bool // past the startup message: every message has a type byte
	opaque  bool // encrypted or not understood: passed through without looking
	pending []byte
	// prepared holds the text of the statements this connection prepared, by name: pgx
	// prepares a statement once per connection and then only binds it by name.
	prepared map[string]string
}

// messages appends data to what came before and returns the complete messages it now holds,
// each in its own slice; the rest waits for more data.
func (f *frontend) messages(data []byte) [][]byte {
	if f.opaque {
		return [][]byte{data}
	}
	f.pending = append(f.pending, data...)
	var out [][]byte
	for {
		header := 4
		if f.started {
			header = 5
		}
		if len(f.pending) < header {
			break
		}
		size := int(binary.BigEndian.Uint32(f.pending[header-4:]))
		if size < 4 || size > 1<<30 || !f.started && size > 10_000 {
			// Not PostgreSQL's framing (TLS, say): stop looking.
			f.opaque = true
			out = append(out, f.pending)
			f.pending = nil
			return out
		}
		total := header - 4 + size
		if len(f.pending) < total {
			break
		}
		msg := f.pending[:total:total]
		f.pending = f.pending[total:]
		// Before the startup message may come an SSL or GSS encryption request. The server
		// answers it with one byte: a "no" is followed by the startup message, a "yes" by
		// encrypted traffic, whose first bytes read as a length far above any startup
		// message's, so the check above lets it pass unread.
		if !f.started && len(msg) >= 8 && binary.BigEndian.Uint32(msg[4:]) == protocol3 {
			f.started = true
		}
		out = append(out, msg)
	}
	if len(f.pending) == 0 {
		f.pending = nil // let the buffer of a large message go
	}
	return out
}

// statement returns the SQL that msg runs or prepares, if any, and follows the statements the
// connection prepares and closes.
func (f *frontend) statement(msg []byte) string {
	if !f.started || f.opaque || len(msg) < 5 {
		return ""
	}
	body := msg[5:]
	switch msg[0] {
	case 'Q':
		query, _ := cstring(body)
		return string(query)
	case 'P':
		name, rest := cstring(body)
		query, _ := cstring(rest)
		if f.prepared == nil {
			f.prepared = make(map[string]string)
		}
		f.prepared[string(name)] = string(query)
		return string(query)
	case 'B':
		_, rest := cstring(body) // the portal
		name, _ := cstring(rest)
		return f.prepared[string(name)]
	case 'C':
		if len(body) > 0 && body[0] == 'S' {
			name, _ := cstring(body[1:])
			delete(f.prepared, string(name))
		}
	}
	return ""
}

// cstring splits a NUL-terminated string off the front of b.
func cstring(b []byte) (s, rest []byte) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i+1:]
}
