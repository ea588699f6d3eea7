#pragma once
// Writing a simulated data set: the CSV and its `.truth.json`, both or neither (shared by the
// single-market and the segmented simulator).

#include <functional>
#include <ostream>
#include <string>

namespace mmm {

/// `%.17g`: every double survives the round trip through the CSV.
std::string format_exact(double v);

/// Writes the CSV (`write_csv` streams its text) to `csv_path` and `truth_json` to
/// truth_path_for(csv_path), each through a temporary renamed into place; on any failure
/// neither file is left behind. InputError (exit 2) when the folder is not writable.
void write_data_and_truth(const std::string& csv_path,
                          const std::function<void(std::ostream&)>& write_csv,
                          const std::string& truth_json);

}  // namespace mmm
