#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "models/Batching.hpp"

using namespace orchsim::models;

namespace {

BatchingSpec simple_spec(uint32_t max_batch, uint32_t max_batch_tokens)
{
  BatchingSpec spec;
  spec.max_batch = max_batch;
  spec.max_batch_tokens = max_batch_tokens;
  spec.base_s = 0.010;
  spec.per_sequence_s = 0.001;
  spec.per_prefill_token_s = 0.0001;
  spec.per_context_token_s = 0.00001;
  return spec;
}

bool contains(const std::vector<uint32_t>& ids, uint32_t id)
{
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

/** What a batch of identical sequences added at once measures, from the batcher's own iterations. */
struct BatchRun {
  double total_s = 0;
  double first_step_s = 0;
  double mean_later_step_s = 0; // mean duration of every iteration after the first
  double mean_tpot_s = 0;       // (last token - first token) / (output - 1), mean over the sequences
  uint64_t output_tokens = 0;
};

BatchRun run_batch(const BatchingSpec& spec, uint32_t n, uint32_t input_tokens, uint32_t output_tokens)
{
  ContinuousBatcher batcher(spec);
  for (uint32_t id = 0; id < n; ++id)
    batcher.add(id, input_tokens, output_tokens);
  std::map<uint32_t, double> first_s, last_s;
  BatchRun run;
  uint32_t steps = 0;
  double later_s = 0;
  while (!batcher.empty()) {
    double step_s = batcher.begin_step();
    run.total_s += step_s;
    if (steps++ == 0)
      run.first_step_s = step_s;
    else
      later_s += step_s;
    const auto& end = batcher.end_step();
    for (uint32_t id : end.first_token)
      first_s[id] = run.total_s;
    for (uint32_t id : end.finished)
      last_s[id] = run.total_s;
  }
  run.mean_later_step_s = steps > 1 ? later_s / (steps - 1) : 0;
  for (uint32_t id = 0; id < n; ++id)
    run.mean_tpot_s += (last_s.at(id) - first_s.at(id)) / (output_tokens - 1) / n;
  run.output_tokens = uint64_t(n) * output_tokens;
  return run;
}

} // namespace

TEST_CASE("models::Batching: batch_step_s is base + per sequence + per prompt token + per context token",
          "[models][batching]")
{
  BatchingSpec spec = simple_spec(8, 64);
  CHECK(batch_step_s(spec, 0, 0, 0) == Approx(0.010));
  CHECK(batch_step_s(spec, 3, 100, 2000) == Approx(0.010 + 3 * 0.001 + 100 * 0.0001 + 2000 * 0.00001));
  CHECK(batch_step_s(LLAMA2_70B_DGX_A100, 16, 0, 16 * 576) == Approx(43.8e-3 + 16 * 0.17e-3 + 16 * 576 * 0.38e-6));
}

TEST_CASE("models::Batching: one sequence takes O iterations, its first token after the first", "[models][batching]")
{
  const uint32_t input = 40, output = 5;
  BatchingSpec spec = simple_spec(4, 64);
  ContinuousBatcher batcher(spec);
  batcher.add(7, input, output);
  double total_s = 0;
  for (uint32_t step = 1; step <= output; ++step) {
    REQUIRE_FALSE(batcher.empty());
    total_s += batcher.begin_step();
    CHECK(batcher.get_step_sequences() == 1);
    CHECK(batcher.get_step_tokens() == (step == 1 ? input : 1));
    const auto& end = batcher.end_step();
    CHECK(contains(end.first_token, 7) == (step == 1));
    CHECK(contains(end.finished, 7) == (step == output));
  }
  CHECK(batcher.empty());
  // By hand: the prefill iteration, then output - 1 decodes over a context of input + tokens produced.
  double expected_s = 0.010 + 0.001 + input * 0.0001;
  for (uint32_t produced = 1; produced < output; ++produced)
    expected_s += 0.010 + 0.001 + (input + produced) * 0.00001;
  CHECK(total_s == Approx(expected_s).epsilon(1e-12));
}

TEST_CASE("models::Batching: a prompt longer than the budget takes ceil(P / budget) prefill iterations",
          "[models][batching]")
{
  const uint32_t input = 1000, budget = 256; // ceil(1000 / 256) = 4
  ContinuousBatcher batcher(simple_spec(4, budget));
  batcher.add(1, input, 3);
  const uint64_t chunks[] = {256, 256, 256, 232};
  for (int step = 0; step < 4; ++step) {
    double step_s = batcher.begin_step();
    CHECK(batcher.get_step_tokens() == chunks[step]);
    CHECK(step_s == Approx(batch_step_s(simple_spec(4, budget), 1, chunks[step], 0)));
    const auto& end = batcher.end_step();
    CHECK(contains(end.first_token, 1) == (step == 3));
  }
  batcher.begin_step();
  CHECK(batcher.get_step_tokens() == 1); // decoding now
  batcher.end_step();
  batcher.begin_step();
  CHECK(contains(batcher.end_step().finished, 1));
}

TEST_CASE("models::Batching: decoding sequences take their token before prefill chunks", "[models][batching]")
{
  SECTION("a decode and a prompt chunk share the budget, the decode first")
  {
    BatchingSpec spec = simple_spec(4, 8);
    ContinuousBatcher batcher(spec);
    batcher.add(1, 4, 5);
    batcher.begin_step();
    CHECK(batcher.end_step().first_token == std::vector<uint32_t>{1});
    batcher.add(2, 100, 5);
    double step_s = batcher.begin_step();
    CHECK(batcher.get_step_sequences() == 2);
    CHECK(batcher.get_step_tokens() == 8); // 1 decode + a 7-token chunk
    // Context of the decoder: 4 prompt tokens + its first output token.
    CHECK(step_s == Approx(batch_step_s(spec, 2, 7, 4 + 1)));
    const auto& end = batcher.end_step();
    CHECK(end.first_token.empty());
    CHECK(end.finished.empty());
  }
  SECTION("a budget below the decoders runs the first decoders in add order, prompts wait")
  {
    ContinuousBatcher batcher(simple_spec(4, 2));
    batcher.add(1, 0, 2);
    batcher.add(2, 0, 2);
    batcher.add(3, 0, 2);
    batcher.add(4, 5, 2);
    batcher.begin_step();
    CHECK(batcher.get_step_sequences() == 2);
    CHECK(batcher.get_step_tokens() == 2);
    CHECK(batcher.end_step().first_token == std::vector<uint32_t>{1, 2});
    batcher.begin_step();
    CHECK(batcher.end_step().finished == std::vector<uint32_t>{1, 2});
    batcher.begin_step(); // 3 decodes, 1 token left for the prompt of 4
    CHECK(batcher.get_step_sequences() == 2);
    CHECK(batcher.end_step().first_token == std::vector<uint32_t>{3});
  }
}

TEST_CASE("models::Batching: a sequence without prompt tokens decodes its first token at once", "[models][batching]")
{
  BatchingSpec spec = simple_spec(4, 64);
  ContinuousBatcher batcher(spec);
  batcher.add(1, 0, 1);
  batcher.add(2, 0, 0); // 0 output tokens count as 1
  batcher.add(3, 0, 2);
  double step_s = batcher.begin_step();
  CHECK(step_s == Approx(batch_step_s(spec, 3, 0, 0)));
  const auto& end = batcher.end_step();
  CHECK(end.first_token == std::vector<uint32_t>{1, 2, 3});
  CHECK(end.finished == std::vector<uint32_t>{1, 2});
  CHECK(batcher.size() == 1);
  batcher.begin_step();
  CHECK(batcher.end_step().finished == std::vector<uint32_t>{3});
}

TEST_CASE("models::Batching: remove() during an iteration drops the sequence from its results", "[models][batching]")
{
  ContinuousBatcher batcher(simple_spec(4, 64));
  batcher.add(1, 10, 1);
  batcher.add(2, 10, 1);
  batcher.begin_step();
  batcher.remove(1);
  batcher.remove(99);    // not in the batch: a no-op
  batcher.add(3, 10, 1); // joins the next iteration
  CHECK(batcher.in_step());
  const auto& end = batcher.end_step();
  CHECK(end.first_token == std::vector<uint32_t>{2});
  CHECK(end.finished == std::vector<uint32_t>{2});
  CHECK(batcher.size() == 1);
  batcher.begin_step();
  CHECK(batcher.get_step_tokens() == 10); // 3's whole prompt: it was not part of the earlier iteration
  CHECK(batcher.end_step().finished == std::vector<uint32_t>{3});
  CHECK(batcher.empty());
}

TEST_CASE("models::Batching: max_batch bounds the batch and a finished sequence frees its place", "[models][batching]")
{
  ContinuousBatcher batcher(simple_spec(2, 64));
  CHECK(batcher.has_room());
  batcher.add(1, 0, 1);
  batcher.add(2, 0, 3);
  CHECK_FALSE(batcher.has_room());
  CHECK(batcher.size() == 2);
  batcher.begin_step();
  CHECK_FALSE(batcher.has_room());
  batcher.end_step();
  CHECK(batcher.has_room());
  CHECK(batcher.size() == 1);
}

TEST_CASE("models::Batching: the iteration results reuse their storage", "[models][batching]")
{
  ContinuousBatcher batcher(simple_spec(16, 4096));
  for (uint32_t id = 0; id < 16; ++id)
    batcher.add(id, 0, 1);
  batcher.begin_step();
  const auto& end = batcher.end_step();
  REQUIRE(end.finished.size() == 16);
  const uint32_t* first_data = end.first_token.data();
  const uint32_t* finished_data = end.finished.data();
  for (int round = 0; round < 50; ++round) {
    for (uint32_t id = 0; id < 16; ++id)
      batcher.add(id, 3, 2);
    while (!batcher.empty()) {
      batcher.begin_step();
      batcher.end_step();
    }
  }
  CHECK(end.first_token.data() == first_data);
  CHECK(end.finished.data() == finished_data);
}

TEST_CASE("models::Batching: throughput and time per output token both rise with the batch", "[models][batching]")
{
  // The Splitwise operating point: prompts of 512 tokens, 128 output tokens, added at once.
  double last_tokens_per_s = 0, last_tpot_s = 0;
  for (uint32_t n = 1; n <= 64; n *= 2) {
    BatchRun run = run_batch(LLAMA2_70B_DGX_A100, n, 512, 128);
    double tokens_per_s = run.output_tokens / run.total_s;
    INFO("n = " << n << ": " << tokens_per_s << " tokens/s, TPOT " << run.mean_tpot_s * 1e3 << " ms");
    CHECK(tokens_per_s > last_tokens_per_s);
    CHECK(run.mean_tpot_s > last_tpot_s);
    last_tokens_per_s = tokens_per_s;
    last_tpot_s = run.mean_tpot_s;
  }
}

TEST_CASE("models::Batching: LLAMA2_70B_DGX_A100 reproduces the Splitwise characterization", "[models][batching]")
{
  // Reference: Patel et al., "Splitwise: Efficient Generative LLM Inference Using Phase Splitting",
  // ISCA 2024; its characterization data as released with SplitwiseSim (github.com/Mutinifni/splitwise-sim,
  // data/perf_model.csv): model llama2-70b, hardware a100-80gb, tensor_parallel 8, the median of the
  // 5 runs per point, in ms. prompt_time: the prompt iteration; token_time: the mean token iteration.
  BatchingSpec spec = LLAMA2_70B_DGX_A100;
  SECTION("token iterations vs batch size (prompt 512, 128 output tokens), within 7 %")
  {
    spec.max_batch_tokens = 64 * 512; // as measured: the batch's prompts in one iteration, then decodes only
    const std::pair<uint32_t, double> token_time_ms[] = {{1, 44.85},  {2, 44.56},  {4, 45.79}, {8, 46.47},
                                                         {16, 50.44}, {32, 53.02}, {64, 71.61}};
    for (auto [n, measured_ms] : token_time_ms) {
      BatchRun run = run_batch(spec, n, 512, 128);
      INFO("batch " << n << ": model " << run.mean_later_step_s * 1e3 << " ms, Splitwise " << measured_ms << " ms");
      CHECK(std::abs(run.mean_later_step_s * 1e3 / measured_ms - 1) < 0.07);
    }
  }
  SECTION("token iterations vs prompt size (batch 1), within 3 %")
  {
    const std::pair<uint32_t, double> token_time_ms[] = {{128, 43.03},  {256, 43.48},  {1024, 44.97},
                                                         {2048, 45.44}, {4096, 46.48}, {8192, 46.51}};
    spec.max_batch_tokens = 8192;
    for (auto [input, measured_ms] : token_time_ms) {
      BatchRun run = run_batch(spec, 1, input, 128);
      INFO("prompt " << input << ": model " << run.mean_later_step_s * 1e3 << " ms, Splitwise " << measured_ms);
      CHECK(std::abs(run.mean_later_step_s * 1e3 / measured_ms - 1) < 0.03);
    }
  }
  SECTION("prompt iterations of 128 to 2048 tokens (batch 1), within 12 %")
  {
    const std::pair<uint32_t, double> prompt_time_ms[] = {
        {128, 65.35}, {256, 66.76}, {512, 94.31}, {1024, 154.46}, {2048, 274.22}};
    for (auto [input, measured_ms] : prompt_time_ms) {
      BatchRun run = run_batch(spec, 1, input, 2);
      INFO("prompt " << input << ": model " << run.first_step_s * 1e3 << " ms, Splitwise " << measured_ms);
      CHECK(std::abs(run.first_step_s * 1e3 / measured_ms - 1) < 0.12);
    }
  }
}
