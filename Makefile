# Kioku developer targets. Tests also run against PostgreSQL when
# KIOKU_TEST_POSTGRES (a postgres:// URL) is set, and so does the store
# comparison in `make bench`; the browser tests use
# KIOKU_CHROMIUM. Both are passed through from the environment.

GO ?= go

.PHONY: all test lint fmt bench

all: lint test

test:
	$(GO) test -race -count=1 ./...

lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

fmt:
	gofmt -w .

bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=2000x ./...
