package store

// SetFlushTermsAt makes transactions write their search terms after n changes, and returns a
// function that puts the usual number back.
func SetFlushTermsAt(n int) (restore func()) {
	old := flushTermsAt
	flushTermsAt = n
	return func() { flushTermsAt = old }
}
