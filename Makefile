# Convenience wrapper around CMake; README.md names the targets users run.
#   make quickstart   install dependencies, build, index the seed digests, search
#   make test         build and run every test
#   make test-sanitize  the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make matrix       -Werror builds with gcc and clang in every build type, and
#                     the fuzz targets (tests/build_matrix.sh)
SHARED ?= $(abspath ../shared)
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEBS = build-essential cmake pkg-config libstemmer-dev libutf8proc-dev libxxhash-dev libcmocka-dev \
       libmicrohttpd-dev python3 strace
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build deps quickstart test test-sanitize matrix clean

all: build

deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBS)

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DPAPERDEX_SHARED_DIR=$(SHARED)

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

quickstart: deps build
	$(BUILD)/paperdex-index -o paperdex.idx $(SHARED)/seeds
	$(BUILD)/paperdex-search -i paperdex.idx -n 3 "diffusion 모델"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

build-asan/Makefile:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPAPERDEX_SANITIZE=ON -DPAPERDEX_SHARED_DIR=$(SHARED)

test-sanitize: build-asan/Makefile
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

matrix:
	SHARED=$(SHARED) bash tests/build_matrix.sh

clean:
	rm -rf $(BUILD) build-asan build-matrix build-valgrind
