# orchsim: two commands do everything on a fresh Debian 12 machine (as root):
#   make run    install what is missing, build Release, run scenarios/ai-ecosystem.yaml
#   make test   same set-up, then the whole ctest suite
MAKEFLAGS += --no-print-directory
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SCENARIO ?= scenarios/ai-ecosystem.yaml
ORCHSIM  := $(BUILD)/cli/orchsim

.PHONY: all deps configure build run test regress baselines bench clean format

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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
