// `mmm predict`: a spend plan for the fitted market or the fitted segments (`--plan`), or a
// market that was not in the data from a segmented model's global coefficients
// (`--new-segment`), with bootstrap intervals (docs/scenarios.md).

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/data/csv_table.hpp"
#include "host/io/committed_folder.hpp"
#include "host/io/json_file.hpp"
#include "host/io/model_json.hpp"
#include "host/io/output_dir.hpp"
#include "host/io/output_files.hpp"
#include "host/outputs/scenario_tables.hpp"
#include "host/scenarios/model_plan.hpp"
#include "host/segments/new_segment.hpp"

namespace mmm::cli {

namespace {

struct PredictFlags {
  std::string model, data, plan, out;
  double ci = 0.90;
  bool new_segment = false, quiet = false;
};

int predict_new_segment_command(const PredictFlags& f) {
  if (f.data.empty()) throw InputError("mmm predict --new-segment needs --data (the market's CSV)");
  std::vector<std::string> notices;
  const nlohmann::json model = read_committed_json(f.model, "model file", notices);
  OutputDir out(f.out, predict_output_files());
  const NewSegmentPrediction p = predict_new_segment(model, f.model, f.data, f.ci);
  out.add("predictions.csv", prediction_csv(p));
  out.commit();
  if (!f.quiet) {
    for (const std::string& n : notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
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
    std::printf("wrote %s (predictions.csv)\n", f.out.c_str());
  }
  return 0;
}

void print_single_market_plan(const PlanPrediction& p, const std::string& period) {
  const Eigen::Index N = p.kpi.size();
  const char* unit = period.c_str();
  std::printf("plan: %lld %ss (%s … %s), adstock carried over from %d fitted %ss\n",
              static_cast<long long>(N), unit, p.dates.front().to_string().c_str(),
              p.dates.back().to_string().c_str(), p.carried_weeks, unit);
  std::printf("predicted KPI: total %.6g, mean %.6g per %s (baseline %.6g per %s)\n", p.kpi.sum(),
              p.kpi.mean(), unit, p.baseline.mean(), unit);
  std::printf(
      "  coefficient band (%.0f%%, %d bootstrap draws; the model's uncertainty about "
      "its mean, not a forecast range): mean [%.6g, %.6g] per %s\n",
      100 * p.ci, p.draws, p.coef_lower.mean(), p.coef_upper.mean(), unit);
  std::printf(
      "  prediction interval (%.0f%%, the band plus residual noise, sd %.6g: where a "
      "%s's KPI is expected to land): mean [%.6g, %.6g] per %s\n",
      100 * p.ci, p.residual_sd, unit, p.pred_lower.mean(), p.pred_upper.mean(), unit);
  std::printf("%-20s %14s %14s %25s\n", "channel", "spend", "contribution", "band");
  for (size_t c = 0; c < p.channels.size(); ++c) {
    const Eigen::Index ci = static_cast<Eigen::Index>(c);
    char band[64];
    std::snprintf(band, sizeof band, "[%.6g, %.6g]", p.contribution_lower.col(ci).sum(),
                  p.contribution_upper.col(ci).sum());
    std::printf("%-20s %14.6g %14.6g %25s\n", p.channels[c].c_str(), p.spend.col(ci).sum(),
                p.contribution.col(ci).sum(), band);
  }
}

void print_segmented_plan(const ModelPlanPrediction& m) {
  const char* unit = m.period.c_str();
  const PlanPrediction& first = m.parts.front().prediction;
  double total = 0.0;
  for (const SegmentPlanPrediction& s : m.parts) total += s.prediction.kpi.sum();
  std::printf(
      "plan: %zu segments; each segment's adstock carried over from its own fitted %ss; "
      "predicted KPI over all of them %.6g\n",
      m.parts.size(), unit, total);
  std::printf(
      "  per %s: the coefficient band (%.0f%%, the model's uncertainty about its mean) and the "
      "prediction interval (the band plus the segment's residual noise), each the mean of its "
      "%ss' ends\n",
      unit, 100 * first.ci, unit);
  std::printf("%-24s %6s %-23s %14s %14s %27s %27s\n", "segment", (m.period + "s").c_str(),
              "first … last", "total KPI", "mean KPI", "coefficient band", "prediction interval");
  for (const SegmentPlanPrediction& s : m.parts) {
    const PlanPrediction& p = s.prediction;
    char span[48], band[64], pred[64];
    std::snprintf(span, sizeof span, "%s … %s", p.dates.front().to_string().c_str(),
                  p.dates.back().to_string().c_str());
    std::snprintf(band, sizeof band, "[%.6g, %.6g]", p.coef_lower.mean(), p.coef_upper.mean());
    std::snprintf(pred, sizeof pred, "[%.6g, %.6g]", p.pred_lower.mean(), p.pred_upper.mean());
    std::printf("%-24s %6lld %-23s %14.6g %14.6g %27s %27s\n", s.segment.c_str(),
                static_cast<long long>(p.kpi.size()), span, p.kpi.sum(), p.kpi.mean(), band, pred);
  }
}

int predict_plan_command(const PredictFlags& f) {
  std::vector<std::string> notices;
  const nlohmann::json json = read_committed_json(f.model, "model file", notices);
  OutputDir out(f.out, predict_output_files());
  const ModelPlanPrediction m = predict_model_plan(json, f.model, read_csv_file(f.plan), f.ci);
  out.add("plan_predictions.csv", plan_predictions_csv(m));
  out.commit();
  if (!f.quiet) {
    for (const std::string& n : notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
    for (const std::string& n : m.notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
    if (m.segmented) {
      print_segmented_plan(m);
    } else {
      print_single_market_plan(m.parts.front().prediction, m.period);
    }
    std::printf("wrote %s (plan_predictions.csv)\n", f.out.c_str());
  }
  return 0;
}

}  // namespace

Runner add_predict_command(CLI::App& app) {
  auto f = std::make_shared<PredictFlags>();
  app.add_option("--model", f->model, "model.json of a fit")->required();
  app.add_option("--plan", f->plan,
                 "spend plan CSV, a row per period (date, one column per channel, controls "
                 "optional; a segmented model's plan also has its segment columns, a row per "
                 "period and segment)");
  app.add_option("--data", f->data,
                 "--new-segment: wide CSV of the market: date, spend, controls, KPI optional");
  app.add_flag("--new-segment", f->new_segment,
               "the market is not one of a segmented model's segments: use the global "
               "coefficients");
  app.add_option("--out", f->out, "output folder")->required();
  app.add_option("--ci", f->ci, "interval level (default 0.90)");
  app.add_flag("--quiet", f->quiet, "do not print the summary");
  return [f] {
    if (f->new_segment == !f->plan.empty()) {
      throw InputError(
          "mmm predict: pass exactly one of --plan PLAN.csv (a spend plan for the "
          "fitted market or segments) and --new-segment --data DATA.csv (a market not in a "
          "segmented model's data)");
    }
    return f->new_segment ? predict_new_segment_command(*f) : predict_plan_command(*f);
  };
}

}  // namespace mmm::cli
