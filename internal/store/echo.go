package store

import "sync"

// echoes follows this store's announcements from just before their transaction commits until
// they come back through the listener. An instance retires its cached pages itself once an edit
// of its own has committed, and so may skip the echo of its announcement; but when a commit's
// answer is lost (the network failed just then) the transaction may have committed all the same,
// and only its echo tells. Such an echo is not an acknowledged one: see Store.Acknowledged.
type echoes struct {
	mu   sync.Mutex
	last uint64
	// waiting holds the numbers of the transactions that are committing or committed, whose
	// echo has not come back yet.
	waiting map[uint64]bool
}

// maxWaiting bounds the echoes waited for. Echoes are lost while the listener is disconnected;
// it retires every cached page when it connects again, so forgetting them then is harmless:
// an echo not waited for only retires the pages once more.
const maxWaiting = 10_000

// number returns the number of a new transaction's announcements.
func (e *echoes) number() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.last++
	return e.last
}

// expect notes that transaction n is about to commit.
func (e *echoes) expect(n uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.waiting == nil || len(e.waiting) >= maxWaiting {
		e.waiting = make(map[uint64]bool)
	}
	e.waiting[n] = true
}

// forget notes that transaction n did not report its commit: its echo, if it comes, is news.
func (e *echoes) forget(n uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.waiting, n)
}

// take tells whether the echo of transaction n was waited for, and stops waiting for it.
func (e *echoes) take(n uint64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.waiting[n] {
		return false
	}
	delete(e.waiting, n)
	return true
}

// Acknowledged tells whether n is the echo of an announcement of this store's whose transaction
// committed and said so (or is saying so): whoever made it has acted on it already, as the edit
// service retires this instance's cached pages before acknowledging an edit. It is false for
// other stores' announcements, and for the echo of a transaction whose commit reported an
// error, since that transaction committed after all. Each echo is acknowledged once.
func (s *Store) Acknowledged(n Notification) bool {
	return n.Channel == ChannelChanges && n.Origin == s.origin && n.Tx != 0 && s.echoes.take(n.Tx)
}
