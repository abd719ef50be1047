# Tsunagu: the two commands a newcomer needs are `make run` and `make test`.
BUILD_TYPE ?= Release
BUILD_DIR  ?= build/$(shell echo $(BUILD_TYPE) | tr A-Z a-z)
JOBS       ?= $(shell nproc)
LISTEN     ?= 127.0.0.1:1026
DATA_DIR   ?= var

.PHONY: deps configure build run test unit integration format clean bench fuzz

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target tsunagu

run: build
	$(BUILD_DIR)/tsunagu serve --listen $(LISTEN) --data-dir $(DATA_DIR) --demo-data --insecure-no-auth

test: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

unit: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target tsunagu_unit_tests
	@$(BUILD_DIR)/tsunagu_unit_tests

# Load scenarios against nginx and raw SQLite ceilings (docs/performance.md); always a Release
# build. BENCH=name runs one scenario, BENCH_SCALE scales the data sets.
bench: deps
	@cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build/release -j $(JOBS) --target tsunagu tsunagu_bench_client tsunagu_sqlite_baseline \
	  tsunagu_query_scan_baseline tsunagu_notify_bench tsunagu_temporal_bench
	@BUILD_DIR=build/release bash bench/run.sh

# libFuzzer targets of the parsers, FUZZ_SECONDS each (default 60), with ASan and UBSan.
fuzz:
	@bash scripts/fuzz.sh

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
