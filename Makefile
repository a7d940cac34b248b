# Kioku developer targets. Tests also run against PostgreSQL when
# KIOKU_TEST_POSTGRES (a postgres:// URL) is set, and so does the store
# comparison in `make bench`; the browser tests use
# KIOKU_CHROMIUM. Both are passed through from the environment.

GO ?= go

.PHONY: all test lint fmt bench

all: lint test

# The whole data sets are imported, and a storm of real password hashes measured, without the race
# detector, which would make them take ten times as long; those tests skip themselves under -race.
test:
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run 'Whole|SignInStorm' ./internal/importer/ ./cmd/kioku/

lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

fmt:
	gofmt -w .

# Pages and edits take 2000 rounds; reading a whole data set takes 5; importing one, once.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=2000x -timeout=30m $$($(GO) list ./... | grep -v -e internal/importer -e internal/dataset)
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=5x ./internal/dataset/
	$(GO) test -run='^$$' -bench=. -benchtime=1x -timeout=30m ./internal/importer/
