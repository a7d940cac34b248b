package storetest

import (
	"encoding/binary"
	"testing"
)

// message builds a typed message of PostgreSQL's protocol from NUL-terminated strings.
func message(typ byte, fields ...string) []byte {
	var body []byte
	for _, f := range fields {
		body = append(append(body, f...), 0)
	}
	out := []byte{typ, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[1:], uint32(4+len(body)))
	return append(out, body...)
}

// TestFrontendStatements feeds a connection's messages to the follower in pieces of every size,
// and checks the statement each message runs or prepares.
func TestFrontendStatements(t *testing.T) {
	startup := make([]byte, 8)
	binary.BigEndian.PutUint32(startup, 8)
	binary.BigEndian.PutUint32(startup[4:], protocol3)
	msgs := [][]byte{
		startup,
		message('P', "stmt_1", "SELECT 1 FROM revisions WHERE number = $1"),
		message('B', "", "stmt_1"),
		message('E', ""),
		message('Q', "commit"),
		message('C', "Sstmt_1"),
		message('B', "", "stmt_1"),
	}
	want := []string{"", "SELECT 1 FROM revisions WHERE number = $1", "SELECT 1 FROM revisions WHERE number = $1", "", "commit", "", ""}
	var stream []byte
	for _, m := range msgs {
		stream = append(stream, m...)
	}
	for size := 1; size <= len(stream); size++ {
		f := &frontend{}
		var got []string
		for at := 0; at < len(stream); at += size {
			for _, m := range f.messages(stream[at:min(at+size, len(stream))]) {
				got = append(got, f.statement(m))
			}
		}
		if len(got) != len(want) {
			t.Fatalf("in pieces of %d bytes: %d messages, want %d", size, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("in pieces of %d bytes, message %d runs %q, want %q", size, i, got[i], want[i])
			}
		}
	}
}

// TestFrontendEncrypted passes what follows an accepted SSL request through unread.
func TestFrontendEncrypted(t *testing.T) {
	ssl := make([]byte, 8)
	binary.BigEndian.PutUint32(ssl, 8)
	binary.BigEndian.PutUint32(ssl[4:], 80877103)
	f := &frontend{}
	if got := f.messages(ssl); len(got) != 1 {
		t.Fatalf("SSL request: %d messages, want 1", len(got))
	}
	hello := []byte{0x16, 0x03, 0x01, 0x02, 0x00, 1, 2, 3}
	if got := f.messages(hello); len(got) != 1 || string(got[0]) != string(hello) {
		t.Fatalf("TLS handshake: %q, want it passed on as it came", got)
	}
	if !f.opaque {
		t.Error("the follower still reads an encrypted stream")
	}
}
