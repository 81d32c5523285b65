# orchsim: two commands do everything on a fresh Debian 12 machine (as root):
#   make run    install what is missing, build Release, run scenarios/ai-ecosystem.yaml
#   make test   same set-up, then the whole ctest suite
MAKEFLAGS += --no-print-directory
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/ai-ecosystem.yaml
ORCHSIM  := $(BUILD)/cli/orchsim

.PHONY: all deps configure build run test regress baselines bench test-fuzz test-sanitize lint clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p runs
	$(ORCHSIM) run $(SCENARIO) --profiles all --replications 3 \
	    --out runs/$(notdir $(basename $(SCENARIO)))-profiles.json --runs-dir runs/$(notdir $(basename $(SCENARIO)))
	$(ORCHSIM) report runs/$(notdir $(basename $(SCENARIO)))-profiles.json runs/$(notdir $(basename $(SCENARIO))) \
	    -o runs/$(notdir $(basename $(SCENARIO)))-report.html

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

regress: build
	scripts/regress $(ORCHSIM) $(BUILD)/regress

baselines: build
	scripts/regress $(ORCHSIM) $(BUILD)/regress --update

bench: build
	$(BUILD)/bench/orchsim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
	  --benchmark_counters_tabular=true
	$(BUILD)/bench/orchsim_bench_selection --benchmark_counters_tabular=true
	$(BUILD)/bench/orchsim_bench_learners --benchmark_min_time=0.5 --benchmark_repetitions=3 \
	  --benchmark_report_aggregates_only=true
	bench/peak-rss.sh $(ORCHSIM)

# libFuzzer targets (docs/FUZZING.md): clang build with ASan+UBSan in $(FUZZ_BUILD), seed corpora from the
# repository, each target for FUZZ_TIME seconds; fails when any target finds a crash, timeout or OOM.
FUZZ_BUILD   ?= build-fuzz
FUZZ_TIME    ?= 60
FUZZ_TARGETS := scenario scenario_overrides sweep validation trace result
FUZZ_YAML    := scenario scenario_overrides sweep validation

# The whole ctest suite built with AddressSanitizer (LeakSanitizer included) and UndefinedBehaviorSanitizer:
# any report fails the test it happens in (docs/RELIABILITY.md).
SANITIZE_BUILD ?= build-sanitize
test-sanitize: deps
	cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DORCHSIM_SANITIZE=ON -DORCHSIM_BUILD_BENCH=OFF
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	cd $(SANITIZE_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# Static checks: clang-tidy (the checks in .clang-tidy) and cppcheck, on every source orchsim compiles.
lint: configure
	run-clang-tidy -quiet -p $(BUILD) -j $(JOBS) '$(CURDIR)/(sim|models|orchestrator|results|analysis|cli)/' \
	  > $(BUILD)/clang-tidy.log 2>&1; status=$$?; grep -E 'warning:|error:' $(BUILD)/clang-tidy.log; \
	  if [ $$status -ne 0 ] || grep -qE 'warning:|error:' $(BUILD)/clang-tidy.log; then \
	    echo "lint: clang-tidy found the above (log: $(BUILD)/clang-tidy.log)"; exit 1; fi
	cppcheck --quiet --error-exitcode=1 --std=c++20 --language=c++ --enable=warning,performance,portability \
	  --inline-suppr --suppressions-list=.cppcheck-suppressions -I . -I $(BUILD)/generated \
	  sim models orchestrator results analysis cli
	@echo "lint: clang-tidy and cppcheck clean"

test-fuzz: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DORCHSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	fuzz/make-corpus.sh $(FUZZ_BUILD)/fuzz
	@mkdir -p $(FUZZ_BUILD)/fuzz/logs $(FUZZ_BUILD)/fuzz/artifacts; failed=""; \
	for t in $(FUZZ_TARGETS); do \
	  dict=""; case " $(FUZZ_YAML) " in *" $$t "*) dict="-dict=$(CURDIR)/fuzz/dict/yaml.dict";; esac; \
	  echo "test-fuzz: fuzz_$$t for $(FUZZ_TIME) s (log: $(FUZZ_BUILD)/fuzz/logs/$$t.log)"; \
	  if (cd $(FUZZ_BUILD)/fuzz/work && ../fuzz_$$t -max_total_time=$(FUZZ_TIME) -rss_limit_mb=2048 -timeout=10 \
	        -print_final_stats=1 -artifact_prefix=../artifacts/$$t- $$dict ../corpus/$$t) \
	        >$(FUZZ_BUILD)/fuzz/logs/$$t.log 2>&1 </dev/null; then \
	    grep -h 'stat::number_of_executed_units' $(FUZZ_BUILD)/fuzz/logs/$$t.log; \
	  else \
	    tail -n 40 $(FUZZ_BUILD)/fuzz/logs/$$t.log; failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "test-fuzz: FAILED:$$failed (inputs in $(FUZZ_BUILD)/fuzz/artifacts)" >&2; exit 1; fi

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
