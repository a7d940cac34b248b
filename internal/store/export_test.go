package store

import "context"

// SetFlushTermsAt makes transactions write their search terms after n changes, and returns a
// function that puts the usual number back.
func SetFlushTermsAt(n int) (restore func()) {
	old := flushTermsAt
	flushTermsAt = n
	return func() { flushTermsAt = old }
}

// RekeyUsers is the Go step of the migration that brings account name keys up to date.
func RekeyUsers(ctx context.Context, tx *Tx) error { return rekeyUsers(ctx, tx) }

// Rebind writes a query with '?' placeholders for the store's engine.
func (s *Store) Rebind(query string) string { return s.rebind(query) }

// SampleGrams counts the common trigrams of a sample of a PostgreSQL store's search keys.
func (s *Store) SampleGrams(ctx context.Context) (map[string]int32, error) {
	return sampleGrams(ctx, &s.conn)
}

// RarestInOrder picks the n rarest of grams by counts, in their order.
var RarestInOrder = rarestInOrder

// SetFewEdits sets how many edits people may have made for RecentWorks to find theirs from their
// authors, and returns a function that puts the usual number back.
func SetFewEdits(n int64) (restore func()) {
	old := fewEdits
	fewEdits = n
	return func() { fewEdits = old }
}
