# daftar - the two commands of the README, and a few more.
#   make         build build/daftar (installs missing Debian packages first)
#   make test    build and run every test (unit + end-to-end)
#   make demo    build, make the demo trove, ingest it, print what was found
#   make asan    ASan + UBSan build that runs the whole test suite
#   make lint    banned functions, cppcheck
#   make fuzz    libFuzzer (clang) on every harness, FUZZ_SECONDS each (default 60)
#   make models  retrain the NER models in models/ from ../shared/corpora (docs/NER.md)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all deps build test demo asan lint bench fuzz models clean

all: build

deps:
	@bash scripts/install-deps.sh
	@bash scripts/web-deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

test: build lint
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDAFTAR_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

lint:
	@bash scripts/lint.sh

fuzz: deps
	@DAFTAR_FUZZ=1 bash scripts/install-deps.sh
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDAFTAR_FUZZ=ON -DDAFTAR_WERROR=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_extract fuzz_text fuzz_http ner_models
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

models: build
	cmake --build $(BUILD) --target models

demo: build
	@bash scripts/demo.sh

bench: build
	@bash bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
