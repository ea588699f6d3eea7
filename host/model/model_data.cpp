#include "host/model/model_data.hpp"

#include <stdexcept>
#include <string>

#include "host/common/errors.hpp"
#include "host/features/transforms.hpp"

namespace mmm {

std::vector<double> ModelData::max_spend() const {
  std::vector<double> out(channels());
  for (int c = 0; c < channels(); ++c) out[c] = spend.col(c).maxCoeff();
  return out;
}

ModelData make_model_data(const Dataset& data, const ControlMatrix& controls, double ridge_lambda) {
  ModelData m;
  m.spend = data.spend;
  m.controls = controls.values;
  m.y = data.kpi;
  m.ridge_lambda = ridge_lambda;
  return m;
}

Eigen::MatrixXd transform_media(const Eigen::MatrixXd& spend, const double* hyper3c,
                                const std::vector<SaturationShape>& shapes) {
  const Eigen::Index T = spend.rows(), C = spend.cols();
  if (!shapes.empty() && static_cast<Eigen::Index>(shapes.size()) != C) {
    throw std::invalid_argument("transform_media: " + std::to_string(shapes.size()) +
                                " saturation shapes for " + std::to_string(C) + " channels");
  }
  Eigen::MatrixXd h(T, C);
  for (Eigen::Index c = 0; c < C; ++c) {
    const double theta = hyper3c[3 * c], alpha = hyper3c[3 * c + 1], gamma = hyper3c[3 * c + 2];
    const SaturationShape shape =
        shapes.empty() ? SaturationShape::Hill : shapes[static_cast<size_t>(c)];
    double a = 0.0;
    for (Eigen::Index t = 0; t < T; ++t) {
      a = spend(t, c) + (t > 0 ? theta * a : 0.0);
      h(t, c) = saturation(shape, a, alpha, gamma);
    }
  }
  return h;
}

}  // namespace mmm

namespace mmm {

Eigen::VectorXd predict_kpi(const ModelData& data, const double* hyper3c, const double* coef,
                            double intercept) {
  const Eigen::MatrixXd h = transform_media(data.spend, hyper3c, data.saturation);
  Eigen::Map<const Eigen::VectorXd> cm(coef, data.channels());
  Eigen::Map<const Eigen::VectorXd> cc(coef + data.channels(), data.control_count());
  Eigen::VectorXd pred = h * cm;
  if (data.control_count() > 0) pred += data.controls * cc;
  return pred.array() + intercept;
}

void check_data_fits_model(const Dataset& data, const ModelData& model) {
  // One intercept + p coefficients need at least p + 2 rows for a meaningful fit and R².
  if (model.parameters() + 2 > data.rows()) {
    throw InputError(data.source + ": " + std::to_string(data.rows()) + " rows but the model has " +
                     std::to_string(model.parameters() + 1) + " parameters (" +
                     std::to_string(model.channels()) + " channels + " +
                     std::to_string(model.control_count()) +
                     " controls + intercept); expected at least parameters + 1 rows");
  }
  if ((data.kpi.array() == data.kpi(0)).all()) {
    throw InputError(data.source + ": KPI column `" + data.kpi_column +
                     "` is constant; there is nothing to explain");
  }
}

}  // namespace mmm
