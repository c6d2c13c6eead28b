# The two entry points a new machine needs: `make demo` (KEEP=1 leaves it running) and `make test`.
.PHONY: setup build test demo cluster-up cluster-down bench crds

setup:
	@bash scripts/setup.sh

build: setup
	@npm run --silent build

test:
	@bash scripts/setup.sh --control-plane
	@node scripts/run-tests.mjs

demo:
	@bash scripts/setup.sh --demo --control-plane
	@node --import tsx scripts/demo.ts $(if $(filter 1 yes true,$(KEEP)),--keep)

cluster-up: setup
	@npm run --silent cluster -- up

cluster-down:
	@npm run --silent cluster -- down

bench: setup
	@node --import tsx bench/run.ts

crds: setup
	@node --import tsx scripts/generate-crds.ts
