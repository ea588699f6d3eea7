#include "host/bootstrap/resample_sharing.hpp"

#include <limits>
#include <stdexcept>

#include "host/distributed/byte_buffer.hpp"

namespace mmm {
namespace {

/// Rows [range) of `m`, row-major, after its column count (0: `m` is empty on this rank).
void put_rows(ByteWriter& w, const Eigen::MatrixXd& m, IndexRange range) {
  const auto cols = static_cast<std::uint64_t>(m.rows() == 0 ? 0 : m.cols());
  w.put(cols);
  std::vector<double> rows;
  rows.reserve(range.size() * cols);
  for (std::uint64_t b = range.begin; b < range.end && cols > 0; ++b) {
    for (std::uint64_t j = 0; j < cols; ++j)
      rows.push_back(m(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(j)));
  }
  w.put_vector(rows);
}

/// Reads put_rows into `m` (B rows): an empty `m` is first filled with NaN (all_coef exists
/// once any rank has a successful resample, as in a single process).
void get_rows(ByteReader& r, Eigen::MatrixXd& m, Eigen::Index resamples, IndexRange range) {
  const auto cols = r.get<std::uint64_t>();
  const std::vector<double> rows = r.get_vector<double>();
  if (rows.size() != range.size() * cols)
    throw std::runtime_error("distributed: bad resample rows");
  if (cols == 0) return;
  if (m.rows() != resamples || m.cols() != static_cast<Eigen::Index>(cols)) {
    m.setConstant(resamples, static_cast<Eigen::Index>(cols),
                  std::numeric_limits<double>::quiet_NaN());
  }
  size_t at = 0;
  for (std::uint64_t b = range.begin; b < range.end; ++b) {
    for (std::uint64_t j = 0; j < cols; ++j)
      m(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(j)) = rows[at++];
  }
}

}  // namespace

void share_resamples(const Communicator& comm, IndexRange mine, BootstrapReport& report,
                     const NestedResampleRows& nested) {
  if (comm.size() <= 1) return;
  const Eigen::Index B = report.coef.rows();
  Eigen::MatrixXd intercept = report.intercept;  // B × 1 (0 × 1 when never set)
  Eigen::MatrixXd best_loss;
  if (nested.best_loss != nullptr)
    best_loss = Eigen::Map<const Eigen::VectorXd>(nested.best_loss->data(), B);
  Eigen::MatrixXd empty;
  Eigen::MatrixXd* blocks[] = {&report.coef,
                               &report.roi,
                               &report.all_coef,
                               &intercept,
                               nested.hyper != nullptr ? nested.hyper : &empty,
                               &best_loss};

  ByteWriter w;
  w.put(mine);
  w.put(report.failed);
  w.put<long>(nested.evaluations != nullptr ? *nested.evaluations : 0);
  for (const Eigen::MatrixXd* m : blocks) put_rows(w, *m, mine);
  const std::vector<Bytes> parts = comm.allgather(w.take());
  for (size_t rank = 0; rank < parts.size(); ++rank) {
    if (static_cast<int>(rank) == comm.rank()) continue;
    ByteReader r(parts[rank]);
    const auto range = r.get<IndexRange>();
    report.failed += r.get<int>();
    const long evaluations = r.get<long>();
    if (nested.evaluations != nullptr) *nested.evaluations += evaluations;
    for (Eigen::MatrixXd* m : blocks) get_rows(r, *m, B, range);
  }
  if (intercept.rows() > 0) report.intercept = intercept.col(0);
  if (nested.best_loss != nullptr && best_loss.rows() > 0)
    nested.best_loss->assign(best_loss.data(), best_loss.data() + B);
}

}  // namespace mmm
