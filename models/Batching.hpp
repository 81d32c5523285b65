// models/Batching.hpp
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace orchsim::models {

/** A self-hosted LLM server with continuous batching (Orca, vLLM): the server runs iterations; each
 *  iteration processes every sequence in the batch at once, prompt tokens (prefill, chunked to the
 *  token budget) and one output token per decoding sequence. Its time grows with the batch:
 *
 *    step_s = base + per_sequence x sequences + per_prefill_token x prefill tokens
 *           + per_context_token x context tokens of the decoding sequences (KV cache read)
 *
 *  docs/PLATFORM.md, "Model servers", gives the calibration and its reference. */
struct BatchingSpec {
  uint32_t max_batch = 64;           // sequences in the batch at once (the rest wait in the instance's queue)
  uint32_t max_batch_tokens = 8192;  // tokens one iteration processes: decode tokens first, then prefill chunks
  double base_s = 0.0;               // fixed cost of an iteration (reading the weights)
  double per_sequence_s = 0.0;       // per sequence in the iteration
  double per_prefill_token_s = 0.0;  // per prompt token processed in the iteration
  double per_context_token_s = 0.0;  // per token already in a decoding sequence's context
};

/** The time of one iteration with `sequences` sequences, `prefill_tokens` prompt tokens and
 *  `context_tokens` tokens of context held by its decoding sequences. */
double batch_step_s(const BatchingSpec& spec, uint32_t sequences, uint64_t prefill_tokens, uint64_t context_tokens);

/** Llama2-70B in FP16 on a DGX-A100 (8 x A100-80GB, tensor parallel 8), fitted to the Splitwise
 *  characterization data (Patel et al., ISCA 2024; SplitwiseSim's data/perf_model.csv): decode
 *  iterations for batches of 1..64 within 6.1 %, prompt iterations of 128..2048 tokens within 12 %.
 *  max_batch_tokens stays at 2048, the largest prompt chunk the fit covers (longer prefills cost more
 *  per token there). docs/PLATFORM.md, "Model servers", has the table. */
inline constexpr BatchingSpec LLAMA2_70B_DGX_A100{.max_batch = 64,
                                                  .max_batch_tokens = 2048,
                                                  .base_s = 43.8e-3,
                                                  .per_sequence_s = 0.17e-3,
                                                  .per_prefill_token_s = 0.107e-3,
                                                  .per_context_token_s = 0.38e-6};

/** The scheduler of one server instance: which tokens of which sequence each iteration processes.
 *  The caller owns time: begin_step() says how long the iteration lasts, end_step() is called when it
 *  is over. Admission is the caller's too: it add()s sequences while has_room() (between iterations
 *  or during one: a sequence added during an iteration joins the next). Deterministic; no allocation
 *  once the batch has reached its largest size. */
class ContinuousBatcher {
public:
  /** REQUIRES: spec.max_batch > 0, spec.max_batch_tokens > 0 (a broken spec aborts). */
  explicit ContinuousBatcher(const BatchingSpec& spec);

  bool has_room() const;
  /** REQUIRES: has_room(), id not in the batch. `output_tokens` 0 counts as 1 (an answer has a token). */
  void add(uint32_t id, uint32_t input_tokens, uint32_t output_tokens);
  /** Takes a sequence out (its instance crashed); a no-op for ids not in the batch. */
  void remove(uint32_t id);
  uint32_t size() const;
  bool empty() const;
  bool in_step() const;

  /** Starts an iteration over the sequences in the batch. Returns its duration in seconds.
   *  REQUIRES: !empty(), !in_step(). */
  double begin_step();
  /** What the iteration that just ended produced. */
  struct StepEnd {
    std::vector<uint32_t> first_token; // sequences whose prefill completed: their first output token is out
    std::vector<uint32_t> finished;    // sequences whose last output token is out (they leave the batch)
  };
  /** Ends the iteration begun last. REQUIRES: in_step(). The reference is valid until the next call. */
  const StepEnd& end_step();

  /** Of the iteration begun last: sequences and tokens processed (for measurements). */
  uint32_t get_step_sequences() const;
  uint64_t get_step_tokens() const;

private:
  struct Sequence {
    uint32_t id = 0;
    uint32_t prompt_left = 0;   // prompt tokens not yet processed
    uint32_t output_left = 0;   // output tokens not yet produced
    uint64_t context = 0;       // tokens in its KV cache
    uint32_t planned = 0;       // prompt tokens planned in the current iteration
    bool decoding = false;      // planned as a decode in the current iteration
    bool in_step = false;       // was in the batch when the current iteration began
    bool has_output = false;    // its first output token is out
  };
  /** One output token of `s` is out: lists it in end_ (first token, finished). */
  void produce_token(Sequence& s);
  BatchingSpec spec_;
  std::vector<Sequence> batch_;
  StepEnd end_;
  bool in_step_ = false;
  uint32_t step_sequences_ = 0;
  uint64_t step_tokens_ = 0;
};

} // namespace orchsim::models
