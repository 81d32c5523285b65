#include "models/Batching.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace orchsim::models {

namespace {

[[noreturn]] void broken(const char* what)
{
  std::fprintf(stderr, "ContinuousBatcher: %s\n", what);
  std::abort();
}

} // namespace

double batch_step_s(const BatchingSpec& spec, uint32_t sequences, uint64_t prefill_tokens, uint64_t context_tokens)
{
  return spec.base_s + spec.per_sequence_s * static_cast<double>(sequences) +
         spec.per_prefill_token_s * static_cast<double>(prefill_tokens) +
         spec.per_context_token_s * static_cast<double>(context_tokens);
}

ContinuousBatcher::ContinuousBatcher(const BatchingSpec& spec) : spec_(spec)
{
  if (spec_.max_batch == 0 || spec_.max_batch_tokens == 0)
    broken("max_batch and max_batch_tokens must be positive");
  // Every vector reaches its largest size here: the batch never holds more than max_batch sequences.
  batch_.reserve(spec_.max_batch);
  end_.first_token.reserve(spec_.max_batch);
  end_.finished.reserve(spec_.max_batch);
}

bool ContinuousBatcher::has_room() const
{
  return batch_.size() < spec_.max_batch;
}

void ContinuousBatcher::add(uint32_t id, uint32_t input_tokens, uint32_t output_tokens)
{
  if (!has_room())
    broken("add() without room");
  if (std::any_of(batch_.begin(), batch_.end(), [id](const Sequence& s) { return s.id == id; }))
    broken("add() of an id already in the batch");
  Sequence s;
  s.id = id;
  s.prompt_left = input_tokens;
  s.output_left = std::max<uint32_t>(output_tokens, 1);
  batch_.push_back(s);
}

void ContinuousBatcher::remove(uint32_t id)
{
  auto it = std::find_if(batch_.begin(), batch_.end(), [id](const Sequence& s) { return s.id == id; });
  if (it != batch_.end())
    batch_.erase(it); // keeps the add order (FIFO prefill, decode order)
}

uint32_t ContinuousBatcher::size() const
{
  return static_cast<uint32_t>(batch_.size());
}

bool ContinuousBatcher::empty() const
{
  return batch_.empty();
}

bool ContinuousBatcher::in_step() const
{
  return in_step_;
}

double ContinuousBatcher::begin_step()
{
  if (batch_.empty())
    broken("begin_step() on an empty batch");
  if (in_step_)
    broken("begin_step() during an iteration");
  uint64_t budget = spec_.max_batch_tokens;
  uint32_t decoders = 0;
  uint64_t context = 0;
  // Decode priority: every decoding sequence takes its one token first, in add order.
  for (Sequence& s : batch_) {
    s.in_step = true;
    s.planned = 0;
    s.decoding = false;
    if (s.prompt_left == 0 && budget > 0) {
      s.decoding = true;
      --budget;
      ++decoders;
      context += s.context;
    }
  }
  // Then chunked prefill, FIFO, with what is left of the budget.
  uint32_t sequences = decoders;
  uint64_t prefill = 0;
  for (Sequence& s : batch_) {
    if (budget == 0)
      break;
    if (s.prompt_left == 0)
      continue;
    s.planned = static_cast<uint32_t>(std::min<uint64_t>(s.prompt_left, budget));
    budget -= s.planned;
    prefill += s.planned;
    ++sequences;
  }
  in_step_ = true;
  step_sequences_ = sequences;
  step_tokens_ = prefill + decoders;
  return batch_step_s(spec_, sequences, prefill, context);
}

void ContinuousBatcher::produce_token(Sequence& s)
{
  if (!s.has_output)
    end_.first_token.push_back(s.id);
  s.has_output = true;
  --s.output_left;
  ++s.context;
  if (s.output_left == 0)
    end_.finished.push_back(s.id);
}

const ContinuousBatcher::StepEnd& ContinuousBatcher::end_step()
{
  if (!in_step_)
    broken("end_step() outside an iteration");
  end_.first_token.clear();
  end_.finished.clear();
  for (Sequence& s : batch_) {
    if (!s.in_step)
      continue; // joined during the iteration: part of the next one
    if (s.planned > 0) {
      s.prompt_left -= s.planned;
      s.context += s.planned;
      if (s.prompt_left == 0)
        produce_token(s); // the prompt's last chunk yields the first output token
    } else if (s.decoding) {
      produce_token(s);
    }
    s.in_step = false;
    s.planned = 0;
    s.decoding = false;
  }
  batch_.erase(std::remove_if(batch_.begin(), batch_.end(), [](const Sequence& s) { return s.output_left == 0; }),
               batch_.end());
  in_step_ = false;
  return end_;
}

uint32_t ContinuousBatcher::get_step_sequences() const
{
  return step_sequences_;
}

uint64_t ContinuousBatcher::get_step_tokens() const
{
  return step_tokens_;
}

} // namespace orchsim::models
