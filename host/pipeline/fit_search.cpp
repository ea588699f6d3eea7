#include "host/pipeline/fit_search.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>

#include "host/common/progress.hpp"
#include "host/search/pareto_sharing.hpp"
#include "host/search/trials.hpp"
#include "host/validation/cv_objective.hpp"

namespace mmm {

SearchResult search_with_progress(const FitOptions& o, int dimension,
                                  const BatchObjective& objective, const std::vector<double>& seeds,
                                  const std::vector<char>& searched) {
  DeOptions de;
  de.searched = searched;
  de.budget = o.budget;
  de.population = o.population;
  de.seed = o.seed;
  de.calls_per_generation = calls_per_generation_for(o.population);
  ProgressBar bar("search", o.budget, !o.quiet && ProgressBar::stderr_is_terminal());
  SearchResult r =
      differential_evolution(dimension, de, objective, seeds, [&](const SearchTracePoint& p) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "best loss %.6g", p.best_loss);
        bar.update(p.evaluations, buf);
      });
  bar.finish();
  return r;
}

std::vector<SearchResult> search_hyperparameters(const FitOptions& o, const SearchSpace& space,
                                                 const ModelData& model, Evaluator& evaluator,
                                                 const std::vector<double>& seeds,
                                                 std::vector<ParetoPoint>* record) {
  const int C = model.channels();
  std::vector<double> params;
  BatchResult batch;
  // --objective pareto: every evaluated candidate's NRMSE and DECOMP.RSSD, for the front.
  const double kpi_variance = (model.y.array() - model.y.mean()).square().mean();
  const double kpi_range = model.y.maxCoeff() - model.y.minCoeff();
  std::vector<double> spend_share(static_cast<size_t>(C), 0.0);
  const double spend_total = model.spend.sum();
  for (int c = 0; c < C; ++c)
    spend_share[c] = spend_total > 0 ? model.spend.col(c).sum() / spend_total : 0.0;
  // --objective cv: each candidate's out-of-sample error over the rolling folds instead of its
  // in-sample loss (the folds' fits go through the same evaluator).
  std::unique_ptr<CvObjective> cv;
  if (o.objective == "cv") cv = std::make_unique<CvObjective>(model, o.cv, evaluator);
  // Which objective call recorded each Pareto point (from `first_recorded` on), for the merge
  // of a job's records (pareto_sharing.hpp).
  const size_t first_recorded = record != nullptr ? record->size() : 0;
  std::vector<long> record_calls;
  long call = -1;
  BatchObjective objective = [&](const std::vector<double>& u, int n, std::vector<double>& loss) {
    ++call;
    space.decode_batch(u.data(), n, params);
    if (cv) {
      cv->evaluate(params.data(), n, loss);
      return;
    }
    CandidateBatch candidates{n, C, params.data()};
    // The search reads only the losses, unless the Pareto front wants R² and coefficients.
    candidates.losses_only = record == nullptr;
    evaluator.evaluate(candidates, RowWeights{}, batch);
    loss.assign(batch.loss.begin(), batch.loss.begin() + n);
    if (record == nullptr) return;
    for (int i = 0; i < n; ++i) {
      if (!std::isfinite(batch.loss[i])) continue;
      const size_t off = static_cast<size_t>(i) * batch.parameters;
      ParetoPoint p;
      p.nrmse = nrmse_from_r2(batch.r2[i], kpi_variance, kpi_range);
      p.decomp_rssd = decomp_rssd(batch.coef.data() + off, batch.mean.data() + off, spend_share);
      p.loss = batch.loss[i];
      p.hyper3c.assign(params.begin() + static_cast<std::ptrdiff_t>(i) * 3 * C,
                       params.begin() + static_cast<std::ptrdiff_t>(i + 1) * 3 * C);
      record->push_back(std::move(p));
      record_calls.push_back(call);
    }
  };
  if (o.trials <= 1) {
    return {
        search_with_progress(o, space.dimension(), objective, seeds, space.searched_coordinates())};
  }
  DeOptions de;
  de.searched = space.searched_coordinates();
  de.budget = o.budget;
  de.population = o.population;
  de.seed = o.seed;
  de.calls_per_generation = calls_per_generation_for(o.population);
  ProgressBar bar("search (" + std::to_string(o.trials) + " trials)", o.budget * o.trials,
                  !o.quiet && ProgressBar::stderr_is_terminal());
  // The trials are divided among a job's ranks; under --objective pareto every rank then
  // receives the others' records, merged into one process's evaluation order.
  const Communicator& comm = o.communicator != nullptr ? *o.communicator : single_process();
  auto results = run_trials(
      space.dimension(), de, o.trials, objective, seeds,
      [&](const SearchTracePoint& p) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "best loss %.6g", p.best_loss);
        bar.update(p.evaluations, buf);
      },
      comm);
  bar.finish();
  if (record != nullptr && comm.size() > 1) {
    std::vector<ParetoPoint> mine(
        std::make_move_iterator(record->begin() + static_cast<std::ptrdiff_t>(first_recorded)),
        std::make_move_iterator(record->end()));
    record->resize(first_recorded);
    for (ParetoPoint& p : share_pareto_record(comm, mine, record_calls))
      record->push_back(std::move(p));
  }
  return results;
}

}  // namespace mmm
