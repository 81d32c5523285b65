// models/LatencyModel.hpp
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "models/Distribution.hpp"
#include "sim/Rng.hpp"

namespace orchsim::models {

/** The tokens one call carries: what an LLM latency model and token costs are computed from. */
struct CallTokens {
  double input = 0.0;
  double output = 0.0;
};

/** Draws the time one call to a service takes, given the call's tokens.
 *  Deterministic for a given RNG stream. Immutable; shared by the instances of a service. */
class LatencyModel {
public:
  virtual ~LatencyModel() = default;
  /** Seconds of service time for a call. Never negative, never NaN. */
  virtual double sample_s(const CallTokens& tokens, sim::Rng& rng) const = 0;
  /** Mean service time in seconds for calls with these mean tokens, where known in closed form. */
  virtual std::optional<double> mean_s(const CallTokens& mean_tokens) const = 0;
  /** Variance of the service time in s^2 for fixed tokens, where known in closed form. */
  virtual std::optional<double> variance_s2(const CallTokens& mean_tokens) const = 0;
  virtual std::string describe() const = 0;
};

using LatencyModelPtr = std::shared_ptr<const LatencyModel>;

/** Service time drawn from one distribution, whatever the tokens. */
LatencyModelPtr make_distribution_latency(DistributionPtr seconds);

/** An LLM call: time to first token + output tokens x time per output token.
 *  ttft = draw(ttft) + ttft_per_input_token_s x input tokens (prefill grows with the prompt);
 *  the time per output token is drawn once per call. */
LatencyModelPtr make_llm_latency(DistributionPtr ttft_s, double ttft_per_input_token_s, DistributionPtr tpot_s);

} // namespace orchsim::models
