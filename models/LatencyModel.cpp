#include "models/LatencyModel.hpp"

#include <cstdio>

namespace orchsim::models {

namespace {

class DistributionLatency final : public LatencyModel {
public:
  explicit DistributionLatency(DistributionPtr seconds) : seconds_(std::move(seconds)) {}
  double sample_s(const CallTokens&, sim::Rng& rng) const override { return seconds_->sample(rng); }
  std::optional<double> mean_s(const CallTokens&) const override { return seconds_->mean(); }
  std::optional<double> variance_s2(const CallTokens&) const override { return seconds_->variance(); }
  std::string describe() const override { return seconds_->describe(); }

private:
  DistributionPtr seconds_;
};

class LlmLatency final : public LatencyModel {
public:
  LlmLatency(DistributionPtr ttft_s, double ttft_per_input_token_s, DistributionPtr tpot_s)
      : ttft_s_(std::move(ttft_s)), per_input_s_(ttft_per_input_token_s), tpot_s_(std::move(tpot_s))
  {
  }
  double sample_s(const CallTokens& tokens, sim::Rng& rng) const override
  {
    const double ttft = ttft_s_->sample(rng) + per_input_s_ * tokens.input;
    return ttft + tokens.output * tpot_s_->sample(rng);
  }
  std::optional<double> mean_s(const CallTokens& tokens) const override
  {
    auto ttft = ttft_s_->mean();
    auto tpot = tpot_s_->mean();
    if (!ttft || !tpot)
      return std::nullopt;
    return *ttft + per_input_s_ * tokens.input + tokens.output * *tpot;
  }
  std::optional<double> variance_s2(const CallTokens& tokens) const override
  {
    auto a = ttft_s_->variance();
    auto b = tpot_s_->variance();
    if (!a || !b)
      return std::nullopt;
    return *a + tokens.output * tokens.output * *b;
  }
  std::string describe() const override
  {
    char per_input[64];
    std::snprintf(per_input, sizeof per_input, "%g", per_input_s_);
    return "llm(ttft=" + ttft_s_->describe() + " + " + per_input + "s/input token, tpot=" + tpot_s_->describe() + ")";
  }

private:
  DistributionPtr ttft_s_;
  double per_input_s_;
  DistributionPtr tpot_s_;
};

} // namespace

LatencyModelPtr make_distribution_latency(DistributionPtr seconds)
{
  return std::make_shared<DistributionLatency>(std::move(seconds));
}

LatencyModelPtr make_llm_latency(DistributionPtr ttft_s, double ttft_per_input_token_s, DistributionPtr tpot_s)
{
  return std::make_shared<LlmLatency>(std::move(ttft_s), ttft_per_input_token_s, std::move(tpot_s));
}

} // namespace orchsim::models
