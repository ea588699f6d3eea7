#include "host/segments/segment_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "host/allocation/budget_allocator.hpp"
#include "host/common/errors.hpp"
#include "host/common/progress.hpp"
#include "host/common/thread_pool.hpp"
#include "host/curves/response_curves.hpp"
#include "host/diagnostics/significance.hpp"
#include "host/distributed/divided_values.hpp"
#include "host/io/hyperparameters_file.hpp"
#include "host/io/segment_model_file.hpp"
#include "host/pipeline/fit_pipeline.hpp"
#include "host/segments/segment_backend.hpp"
#include "host/segments/segment_figures.hpp"
#include "host/segments/segment_hyper_search.hpp"

namespace mmm {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

void check_filter(const FitOptions& o, const SegmentedData& data) {
  for (const auto& [column, value] : o.segment_filter) {
    bool known = false;
    for (const std::string& c : data.columns) known = known || c == column;
    if (!known) {
      throw InputError("invalid --segment-filter `" + column + "=" + value + "`: `" + column +
                       "` is not a --segments column");
    }
  }
  if (o.segment_filter.empty()) return;
  // A filter that selects nothing would write tables without a single segment row and exit 0.
  for (int s = 0; s < data.count(); ++s) {
    bool match = true;
    for (const auto& [column, value] : o.segment_filter)
      for (size_t k = 0; k < data.columns.size(); ++k)
        match = match && !(data.columns[k] == column && data.values[s][k] != value);
    if (match) return;
  }
  std::string filter;
  for (const auto& [column, value] : o.segment_filter)
    filter += (filter.empty() ? "" : ",") + column + "=" + value;
  throw InputError("invalid --segment-filter `" + filter + "`: it matches none of the " +
                   std::to_string(data.count()) + " segments");
}

// --global-channels → sorted, distinct channel indices; InputError for a name that is not a
// channel of the data.
std::vector<int> global_columns(const std::vector<std::string>& global_channels,
                                const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const std::string& name : global_channels) {
    int found = -1;
    for (size_t c = 0; c < names.size(); ++c) {
      if (names[c] == name) found = static_cast<int>(c);
    }
    if (found < 0) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      throw InputError("invalid --global-channels `" + name +
                       "`: not a channel (channels: " + list + ")");
    }
    out.push_back(found);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The one joint search over the shared θ, α, γ: its generations follow one another, so in a
// job of several ranks each evaluates a share of every batch of candidates (a candidate's
// pooled loss depends on it alone) and every rank receives all losses, in candidate order.
SearchResult search_segments(const FitOptions& o, const SearchSpace& space,
                             const SegmentProblem& problem, ThreadPool& pool,
                             const std::vector<double>* gamma_scale, const Communicator& comm) {
  const int C = problem.channels();
  std::vector<double> hyper;
  BatchObjective objective = [&](const std::vector<double>& u, int n, std::vector<double>& loss) {
    space.decode_batch(u.data(), n, hyper);
    // Candidates one after another, segments in parallel: memory stays S × p².
    loss = compute_divided(
        comm, static_cast<size_t>(n), 1, [&](size_t begin, size_t end, double* mine) {
          for (size_t i = begin; i < end; ++i) {
            const double* h = &hyper[i * 3 * C];
            if (gamma_scale) {
              const std::vector<double> own = scaled_segment_hyper(h, C, *gamma_scale);
              mine[i - begin] = segment_loss(problem, own.data(), &pool, 3 * C);
            } else {
              mine[i - begin] = segment_loss(problem, h, &pool);
            }
          }
        });
  };
  return search_with_progress(o, space.dimension(), objective);
}

SegmentChannel channel_figures(const ChannelHyper& hyper, double coef, const Eigen::VectorXd& spend,
                               const Eigen::VectorXd& h) {
  SegmentChannel ch;
  ch.coef = coef;
  ch.spend = spend.sum();
  ch.contribution = coef * h.sum();
  ch.roi = ch.spend > 0 ? ch.contribution / ch.spend : kNan;
  ch.mean_weekly_spend = spend.mean();
  ChannelResponse resp;
  resp.hyper = hyper;
  resp.coef = coef;
  ch.marginal_roi = marginal_roi(resp, ch.mean_weekly_spend);
  return ch;
}

void report_channels(SegmentReport& r) {
  const int S = r.problem.count(), C = r.problem.channels(), p = r.problem.parameters();
  const Eigen::VectorXd& scale = r.design.scale;
  r.global_coef = r.fit.solution.global.cwiseQuotient(scale);
  r.channels.assign(S, {});
  r.global.assign(C, {});
  double all_spend = 0.0;
  std::vector<double> weekly_sum(C, 0.0);
  for (int s = 0; s < S; ++s) {
    const ModelData& m = r.problem.segments[s];
    const Eigen::VectorXd coef = r.fit.solution.segment.col(s).cwiseQuotient(scale);
    r.coef.push_back(coef);
    r.intercepts.push_back(r.design.ybar[s] - coef.dot(r.design.means[s].head(p)));
    const Eigen::VectorXd residual =
        (m.y - segment_design(r.problem, s, r.segment_hyper3c(s)) * coef).array() -
        r.intercepts.back();
    r.residual_sd.push_back(
        std::sqrt(residual.squaredNorm() / std::max(1, static_cast<int>(m.y.size()) - p - 1)));
    const Eigen::MatrixXd h = transform_media(m.spend, r.segment_hyper3c(s));
    const double seg_spend = m.spend.sum();
    all_spend += seg_spend;
    for (int c = 0; c < C; ++c) {
      SegmentChannel ch = channel_figures(r.segment_hyper(s, c), coef[c], m.spend.col(c), h.col(c));
      ch.spend_share = seg_spend > 0 ? ch.spend / seg_spend : 0.0;
      r.global[c].spend += ch.spend;
      r.global[c].contribution += ch.contribution;
      weekly_sum[c] += ch.mean_weekly_spend;
      r.channels[s].push_back(ch);
    }
  }
  for (int c = 0; c < C; ++c) {
    SegmentChannel& g = r.global[c];
    g.coef = r.global_coef[c];
    g.roi = g.spend > 0 ? g.contribution / g.spend : kNan;
    g.mean_weekly_spend = weekly_sum[c] / S;
    ChannelResponse resp;
    resp.hyper = r.hyperparameters.channels[c];
    resp.coef = g.coef;
    g.marginal_roi = marginal_roi(resp, g.mean_weekly_spend);
    g.spend_share = all_spend > 0 ? g.spend / all_spend : 0.0;
    g.efficiency = 1.0;
    for (int s = 0; s < S; ++s) {
      SegmentChannel& ch = r.channels[s][c];
      ch.efficiency =
          std::isfinite(ch.roi) && std::isfinite(g.roi) && g.roi != 0 ? ch.roi / g.roi : kNan;
    }
  }
}

// Per segment: SLSQP over the segment's own response curves, weekly budget fixed (SPEC §8).
void allocate_segments(SegmentReport& r, ThreadPool& pool) {
  const int S = r.problem.count(), C = r.problem.channels();
  AllocationOptions ao;
  ao.change_limit = r.options.budget_change_limit;
  r.allocations.assign(S, {});
  // Segments are independent problems: one SLSQP each, in parallel.
  pool.parallel_for(S, [&](int begin, int end, int) {
    for (int s = begin; s < end; ++s) {
      std::vector<ChannelResponse> responses;
      for (int c = 0; c < C; ++c) {
        ChannelResponse resp;
        resp.name = r.data.segments[0].channels[c];
        resp.hyper = r.segment_hyper(s, c);
        resp.coef = resp.coef_lower = resp.coef_upper = r.channels[s][c].coef;
        resp.mean_weekly_spend = r.channels[s][c].mean_weekly_spend;
        resp.max_weekly_spend = r.problem.segments[s].spend.col(c).maxCoeff();
        responses.push_back(resp);
      }
      r.allocations[s] = allocate_budget(responses, ao);
      for (int c = 0; c < C; ++c)
        r.channels[s][c].recommended_spend = r.allocations[s].channels[c].recommended_spend;
    }
  });
  for (int c = 0; c < C; ++c) {
    double sum = 0.0;
    for (int s = 0; s < S; ++s) sum += r.channels[s][c].recommended_spend;
    r.global[c].recommended_spend = sum / S;
  }
}

// A refit from a model.json with per-segment hyperparameters uses them (fixed, no search);
// a data segment the model did not have keeps the shared ones.
void restore_per_segment(SegmentReport& r, const SegmentModelFile& file, const std::string& path) {
  const int S = r.problem.count(), C = r.problem.channels();
  std::vector<double> all;
  int missing = 0;
  for (int s = 0; s < S; ++s) {
    const auto it = file.per_segment.find(r.data.names[s]);
    if (it == file.per_segment.end()) {
      all.insert(all.end(), r.hyper3c.begin(), r.hyper3c.begin() + 3 * C);
      ++missing;
      continue;
    }
    for (const ChannelHyper& h : it->second.channels)
      all.insert(all.end(), {h.theta, h.alpha, h.gamma});
  }
  r.hyper3c = std::move(all);
  r.hyper_stride = 3 * C;
  r.notices.push_back("per-segment hyperparameters from " + path +
                      (missing > 0 ? " (" + std::to_string(missing) +
                                         " segments not in that model use its shared ones)"
                                   : ""));
}

// --per-segment-hyperparameters: one block-coordinate step from the shared fit (see
// segment_hyper_search.hpp); kept only when the re-solved pooled loss is not higher.
void search_per_segment(SegmentReport& r, const SearchSpace& space, ThreadPool& pool,
                        const Communicator& comm) {
  const auto t = Clock::now();
  SegmentHyperSearchOptions so;
  so.budget = r.options.segment_budget;
  so.seed = r.options.seed;
  so.shrinkage = r.options.segment_shrinkage;
  std::vector<double> shared;
  for (const ChannelHyper& h : r.hyperparameters.channels)
    shared.insert(shared.end(), {h.theta, h.alpha, h.gamma});
  ProgressBar bar("segments", r.problem.count(),
                  !r.options.quiet && ProgressBar::stderr_is_terminal());
  const SegmentHyperSearch hs = search_segment_hyperparameters(
      r.problem, space, shared, r.design, r.fit, so, &pool, [&](int done) { bar.update(done); },
      comm);
  bar.finish();
  r.segment_search_evaluations = hs.evaluations;
  const int stride = 3 * r.problem.channels();
  SegmentDesign design = build_segment_design(r.problem, hs.hyper3c.data(), &pool, nullptr, stride);
  SegmentFit fit = fit_segment_design(r.problem, design, r.problem.pooling, &pool);
  if (fit.loss <= r.fit.loss) {
    r.hyper3c = hs.hyper3c;
    r.hyper_stride = stride;
    r.design = std::move(design);
    r.fit = std::move(fit);
  } else {
    r.notices.push_back("per-segment hyperparameters raised the pooled loss (" +
                        std::to_string(fit.loss) + " > " + std::to_string(r.fit.loss) +
                        "; pooled R² " + std::to_string(fit.r2_pooled) + " vs " +
                        std::to_string(r.fit.r2_pooled) + "); the shared ones are kept");
  }
  r.seconds_segment_search = since(t);
}

}  // namespace

bool SegmentReport::selected(int s) const {
  for (const auto& [column, value] : options.segment_filter) {
    for (size_t k = 0; k < data.columns.size(); ++k) {
      if (data.columns[k] == column && data.values[s][k] != value) return false;
    }
  }
  return true;
}

ChannelHyper SegmentReport::segment_hyper(int s, int c) const {
  const double* h = segment_hyper3c(s) + 3 * c;
  ChannelHyper out;
  out.theta = h[0];
  out.alpha = h[1];
  out.gamma = h[2];
  return out;
}

SegmentReport run_segment_fit(const FitOptions& options) {
  const auto t0 = Clock::now();
  const FitOptions o = resolved_fit_options(options);
  check_fit_options(o);
  // A job's ranks divide the search's candidates, the per-segment searches and the bootstrap
  // resamples; everything else every rank computes alike (docs/distributed.md).
  const Communicator& comm = o.communicator != nullptr ? *o.communicator : single_process();
  SegmentReport r;
  r.options = o;
  const Pooling pooling = parse_pooling(o.pooling);
  PoolingPenalties pen;
  pen.lambda = o.ridge_lambda;
  pen.lambda_global = o.lambda_global > 0 ? o.lambda_global : o.ridge_lambda;
  pen.lambda_segment = o.lambda_segment > 0 ? o.lambda_segment : 10.0 * o.ridge_lambda;
  r.data = o.data_table ? build_segmented_data(*o.data_table, o.columns)
                        : load_segmented_csv(o.data_path, o.columns);
  check_filter(o, r.data);
  r.notices = r.data.notices;
  const std::vector<std::string>& names = r.data.segments[0].channels;
  std::vector<std::string> global_channels = o.global_channels;
  SegmentModelFile model_file;
  if (!o.hyperparameters_path.empty()) {
    // Parsed once: the shared object, then what a segmented model.json adds to it.
    const nlohmann::json file = read_json_file(o.hyperparameters_path, "hyperparameters file");
    r.hyperparameters = hyperparameters_from_json(file, o.hyperparameters_path, names);
    if (o.ridge_lambda_explicit) r.hyperparameters.ridge_lambda = o.ridge_lambda;
    pen.lambda = r.hyperparameters.ridge_lambda;
    if (!(o.lambda_global > 0)) pen.lambda_global = pen.lambda;
    if (!(o.lambda_segment > 0)) pen.lambda_segment = 10.0 * pen.lambda;
    model_file = segment_model_from_json(file, o.hyperparameters_path, names);
    if (global_channels.empty() && !model_file.global_channels.empty()) {
      global_channels = model_file.global_channels;
      std::string list;
      for (const std::string& n : global_channels) list += (list.empty() ? "" : ", ") + n;
      r.notices.push_back("global channels from " + o.hyperparameters_path + ": " + list);
    }
  }
  pen.global_columns = global_columns(global_channels, names);
  r.problem = make_segment_problem(r.data, pooling, pen);
  // Planned before the search so that invalid --cv-* windows fail fast (exit 2).
  const SegmentCvPlan plan = plan_segment_cv(r.problem, o.cv);
  double within = 0.0;
  for (const ModelData& m : r.problem.segments) within += (m.y.array() - m.y.mean()).square().sum();
  if (!(within > 0)) {
    throw InputError(r.data.source + ": KPI column `" + r.data.segments[0].kpi_column +
                     "` is constant within every segment; there is nothing to explain");
  }
  r.column_names = names;
  const ControlMatrix controls0 = build_controls(r.data.segments[0]);
  r.column_names.insert(r.column_names.end(), controls0.names.begin(), controls0.names.end());

  ThreadPool pool(o.threads);
  if (!pool.notice().empty()) r.notices.push_back(pool.notice());
  const SegmentBackend backend = make_segment_backend(o.device, r.problem.count(), pool.size());
  r.backend = backend.name;
  if (!backend.notice.empty()) r.notices.push_back(backend.notice);
  r.problem.solver = backend.solver;
  ModelData shape;
  shape.spend = Eigen::MatrixXd::Zero(1, r.problem.channels());
  for (int c = 0; c < r.problem.channels(); ++c) shape.spend(0, c) = r.problem.max_spend[c];
  const SearchSpace space = build_search_space(shape, names, o.bounds);
  const bool scaled = o.segment_gamma == "scaled";
  const std::vector<double> gamma_scale =
      scaled ? segment_gamma_scale(r.problem) : std::vector<double>{};
  const auto t_search = Clock::now();
  if (o.hyperparameters_path.empty()) {
    r.searched = true;
    r.search = search_segments(o, space, r.problem, pool, scaled ? &gamma_scale : nullptr, comm);
    r.hyperparameters.ridge_lambda = pen.lambda;
    for (int c = 0; c < r.problem.channels(); ++c)
      r.hyperparameters.channels.push_back(space.decode(r.search.best.data(), c));
  }
  r.seconds_search = since(t_search);
  for (const auto& h : r.hyperparameters.channels)
    r.hyper3c.insert(r.hyper3c.end(), {h.theta, h.alpha, h.gamma});
  if (scaled && model_file.per_segment.empty()) {
    // The shared γ is the largest market's; every segment's own follows from its size.
    r.hyper3c = scaled_segment_hyper(r.hyper3c.data(), r.problem.channels(), gamma_scale);
    r.hyper_stride = 3 * r.problem.channels();
  }
  if (!model_file.per_segment.empty()) {
    if (o.per_segment_hyperparameters) {
      throw InputError(o.hyperparameters_path +
                       " already holds per-segment hyperparameters; drop "
                       "--per-segment-hyperparameters to refit with them, or --hyperparameters "
                       "to search anew");
    }
    restore_per_segment(r, model_file, o.hyperparameters_path);
  }

  r.design = build_segment_design(r.problem, r.hyper3c.data(), &pool, nullptr, r.hyper_stride);
  r.fit = fit_segment_design(r.problem, r.design, pooling, &pool);
  if (!std::isfinite(r.fit.loss)) {
    throw std::runtime_error(
        "the final pooled ridge fit failed (singular system); try a larger --ridge-lambda");
  }
  r.shared_loss = r.fit.loss;
  if (o.per_segment_hyperparameters) search_per_segment(r, space, pool, comm);
  r.unpooled = fit_segment_design(r.problem, r.design, Pooling::kNone, &pool);
  if (pooling == Pooling::kNone) {
    r.pooling_factor = Eigen::VectorXd::Zero(r.problem.parameters());
  } else {
    r.pooling_factor = pooling_factor(r.fit.solution, r.unpooled.solution);
  }
  // A global channel has one coefficient everywhere: completely pooled in every mode.
  for (int j : pen.global_columns) r.pooling_factor[j] = 1.0;
  report_channels(r);
  allocate_segments(r, pool);
  const auto t_cv = Clock::now();
  {
    ProgressBar bar("cv", plan.work(r.problem.count()),
                    !o.quiet && ProgressBar::stderr_is_terminal());
    r.cv = cross_validate_segments(r.problem, r.hyper3c.data(), r.hyper_stride, plan, &pool,
                                   [&](long done) { bar.update(done); });
    bar.finish();
  }
  r.notices.insert(r.notices.end(), r.cv.notices.begin(), r.cv.notices.end());
  r.seconds_cv = since(t_cv);
  const auto t_boot = Clock::now();
  if (o.bootstrap > 0) {
    SegmentBootstrapOptions bo;
    bo.resamples = o.bootstrap;
    bo.ci = o.ci;
    bo.seed = o.seed;
    bo.hyper_stride = r.hyper_stride;
    ProgressBar bar("bootstrap", o.bootstrap, !o.quiet && ProgressBar::stderr_is_terminal());
    r.bootstrap = bootstrap_segments(
        r.problem, r.hyper3c.data(), bo, &pool, [&](int done) { bar.update(done); }, comm);
    bar.finish();
    r.bootstrapped = true;
    if (r.bootstrap.failed > 0) {
      r.notices.push_back(std::to_string(r.bootstrap.failed) + " of " +
                          std::to_string(o.bootstrap) +
                          " bootstrap resamples had a singular fit and were left out");
    }
    for (int s = 0; s < r.problem.count(); ++s) {
      for (int c = 0; c < r.problem.channels(); ++c) {
        SegmentChannel& ch = r.channels[s][c];
        ch.roi_lower = r.bootstrap.roi_lower(s, c);
        ch.roi_upper = r.bootstrap.roi_upper(s, c);
        ch.significant = is_significant(ch.roi, ch.roi_lower, 0.0);  // draws not kept per segment
      }
    }
    for (int c = 0; c < r.problem.channels(); ++c) {
      r.global[c].roi_lower = r.bootstrap.global_roi_lower[c];
      r.global[c].roi_upper = r.bootstrap.global_roi_upper[c];
      r.global[c].significant = is_significant(r.global[c].roi, r.global[c].roi_lower, 0.0);
    }
  }
  r.seconds_bootstrap = since(t_boot);
  r.diagnostics = segment_plausibility_checks(r);
  r.seconds_total = since(t0);
  return r;
}

}  // namespace mmm
