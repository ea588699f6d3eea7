#include "host/pipeline/fit_transforms.hpp"

#include <cmath>
#include <limits>

#include "host/backend/device.hpp"
#include "host/io/csv_writer.hpp"
#include "host/pipeline/fit_search.hpp"
#include "host/search/pareto.hpp"
#include "host/search/trials.hpp"
#include "host/validation/lambda_selection.hpp"
#include "host/validation/saturation_selection.hpp"
#include "host/validation/time_series_cv.hpp"

namespace mmm {
namespace {

/// Every trial's best candidate refitted on all rows (one backend call), its ROI per channel
/// and, for --select cv, its rolling-CV MAPE; then the chosen trial.
void summarize_trials(const FitOptions& o, const SearchSpace& space,
                      const std::vector<SearchResult>& results, Evaluator& evaluator,
                      FitReport& r) {
  const int C = r.model.channels(), n = static_cast<int>(results.size());
  std::vector<double> u;
  for (const auto& s : results) u.insert(u.end(), s.best.begin(), s.best.end());
  std::vector<double> params;
  space.decode_batch(u.data(), n, params);
  BatchResult fits;
  evaluator.evaluate(CandidateBatch{n, C, params.data()}, RowWeights{}, fits);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.trials.clear();
  r.search_evaluations = 0;
  for (int t = 0; t < n; ++t) {
    TrialSummary s;
    s.seed = trial_seed(o.seed, t);
    s.loss = results[t].best_loss;
    s.r2 = fits.r2[t];
    s.hyper3c.assign(params.begin() + static_cast<std::ptrdiff_t>(t) * 3 * C,
                     params.begin() + static_cast<std::ptrdiff_t>(t + 1) * 3 * C);
    const Eigen::MatrixXd h = transform_media(r.model.spend, s.hyper3c.data(), r.model.saturation);
    for (int c = 0; c < C; ++c) {
      const double spend = r.model.spend.col(c).sum();
      s.roi.push_back(spend > 0 ? fits.coef[static_cast<size_t>(t) * fits.parameters + c] *
                                      h.col(c).sum() / spend
                                : nan);
    }
    s.cv_mape = nan;
    if (o.select == "cv" && n > 1) {
      const CvReport cv = cross_validate(r.model, s.hyper3c, o.cv, evaluator);
      if (!cv.skipped) s.cv_mape = cv.mean.mape;
    }
    r.search_evaluations += results[t].evaluations;
    r.trials.push_back(std::move(s));
  }
  r.chosen_trial = 0;
  for (int t = 1; t < n; ++t) {
    const TrialSummary &a = r.trials[t], &best = r.trials[r.chosen_trial];
    const bool by_cv = std::isfinite(a.cv_mape) && std::isfinite(best.cv_mape);
    if (by_cv ? a.cv_mape < best.cv_mape : a.loss < best.loss) r.chosen_trial = t;
  }
  r.search = results[r.chosen_trial];
}

/// What --ridge-lambda auto and --saturation auto share: every candidate model searched in
/// full (choose_transforms), and only the fit being made and the best so far held, not a
/// report per candidate. The best one's backend runs the rest of the fit (final fit, CV,
/// bootstrap): a backend keeps no state between calls, so it gives the same numbers as one
/// built anew for that model.
class BestFitKeeper {
 public:
  BestFitKeeper(const FitOptions& o, const SearchSpace& space, const std::vector<double>& seeds,
                const FitReport& r)
      : o_(o), space_(space), seeds_(seeds), r_(r) {}

  EvaluatorFactory backends() const {
    return [this](const ModelData& m) {
      return make_evaluator(parse_device(o_.device), m, o_.threads, nullptr);
    };
  }
  /// Searches a candidate's model (its λ, its shapes) into the fit being made.
  FitCandidate fit() {
    return [this](const ModelData& m, Evaluator& backend) {
      fitting_ = r_;
      fitting_.model = m;
      SearchSpace with = space_;
      with.saturation = m.saturation;
      choose_transforms(o_, with, seeds_, backend, fitting_);
      return fitting_.hyper3c;
    };
  }
  KeepBest keep_best() {
    return [this](std::unique_ptr<Evaluator> backend) {
      best_ = std::move(fitting_);
      backend_ = std::move(backend);
    };
  }
  /// The chosen fit into r and its backend into `evaluator`.
  void take(FitReport& r, std::unique_ptr<Evaluator>& evaluator) {
    r = std::move(best_);
    evaluator = std::move(backend_);
  }

 private:
  const FitOptions& o_;
  const SearchSpace& space_;
  const std::vector<double>& seeds_;
  const FitReport& r_;
  FitReport fitting_, best_;
  std::unique_ptr<Evaluator> backend_;
};

}  // namespace

void choose_transforms(const FitOptions& o, const SearchSpace& space,
                       const std::vector<double>& seeds, Evaluator& evaluator, FitReport& r) {
  const int C = r.model.channels();
  if (o.hyperparameters_path.empty()) {
    r.searched = true;
    r.pareto.clear();
    r.hyperparameters.channels.clear();
    const bool pareto = o.objective == "pareto";
    summarize_trials(
        o, space,
        search_hyperparameters(o, space, r.model, evaluator, seeds, pareto ? &r.pareto : nullptr),
        evaluator, r);
    r.hyperparameters.ridge_lambda = r.model.ridge_lambda;
    r.pareto_front = pareto_front(r.pareto);
    r.pareto_chosen = choose_on_front(r.pareto, r.pareto_front);
    if (pareto && r.pareto_chosen >= 0) {
      // The model on the front, not the search's lowest loss (search_trace.csv still shows
      // the search itself).
      const ParetoPoint& chosen = r.pareto[static_cast<size_t>(r.pareto_chosen)];
      const std::vector<double>& h = chosen.hyper3c;
      for (int c = 0; c < C; ++c)
        r.hyperparameters.channels.push_back(
            {h[3 * c], h[3 * c + 1], h[3 * c + 2], space.shape(c)});
      // The search's result is the chosen model: its coordinates (the box-edge check reads
      // them) and its loss.
      space.encode(r.hyperparameters.channels, r.search.best.data());
      r.search.best_loss = chosen.loss;
    } else {
      for (int c = 0; c < C; ++c)
        r.hyperparameters.channels.push_back(space.decode(r.search.best.data(), c));
    }
  }
  r.hyper3c.clear();
  for (const auto& h : r.hyperparameters.channels)
    r.hyper3c.insert(r.hyper3c.end(), {h.theta, h.alpha, h.gamma});
}

bool choose_lambda(const FitOptions& o, const SearchSpace& space, const std::vector<double>& seeds,
                   std::unique_ptr<Evaluator>& evaluator, FitReport& r) {
  BestFitKeeper keeper(o, space, seeds, r);
  const LambdaSelection selection = select_lambda(r.model, o.lambda_grid, o.cv, keeper.backends(),
                                                  keeper.fit(), keeper.keep_best());
  if (selection.best < 0) {
    r.notices.push_back(selection.skipped
                            ? "--ridge-lambda auto: too few rows for one rolling-CV fold; λ = " +
                                  format_number(r.model.ridge_lambda) + " is used"
                            : "--ridge-lambda auto: no λ of the grid gave a finite CV loss; λ = " +
                                  format_number(r.model.ridge_lambda) + " is used");
    return false;
  }
  keeper.take(r, evaluator);
  r.lambda_selection = selection;
  return true;
}

bool choose_saturation(const FitOptions& o, SearchSpace& space, const std::vector<double>& seeds,
                       std::unique_ptr<Evaluator>& evaluator, FitReport& r) {
  const std::vector<SaturationShape> given = media_saturation(o, r.data.channels);
  BestFitKeeper keeper(o, space, seeds, r);
  const SaturationSelection selection = select_saturation(
      r.model, {SaturationShape::Hill, SaturationShape::Logistic},
      [&](SaturationShape shape) {
        std::vector<SaturationShape> shapes(r.data.channels.size(), shape);
        for (size_t c = 0; c < shapes.size(); ++c) {
          if (o.channel_saturation.count(r.data.channels[c])) shapes[c] = given[c];
        }
        return shapes;
      },
      o.cv, keeper.backends(), keeper.fit(), keeper.keep_best());
  if (selection.best < 0) {
    r.notices.push_back(selection.skipped
                            ? "--saturation auto: too few rows for one rolling-CV fold; hill is "
                              "used"
                            : "--saturation auto: neither shape gave a finite CV loss; hill is "
                              "used");
    return false;
  }
  keeper.take(r, evaluator);
  r.saturation_selection = selection;
  space.saturation = r.model.saturation;
  return true;
}

}  // namespace mmm
