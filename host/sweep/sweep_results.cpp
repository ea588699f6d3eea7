#include "host/sweep/sweep_results.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace mmm {
namespace {

bool heap_less(const SweepCandidate& a, const SweepCandidate& b) {
  return ranks_before(a.loss, a.index, b.loss, b.index);
}

}  // namespace

bool TopK::accepts(double loss, std::uint64_t index) const {
  if (k_ == 0) return false;
  if (heap_.size() < k_) return true;
  const SweepCandidate& worst = heap_.front();
  return ranks_before(loss, index, worst.loss, worst.index);
}

void TopK::push(SweepCandidate candidate) {
  if (!accepts(candidate.loss, candidate.index)) return;
  if (heap_.size() == k_) {
    std::pop_heap(heap_.begin(), heap_.end(), heap_less);
    heap_.back() = std::move(candidate);
  } else {
    heap_.push_back(std::move(candidate));
  }
  std::push_heap(heap_.begin(), heap_.end(), heap_less);
}

void TopK::merge(const TopK& other) {
  for (const auto& c : other.heap_) push(c);
}

std::vector<SweepCandidate> TopK::sorted() const {
  std::vector<SweepCandidate> out = heap_;
  std::sort(out.begin(), out.end(), heap_less);
  return out;
}

SweepSummary::SweepSummary(int channels_in, int bins_in)
    : channels(channels_in),
      bins(bins_in),
      count(static_cast<size_t>(channels_in) * 3 * bins_in, 0),
      min_loss(count.size(), std::numeric_limits<double>::infinity()),
      sum_loss(count.size()) {}

void SweepSummary::add(const double* unit, double loss) {
  const LossSumInt term = LossSum::quantize(loss);
  for (int k = 0; k < 3 * channels; ++k) {
    const int b = std::min(bins - 1, static_cast<int>(unit[k] * bins));
    const size_t at = static_cast<size_t>(k) * bins + static_cast<size_t>(std::max(b, 0));
    ++count[at];
    min_loss[at] = std::min(min_loss[at], loss);
    sum_loss[at].add(term);
  }
}

}  // namespace mmm

namespace mmm {

void SweepSummary::merge(const SweepSummary& other) {
  if (other.channels != channels || other.bins != bins || other.count.size() != count.size()) {
    throw std::invalid_argument("SweepSummary::merge: summaries of different shapes");
  }
  for (size_t i = 0; i < count.size(); ++i) {
    count[i] += other.count[i];
    min_loss[i] = std::min(min_loss[i], other.min_loss[i]);
    sum_loss[i].merge(other.sum_loss[i]);
  }
}

}  // namespace mmm
