//go:build race

package main

// raceEnabled is set when the tests run with the race detector, under which password hashing is
// too slow, and memory too large, to measure a server under a flood; `make test` runs those tests
// again without it.
const raceEnabled = true
