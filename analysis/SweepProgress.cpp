#include "analysis/SweepProgress.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace orchsim::analysis {

namespace {

double steady_now_s()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/** 4.2 s, 42 s, 3:07, 1:02:03. */
std::string duration_text(double seconds)
{
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (seconds < 9.95)
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (s < 60)
    std::snprintf(buf, sizeof buf, "%lld s", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

} // namespace

SweepProgress::SweepProgress(std::ostream& out, Style style, double interval_s, std::string label,
                             std::function<double()> now_s)
    : out_(out)
    , style_(style)
    , interval_s_(interval_s)
    , label_(std::move(label))
    , now_s_(now_s ? std::move(now_s) : steady_now_s)
{
}

std::string SweepProgress::text(size_t done, size_t total) const
{
  const double elapsed = now_s_() - start_s_;
  char rate[64] = "", eta[64] = "";
  if (done > 0 && elapsed > 0) {
    const double per_s = static_cast<double>(done) / elapsed;
    std::snprintf(rate, sizeof rate, ", %.3g runs/s", per_s);
    const std::string left = duration_text(static_cast<double>(total - done) / per_s);
    std::snprintf(eta, sizeof eta, done < total ? ", ETA %s" : ", in %s",
                  (done < total ? left : duration_text(elapsed)).c_str());
  }
  return label_ + ": " + std::to_string(done) + "/" + std::to_string(total) + " runs" + rate + eta;
}

void SweepProgress::update(size_t done, size_t total)
{
  if (style_ == Style::NONE)
    return;
  const double now = now_s_();
  if (start_s_ < 0)
    start_s_ = last_s_ = now;
  done_ = done;
  total_ = total;
  // A log gets a line every interval; a terminal is redrawn ten times a second at most.
  if (done == 0 || now - last_s_ < (style_ == Style::LINES ? interval_s_ : 0.1))
    return;
  last_s_ = now;
  draw();
}

void SweepProgress::draw()
{
  printed_ = done_;
  if (style_ == Style::LINES) {
    out_ << text(done_, total_) << "\n" << std::flush;
    return;
  }
  constexpr size_t WIDTH = 24;
  const size_t filled = total_ ? WIDTH * done_ / total_ : WIDTH;
  out_ << "\r[" << std::string(filled, '#') << std::string(WIDTH - filled, '.') << "] " << text(done_, total_)
       << "\x1b[K" << std::flush;
}

void SweepProgress::finish()
{
  if (style_ == Style::NONE || total_ == 0)
    return;
  if (printed_ != done_)
    draw();
  if (style_ == Style::BAR)
    out_ << "\n" << std::flush;
}

} // namespace orchsim::analysis
