# Lianxin -- the two commands: `make run` and `make test`.
# Both install what is missing (Debian packages, npm ci), then build.

JOBS    ?= 2
BUILD   := build
ASAN    := build-asan
DB      ?= var/lianxin.db
LISTEN  ?= 127.0.0.1:8080
DEMO_HOUSEHOLDS ?= 2000

.PHONY: all deps build build-bin build-asan web run test bench clean

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

# The web application (web/, Vue + Vite): built into web/dist when a source changed.
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.js \
           web/package.json web/package-lock.json
web/dist/index.html: $(WEB_SRC) | deps
	cd web && npm run build --silent >/dev/null

web: web/dist/index.html

# Create the database with a demo county the first time, then serve it with the web application.
run: build-bin web
	@scripts/run.sh $(BUILD)/lianxin $(DB) $(LISTEN) $(DEMO_HOUSEHOLDS)

# Every test: unit tests, API tests and browser tests, on the plain build and under
# ASan/UBSan, and the web application's own tests (Vitest).
test: build build-asan web
	@scripts/deps.sh --test
	scripts/test.sh $(BUILD) $(ASAN)

bench: build
	@scripts/deps.sh --bench
	bench/run.sh $(BUILD)/lianxin

clean:
	rm -rf $(BUILD) $(ASAN) web/dist
