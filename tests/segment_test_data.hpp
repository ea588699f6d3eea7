#pragma once
// Small segmented data sets for the segment tests: S segments of weekly rows with known
// structure, built in memory (no CSV).

#include <Eigen/Dense>
#include <random>
#include <string>
#include <vector>

#include "host/data/date.hpp"
#include "host/data/segmented_loader.hpp"
#include "host/segments/pooled_ridge.hpp"

namespace mmm::test {

/// S random Gram blocks of p columns from T rows each, y = X · truth · (1 + 0.2 s)
/// plus noise, columns scaled up with s (for the pooled-solve tests).
inline std::vector<SegmentGram> random_blocks(int S, int p, int T, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<SegmentGram> out;
  const Eigen::VectorXd truth = Eigen::VectorXd::LinSpaced(p, -1.0, 2.0);
  for (int s = 0; s < S; ++s) {
    Eigen::MatrixXd X(T, p);
    Eigen::VectorXd y(T);
    for (int t = 0; t < T; ++t) {
      for (int j = 0; j < p; ++j) X(t, j) = z(rng) * (1.0 + 0.3 * s);
    }
    for (int t = 0; t < T; ++t) y[t] = X.row(t).dot(truth) * (1.0 + 0.2 * s) + z(rng);
    out.push_back({X.transpose() * X, X.transpose() * y, y.squaredNorm(), double(T)});
  }
  return out;
}

constexpr int kWeeks = 60;  ///< rows per segment of make_segments

/// T Monday dates a week apart from 2022-01-03.
inline std::vector<Date> weekly_dates(int T) {
  std::vector<Date> d;
  const Date start = *parse_iso_date("2022-01-03");
  for (int t = 0; t < T; ++t)
    d.push_back(Date::from_days_since_epoch(start.days_since_epoch() + 7 * t));
  return d;
}

/// S segments G0, G1, … of kWeeks rows with two channels (tv, search) and a KPI linear in
/// spend with segment-specific slopes; `shared_spend` gives every segment the same spend (and
/// so the same design).
inline SegmentedData make_segments(int S, bool shared_spend, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  SegmentedData data;
  data.columns = {"geo"};
  Eigen::MatrixXd common(kWeeks, 2);
  for (int t = 0; t < kWeeks; ++t) common.row(t) << 1000 * u(rng), 400 * u(rng);
  for (int s = 0; s < S; ++s) {
    Dataset d;
    d.source = "test";
    d.dates = weekly_dates(kWeeks);
    d.channels = {"tv", "search"};
    d.spend = common;
    if (!shared_spend) {
      for (int t = 0; t < kWeeks; ++t) d.spend.row(t) << 1000 * u(rng) * (1 + s), 400 * u(rng);
    }
    d.control_values.resize(kWeeks, 0);
    d.kpi.resize(kWeeks);
    for (int t = 0; t < kWeeks; ++t) {
      d.kpi[t] =
          5000 + 200 * s + (2 + 0.3 * s) * d.spend(t, 0) + 1.5 * d.spend(t, 1) + 300 * u(rng);
    }
    data.names.push_back("G" + std::to_string(s));
    data.values.push_back({data.names.back()});
    data.segments.push_back(d);
  }
  return data;
}

}  // namespace mmm::test
