#include "host/outputs/sweep_outputs.hpp"

#include <cmath>
#include <limits>

#include "host/io/csv_writer.hpp"
#include "host/io/sweep_files.hpp"

namespace mmm {
namespace {

constexpr const char* kParameterNames[3] = {"theta", "alpha", "gamma"};

std::string top_csv(const SweepReport& r) {
  const auto& ch = r.data.channels;
  std::vector<std::string> header = {"rank", "index", "loss", "r2"};
  for (const auto& c : ch) {
    for (const char* p : kParameterNames) header.push_back(c + "_" + p);
  }
  for (const auto& c : ch) header.push_back(c + "_coef");
  CsvWriter w(header);
  long rank = 1;
  for (const SweepCandidate& cand : r.top) {
    w.cell(rank++).cell(std::to_string(cand.index)).cell(cand.loss).cell(cand.r2);
    for (double v : cand.params) w.cell(v);
    for (double v : cand.coef) w.cell(v);
    w.end_row();
  }
  return w.text();
}

std::string summary_csv(const SweepReport& r) {
  CsvWriter w({"channel", "parameter", "bin", "lo", "hi", "count", "min_loss", "mean_loss"});
  const SweepSummary& s = r.summary;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int c = 0; c < s.channels; ++c) {
    const ChannelBounds& b = r.space.bounds[c];
    const Interval axes[3] = {b.theta, b.alpha, b.gamma_fraction};
    // γ's axis is the encoding's: spend units for the reference box; for the default box the
    // position g = γ / max adstocked spend (γ in spend units depends on θ there), whose design
    // coordinate is log-scaled (SearchSpace::decode_unit), so its bin edges are too.
    const bool position = r.space.gamma_encoding == GammaEncoding::AdstockedMax;
    const double unit[3] = {1.0, 1.0, position ? 1.0 : r.space.max_spend[c]};
    for (int k = 0; k < 3; ++k) {
      const double lo = axes[k].lo * unit[k], hi = axes[k].hi * unit[k];
      const bool log_axis = k == 2 && r.space.gamma_log_scale(c);
      auto edge = [&](int bin) {
        const double f = static_cast<double>(bin) / s.bins;
        return log_axis ? lo * std::pow(hi / lo, f) : lo + (hi - lo) * f;
      };
      for (int bin = 0; bin < s.bins; ++bin) {
        const size_t at = (static_cast<size_t>(c) * 3 + k) * s.bins + bin;
        const std::int64_t n = s.count[at];
        w.cell(r.data.channels[c]).cell(k == 2 && position ? "gamma_position" : kParameterNames[k]);
        w.cell(bin);
        w.cell(edge(bin)).cell(edge(bin + 1));
        w.cell(static_cast<long>(n));
        w.cell(n > 0 ? s.min_loss[at] : nan).cell(n > 0 ? s.sum_loss[at].value() / n : nan);
        w.end_row();
      }
    }
  }
  return w.text();
}

}  // namespace

void write_sweep_outputs(const SweepReport& r, OutputDir& out) {
  out.add("sweep_top.csv", top_csv(r));
  out.add("sweep_summary.csv", summary_csv(r));
  const SweepStateRun run{r.options.data_path, r.model.rows(), r.complete(), r.backend};
  out.add("sweep_state.json", sweep_state_json(r.checkpoint, run).dump(2) + "\n");
}

nlohmann::json sweep_summary_json(const SweepReport& r, const std::string& out_dir) {
  const double per_s =
      r.seconds > 0 ? static_cast<double>(r.next_index - r.start_index) / r.seconds : 0.0;
  nlohmann::json best = nullptr, best_index = nullptr;
  if (!r.top.empty()) {
    best = r.top.front().loss;
    best_index = r.top.front().index;
  }
  return {{"design", r.checkpoint.design},
          {"seed", r.checkpoint.seed},
          {"n", r.checkpoint.n},
          {"evaluated", r.next_index - r.start_index},
          {"next_index", r.next_index},
          {"complete", r.complete()},
          {"failed", r.failed},
          {"best_loss", best},
          {"best_index", best_index},
          {"top", r.top.size()},
          {"seconds", r.seconds},
          {"candidates_per_second", per_s},
          {"backend", r.backend},
          {"channels", r.model.channels()},
          {"rows", r.model.rows()},
          {"out", out_dir}};
}

}  // namespace mmm
