#pragma once
// What a sweep keeps while it streams candidates (SPEC §5): the exact top-K in a bounded heap
// and a binned profile of the loss along every parameter axis. Both take memory independent
// of the number of candidates, and both give the same result however the stream is chunked.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "host/sweep/loss_sum.hpp"

namespace mmm {

/// One evaluated candidate of a sweep.
struct SweepCandidate {
  std::uint64_t index = 0;  ///< position in the design
  double loss = 0.0;
  double r2 = 0.0;
  std::vector<double> params;  ///< 3C: (θ, α, γ) per channel, γ in spend units
  std::vector<double> coef;    ///< C: media coefficients in column units
};

/// True when a ranks before b: lower loss, ties broken by the lower design index.
inline bool ranks_before(double loss_a, std::uint64_t index_a, double loss_b,
                         std::uint64_t index_b) {
  return loss_a < loss_b || (loss_a == loss_b && index_a < index_b);
}

/// The K best candidates seen so far (a max-heap on (loss, index)).
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) {}
  /// Whether a candidate with this loss and index would enter the top K now.
  bool accepts(double loss, std::uint64_t index) const;
  /// Inserts a candidate (callers check accepts() first to avoid building one needlessly).
  void push(SweepCandidate candidate);
  /// Offers every candidate of another top-K (a rank's): the result is the top K of the union.
  void merge(const TopK& other);
  /// The kept candidates, best first.
  std::vector<SweepCandidate> sorted() const;
  std::size_t size() const { return heap_.size(); }
  std::size_t capacity() const { return k_; }

 private:
  std::size_t k_;
  std::vector<SweepCandidate> heap_;
};

/// Per channel and parameter (θ, α, γ), `bins` equal bins of the parameter's search range:
/// count, minimum and sum of the losses of the candidates that fell in each. The minimum per
/// bin is the loss profile along that axis. Every part is independent of the order in which
/// candidates are added (the sum is a LossSum), so summaries of disjoint sets of candidates
/// merge into exactly the summary of their union.
struct SweepSummary {
  int channels = 0;
  int bins = 20;
  std::vector<std::int64_t> count;  ///< [(c·3 + k)·bins + b]
  std::vector<double> min_loss;     ///< +inf where count is 0
  std::vector<LossSum> sum_loss;

  SweepSummary() = default;
  SweepSummary(int channels, int bins);
  /// Adds a candidate whose design point (3C values in (0, 1)) is `unit`.
  void add(const double* unit, double loss);
  /// Adds another summary of the same shape (the candidates of another chunk or rank).
  void merge(const SweepSummary& other);
};

}  // namespace mmm
