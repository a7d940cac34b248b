# Kioku developer targets. Tests also run against PostgreSQL when
# KIOKU_TEST_POSTGRES (a postgres:// URL) is set, and so does the store
# comparison in `make bench`; the browser tests use
# KIOKU_CHROMIUM, and their accessibility check axe-core's axe.min.js at KIOKU_AXE; the API's
# OpenAPI document is linted with Redocly CLI's redocly command at KIOKU_REDOCLY
# (.ci/run installs all three). All are passed through from the environment.

GO ?= go

.PHONY: all test lint fmt bench fuzz screenshots

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

# Pictures of the main pages at a desktop's width and a phone's, from the demo data, into
# docs/screenshots/ (needs chromium, or KIOKU_CHROMIUM). Not part of `make test`; README.md shows
# the work page's two, which are kept in the repository.
screenshots:
	$(GO) run ./internal/screenshots -out docs/screenshots

# Pages and edits take 2000 rounds; reading a whole data set takes 5; importing one, once, and
# so do the dump and restore of the three imported whole (BenchmarkDumpRestoreWhole).
bench:
	$(GO) test -run='^$$' -bench=. -skip=Whole -benchmem -benchtime=2000x -timeout=30m $$($(GO) list ./... | grep -v -e internal/importer -e internal/dataset)
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=5x ./internal/dataset/
	$(GO) test -run='^$$' -bench=. -benchtime=1x -timeout=30m ./internal/importer/
	$(GO) test -run='^$$' -bench=Whole -benchtime=1x -timeout=30m ./cmd/kioku/

# Each fuzz target runs for FUZZTIME, one after another on one worker; `go test` alone runs
# only their seeds (f.Add and testdata/fuzz/). A failing input lands in the package's
# testdata/fuzz/ folder: fix the code, and keep the input there as a seed. Go 1.26's fuzzing
# sometimes ends a run that found nothing with "context deadline exceeded" (Go issue 75804,
# fixed in 1.27); that alone, with no failing input written, is reported and not a failure.
FUZZTIME ?= 10s
FUZZ_TARGETS = \
	./internal/wikitext:FuzzRender ./internal/wikitext:FuzzCheck \
	./internal/web:FuzzEditForms ./internal/web:FuzzSearchQuery \
	./internal/search:FuzzFold ./internal/search:FuzzHighlight ./internal/search:FuzzKeys \
	./internal/dataset:FuzzReadAniDB ./internal/dataset:FuzzReadBangumi ./internal/dataset:FuzzReadMADB \
	./internal/dataset:FuzzParseStaff ./internal/dataset:FuzzLDDecoder ./internal/dataset:FuzzDates \
	./internal/server:FuzzSite ./internal/server:FuzzRoutes \
	./internal/edit:FuzzPastedLists ./internal/images:FuzzProcess

fuzz:
	@set -e; out=$$(mktemp); trap 'rm -f "$$out"' EXIT; \
	for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; corpus=$$pkg/testdata/fuzz/$$name; \
		before=$$(ls "$$corpus" 2>/dev/null | wc -l); \
		echo "== $$name ($$pkg)"; \
		if $(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) -parallel=1 $$pkg >"$$out" 2>&1; then \
			tail -n 2 "$$out"; \
		elif grep -qx '    context deadline exceeded' "$$out" && [ "$$(ls "$$corpus" 2>/dev/null | wc -l)" -eq "$$before" ]; then \
			echo "$$name found nothing; the run ended with Go's deadline error (Go issue 75804)"; \
		else \
			cat "$$out"; exit 1; \
		fi; \
	done
