#include "host/bootstrap/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "host/bootstrap/resample_sharing.hpp"
#include "host/common/errors.hpp"
#include "host/common/resampling.hpp"

namespace mmm {

double percentile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

void check_bootstrap_options(int resamples, double ci) {
  if (resamples < 0) {
    throw InputError("invalid --bootstrap " + std::to_string(resamples) +
                     ": expected ≥ 0 resamples (0 skips the bootstrap)");
  }
  if (!(ci > 0.0 && ci < 1.0)) {
    throw InputError("invalid --ci " + std::to_string(ci) +
                     ": expected a level strictly between 0 and 1, e.g. 0.90");
  }
}

void check_block_length(int block_length, int rows) {
  if (block_length < 1 || block_length > rows / 2) {
    throw InputError("invalid --block-length " + std::to_string(block_length) + ": expected 1 to " +
                     std::to_string(rows / 2) + " rows (half of the " + std::to_string(rows) +
                     " rows; 1: i.i.d. resampling)");
  }
}

void record_resample(const ModelData& data, const double* weights, const BatchResult& fits, int i,
                     int b, BootstrapReport& report) {
  if (!std::isfinite(fits.loss[i])) {
    ++report.failed;
    return;
  }
  const int T = data.rows(), C = data.channels(), p = fits.parameters;
  if (report.all_coef.rows() != report.coef.rows() || report.all_coef.cols() != p) {
    report.all_coef.setConstant(report.coef.rows(), p, std::numeric_limits<double>::quiet_NaN());
    report.intercept.setConstant(report.coef.rows(), std::numeric_limits<double>::quiet_NaN());
  }
  for (int j = 0; j < p; ++j) report.all_coef(b, j) = fits.coef[static_cast<size_t>(i) * p + j];
  report.intercept[b] = fits.intercept[static_cast<size_t>(i)];
  Eigen::Map<const Eigen::VectorXd> w(weights, T);
  const double rows = w.sum();
  for (int c = 0; c < C; ++c) {
    const double coef = fits.coef[static_cast<size_t>(i) * p + c];
    const double sum_h = rows * fits.mean[static_cast<size_t>(i) * p + c];
    const double sum_x = w.dot(data.spend.col(c));
    report.coef(b, c) = coef;
    report.roi(b, c) = sum_x > 0 ? coef * sum_h / sum_x : std::numeric_limits<double>::quiet_NaN();
  }
}

void finish_intervals(double ci, BootstrapReport& report) {
  const int B = static_cast<int>(report.coef.rows()), C = static_cast<int>(report.coef.cols());
  const double lo_q = (1.0 - ci) / 2.0, hi_q = 1.0 - lo_q;
  for (int c = 0; c < C; ++c) {
    std::vector<double> coefs(report.coef.col(c).data(), report.coef.col(c).data() + B);
    std::vector<double> rois(report.roi.col(c).data(), report.roi.col(c).data() + B);
    report.coef_lower.push_back(percentile(coefs, lo_q));
    report.coef_upper.push_back(percentile(coefs, hi_q));
    report.roi_lower.push_back(percentile(rois, lo_q));
    report.roi_upper.push_back(percentile(rois, hi_q));
  }
}

BootstrapReport bootstrap_intervals(const ModelData& data, const std::vector<double>& hyper3c,
                                    const BootstrapOptions& options, Evaluator& evaluator,
                                    const std::function<void(int)>& progress,
                                    const Communicator& comm) {
  check_bootstrap_options(options.resamples, options.ci);
  const int T = data.rows(), C = data.channels();
  check_block_length(options.block_length, T);
  const int B = options.resamples;
  const int stride = 3 * C;
  BootstrapReport report;
  report.resamples = B;
  report.coef.setConstant(B, C, std::numeric_limits<double>::quiet_NaN());
  report.roi.setConstant(B, C, std::numeric_limits<double>::quiet_NaN());
  const int chunk = std::max(1, std::min(options.chunk, B));
  std::vector<double> params, weights;
  std::vector<std::uint32_t> index;
  BatchResult fits;
  ResampledRows rows;
  rows.seed = options.seed;
  rows.block_length = options.block_length;
  const IndexRange mine = rank_range(static_cast<std::uint64_t>(B), comm.size(), comm.rank());
  const int begin = static_cast<int>(mine.begin), end = static_cast<int>(mine.end);
  for (int first = begin; first < end; first += chunk) {
    const int n = std::min(chunk, end - first);
    params.resize(static_cast<size_t>(n) * stride);
    weights.resize(static_cast<size_t>(n) * T);
    index.resize(n);
    for (int i = 0; i < n; ++i) {
      std::copy(hyper3c.begin(), hyper3c.end(), params.begin() + static_cast<size_t>(i) * stride);
      index[i] = static_cast<std::uint32_t>(first + i);
      // The same counts the backend draws: the ROI below needs them on the host too.
      resample_block_counts(options.seed, index[i], static_cast<std::uint32_t>(T),
                            static_cast<std::uint32_t>(options.block_length),
                            &weights[static_cast<size_t>(i) * T]);
    }
    rows.index = index.data();
    // The backend draws each resample's weights itself (a device backend from one integer).
    evaluator.evaluate(CandidateBatch{n, C, params.data()}, RowWeights{n, nullptr, &rows}, fits);
    for (int i = 0; i < n; ++i) {
      record_resample(data, &weights[static_cast<size_t>(i) * T], fits, i, first + i, report);
    }
    if (progress) progress(first + n - begin);
  }
  share_resamples(comm, mine, report);
  finish_intervals(options.ci, report);
  return report;
}

}  // namespace mmm
