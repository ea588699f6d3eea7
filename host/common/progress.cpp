#include "host/common/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "host/common/cancellation.hpp"

namespace mmm {

bool ProgressBar::stderr_is_terminal() { return isatty(fileno(stderr)) != 0; }

ProgressBar::ProgressBar(std::string label, long total, bool enabled)
    : label_(std::move(label)),
      total_(total > 0 ? total : 1),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {
  throw_if_cancelled();
}

ProgressBar::~ProgressBar() {
  if (enabled_ && !finished_) std::fputc('\n', stderr);
}

void ProgressBar::update(long done, const std::string& detail) {
  throw_if_cancelled();  // every long loop reports progress: where a run can stop
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  draw(done, detail);
}

void ProgressBar::finish(const std::string& detail) {
  if (!enabled_ || finished_) return;
  draw(total_, detail);
  std::fputc('\n', stderr);
  finished_ = true;
}

void ProgressBar::draw(long done, const std::string& detail) {
  constexpr int kWidth = 28;
  const double frac = done >= total_ ? 1.0 : static_cast<double>(done) / total_;
  const int filled = static_cast<int>(frac * kWidth);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = frac > 0 ? secs * (1.0 - frac) / frac : 0.0;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r%-10s [%s] %3.0f%% %.1fs eta %.1fs %s\x1b[K", label_.c_str(), bar.c_str(),
               100.0 * frac, secs, eta, detail.c_str());
  std::fflush(stderr);
}

}  // namespace mmm
