# Front door for building, testing, running and measuring. See README.md.
SWIFT ?= swift
N ?= 3
SEEDS ?= 2000
DURATION ?= 60
SCENARIO ?= default
SEED ?=

.PHONY: build test release clean soak bench bench-sim bench-resp bench-checker cluster chaos

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
	.build/release/raft-sim soak --seconds $(DURATION)

# Simulated Raft steps per second over a fixed seed set, and RESP parse throughput.
bench-sim: release
	.build/release/raft-sim bench --seeds 500

bench-resp: release
	.build/release/resp-bench

bench-checker: release
	.build/release/raft-chaos bench ../shared/corpus/porcupine

# N real nodes behind the relay, DURATION seconds of SCENARIO's faults under client load, then a
# verdict and runs/latest/report.html: make chaos N=5 [DURATION=60] [SEED=7] [SCENARIO=partitions]
chaos: release
	.build/release/raft-chaos run --nodes $(N) --duration $(DURATION) --scenario $(SCENARIO) $(if $(SEED),--seed $(SEED))

# A local N-node cluster on loopback in the foreground; Ctrl-C stops every node.
cluster: release
	scripts/cluster.sh $(N)

# The node beside redis-server (and pyraft when installed), as ratios: docs/BENCHMARKS.md
bench: release
	bash scripts/bench.sh
