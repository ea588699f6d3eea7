#include "host/data/missing_controls.hpp"

#include "host/common/errors.hpp"

namespace mmm {

MissingControls parse_missing_controls(const std::string& text, const std::string& source) {
  if (text == "error") return MissingControls::Error;
  if (text == "zero") return MissingControls::Zero;
  if (text == "ffill") return MissingControls::Ffill;
  if (text == "mean") return MissingControls::Mean;
  throw InputError("invalid " + source + " `" + text +
                   "`; expected one of: error, zero, ffill, mean");
}

std::string missing_controls_name(MissingControls policy) {
  switch (policy) {
    case MissingControls::Zero:
      return "zero";
    case MissingControls::Ffill:
      return "ffill";
    case MissingControls::Mean:
      return "mean";
    case MissingControls::Error:
      break;
  }
  return "error";
}

long fill_missing_controls(Eigen::VectorXd& values, const std::vector<bool>& empty,
                           MissingControls policy) {
  const Eigen::Index n = values.size();
  double mean = 0.0;
  long filled_cells = 0;
  if (policy == MissingControls::Mean) {
    for (Eigen::Index t = 0; t < n; ++t) {
      if (empty[static_cast<std::size_t>(t)]) continue;
      mean += values[t];
      ++filled_cells;
    }
    // Sum of at most T cells of magnitude ≤ 1e15: finite.
    if (filled_cells > 0) mean /= static_cast<double>(filled_cells);
  }
  for (Eigen::Index t = 0; t < n; ++t) {
    if (!empty[static_cast<std::size_t>(t)]) continue;
    switch (policy) {
      case MissingControls::Zero:
        values[t] = 0.0;
        break;
      case MissingControls::Ffill:
        // The first period has no earlier value, and inventing one (the next value) would
        // look into the future.
        if (t == 0) return 0;
        values[t] = values[t - 1];
        break;
      case MissingControls::Mean:
        if (filled_cells == 0) return static_cast<long>(t);
        values[t] = mean;
        break;
      case MissingControls::Error:
        return static_cast<long>(t);
    }
  }
  return -1;
}

}  // namespace mmm
