# Front door for building, testing, running and measuring. See README.md.
SWIFT ?= swift
N ?= 3
SEEDS ?= 2000
DURATION ?= 60
SCENARIO ?= default
SEED ?=

.PHONY: build test release clean soak bench bench-compare bench-sim bench-resp bench-checker cluster chaos

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# Every test target, both runners; this is what .ci/run runs.
# The chaos toolkit's tests run on their own. Their runs once paced themselves on Swift's
# cooperative pool (one thread per core), which the CPU-bound simulation and checker tests held
# for minutes: a 10 s chaos run lasted 14 minutes. A run now keeps to its own thread
# (Chaos/Chaos/Run/RunExecutor.swift), so a plain `swift test` is correct too; the split remains
# because the runs' nodes and clients still share the two cores with those tests.
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '^ChaosTests\.'
	$(SWIFT) test --skip-build --filter '^ChaosTests\.'

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

# PORCUPINE="a.txt b.txt": saved output of Porcupine's own `go test -bench` (see docs/BENCHMARKS.md);
# with it the side-by-side table docs/CHECKER-VS-PORCUPINE.md is rewritten from this run.
bench-checker: release
	nice .build/release/raft-chaos bench ../shared/corpus/porcupine --repeats 3 --min-time 0.2 \
		$(addprefix --porcupine ,$(PORCUPINE)) $(if $(PORCUPINE),--markdown docs/CHECKER-VS-PORCUPINE.md)

# N real nodes behind the relay, DURATION seconds of SCENARIO's faults under client load, then a
# verdict and runs/latest/report.html: make chaos N=5 [DURATION=60] [SEED=7] [SCENARIO=partitions] [WORKLOAD=list-append]
chaos: release
	.build/release/raft-chaos run --nodes $(N) --duration $(DURATION) --scenario $(SCENARIO) $(if $(SEED),--seed $(SEED)) $(if $(WORKLOAD),--workload $(WORKLOAD))

# A local N-node cluster on loopback in the foreground; Ctrl-C stops every node.
cluster: release
	scripts/cluster.sh $(N)

# The node beside redis-server (and pyraft when installed), as ratios: docs/BENCHMARKS.md
bench: release
	bash scripts/bench.sh

# Two saved runs of make bench (bench-results/<stamp>.tsv, or "latest"), figure by figure:
# make bench-compare A B   (or A=... B=...). See docs/BENCHMARKS.md.
ifeq (bench-compare,$(firstword $(MAKECMDGOALS)))
CMP_ARGS := $(wordlist 2,3,$(MAKECMDGOALS))
# the two names after the target are arguments, not targets to build
$(eval $(CMP_ARGS):;@:)
endif
bench-compare:
	python3 scripts/bench-compare.py $(or $(A),$(word 1,$(CMP_ARGS))) $(or $(B),$(word 2,$(CMP_ARGS)))
