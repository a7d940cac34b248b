//go:build race

package importer_test

// raceEnabled is set when the tests run with the race detector, which makes importing whole
// data sets take too long; `make test` runs those tests again without it.
const raceEnabled = true
