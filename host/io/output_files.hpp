#pragma once
// mmm's own output file names, per command: the set a run in an --out folder replaces. A run
// removes the files of its own command that it does not write this time (a flow fit's
// flow_curves.csv after a plain fit), so the folder never mixes runs; any other file, and the
// files of other commands (a sweep's sweep_top.csv that a fit reads with --init-from), stay.

#include <string>
#include <vector>

namespace mmm {

/// Everything `mmm fit` may write, single-model or segmented.
const std::vector<std::string>& fit_output_files();
/// Everything `mmm sweep` may write (sweep_all.csv.gz with --all).
const std::vector<std::string>& sweep_output_files();
/// Everything `mmm predict` may write.
const std::vector<std::string>& predict_output_files();
/// Everything `mmm optimize` may write.
const std::vector<std::string>& optimize_output_files();
/// True for a name any mmm command writes (the lists above together).
bool is_output_file(const std::string& name);

}  // namespace mmm
