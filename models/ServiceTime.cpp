#include "models/ServiceTime.hpp"

#include <cmath>

namespace orchsim::models {

std::optional<double> nominal_service_s(const ServiceSpec& service, const CallTokens& tokens)
{
  if (service.latency)
    return service.latency->mean_s(tokens);
  if (service.batching) {
    const auto& b = *service.batching;
    const double input = std::max(0.0, tokens.input);
    const double output = std::max(1.0, tokens.output);
    double total = 0.0;
    double prompt_left = input;
    while (prompt_left > 0) { // chunked prefill
      const double chunk = std::min(prompt_left, static_cast<double>(b.max_batch_tokens));
      total += batch_step_s(b, 1, static_cast<uint64_t>(chunk), 0);
      prompt_left -= chunk;
    }
    if (input <= 0)
      total += batch_step_s(b, 1, 0, 0); // the first token comes from a decode iteration
    // further tokens: one decode iteration each, over a context growing from input + 1
    const double decodes = output - 1;
    if (decodes > 0)
      total += decodes * b.base_s + decodes * b.per_sequence_s +
               b.per_context_token_s * decodes * (input + 1 + (decodes - 1) / 2.0);
    return total;
  }
  return std::nullopt;
}

} // namespace orchsim::models
