# Lianxin -- the two commands: `make run` and `make test`.
# Both install what is missing (Debian packages, npm ci), then build.

JOBS    ?= 2
BUILD   := build
ASAN    := build-asan
DB      ?= var/lianxin.db
LISTEN  ?= 127.0.0.1:8080
DEMO_HOUSEHOLDS ?= 2000

.PHONY: all deps build build-bin build-asan run test bench clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

$(ASAN)/Makefile: CMakeLists.txt
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DLX_SANITIZE=ON >/dev/null

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

build-bin: deps $(BUILD)/Makefile
	@cmake --build $(BUILD) -j $(JOBS) --target lianxin

build-asan: deps $(ASAN)/Makefile
	cmake --build $(ASAN) -j $(JOBS)

# Create the database with a demo county the first time, then serve it.
run: build-bin
	@scripts/run.sh $(BUILD)/lianxin $(DB) $(LISTEN) $(DEMO_HOUSEHOLDS)

# Every test: unit tests and API tests, on the plain build and under ASan/UBSan.
test: build build-asan
	@scripts/deps.sh --test
	scripts/test.sh $(BUILD) $(ASAN)

bench: build
	@scripts/deps.sh --bench
	bench/run.sh $(BUILD)/lianxin

clean:
	rm -rf $(BUILD) $(ASAN)
