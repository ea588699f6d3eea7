// `mmm predict --new-segment`: a market that was not in the data, from a segmented model's
// global coefficients, with bootstrap intervals.

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/io/json_file.hpp"
#include "host/io/output_dir.hpp"
#include "host/io/output_files.hpp"
#include "host/segments/new_segment.hpp"

namespace mmm::cli {

namespace {

struct PredictFlags {
  std::string model, data, out;
  double ci = 0.90;
  bool new_segment = false, quiet = false;
};

}  // namespace

Runner add_predict_command(CLI::App& app) {
  auto f = std::make_shared<PredictFlags>();
  app.add_option("--model", f->model, "model.json of a segmented fit")->required();
  app.add_option("--data", f->data, "wide CSV of the market: date, spend, controls, KPI optional")
      ->required();
  app.add_flag("--new-segment", f->new_segment,
               "the market is not one of the model's segments: use the global coefficients");
  app.add_option("--out", f->out, "output folder for predictions.csv")->required();
  app.add_option("--ci", f->ci, "interval level (default 0.90)");
  app.add_flag("--quiet", f->quiet, "do not print the summary");
  return [f] {
    if (!f->new_segment) {
      throw InputError(
          "mmm predict: only markets outside the data are predicted so far; pass --new-segment");
    }
    const nlohmann::json model = read_json_file(f->model, "model file");
    OutputDir out(f->out, predict_output_files());
    const NewSegmentPrediction p = predict_new_segment(model, f->model, f->data, f->ci);
    out.add("predictions.csv", prediction_csv(p));
    out.commit();
    if (!f->quiet) {
      std::printf("predict: %zu periods, intercept %.6g (%s), %d bootstrap draws\n", p.dates.size(),
                  p.intercept,
                  p.has_kpi ? "calibrated on the market's KPI" : "mean segment intercept", p.draws);
      std::printf("%-20s %14s %14s %23s\n", "channel", "spend", "contribution", "ROI [CI]");
      for (size_t c = 0; c < p.channels.size(); ++c) {
        char ci[64];
        std::snprintf(ci, sizeof ci, "%.3f [%.3f, %.3f]", p.roi[c], p.roi_lower[c], p.roi_upper[c]);
        std::printf("%-20s %14.6g %14.6g %23s\n", p.channels[c].c_str(), p.spend[c],
                    p.contribution.col(c).sum(), ci);
      }
      std::printf("wrote %s (predictions.csv)\n", f->out.c_str());
    }
    return 0;
  };
}

}  // namespace mmm::cli
