# Front door for building, testing, running and measuring. See README.md.
SWIFT ?= swift
N ?= 3
SEEDS ?= 2000
DURATION ?= 60

.PHONY: build test release clean soak bench bench-checker cluster

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# Every test target, both runners; this is what .ci/run runs.
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build .build-*

# Many more simulation seeds than CI runs, for as long as asked: make soak DURATION=600
soak: release
	RAFT_SOAK_SECONDS=$(DURATION) $(SWIFT) run -c release raft-sim-soak

bench-checker: release
	.build/release/raft-chaos bench ../shared/corpus/porcupine
