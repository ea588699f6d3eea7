// `mmm compare`: one metric per channel across the segments of a segmented model.json.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/io/committed_folder.hpp"
#include "host/io/json_file.hpp"
#include "host/io/segment_compare.hpp"

namespace mmm::cli {

namespace {

struct CompareFlags {
  std::string model, segments, metric = "roas", out;
  bool quiet = false;
};

}  // namespace

Runner add_compare_command(CLI::App& app) {
  auto f = std::make_shared<CompareFlags>();
  app.add_option("--model", f->model, "model.json of a segmented fit")->required();
  app.add_option("--segments", f->segments,
                 "segments to compare a,b,… (default: all); a name with a comma in quotes: "
                 "'\"North, 1\",b'");
  app.add_option(
      "--metric", f->metric,
      "roas | roas_lower | roas_upper | contribution | spend | marginal_roi | efficiency | coef "
      "(default roas)");
  app.add_option("--out", f->out,
                 "comparison CSV to write (default segment_comparison.csv beside the model)");
  app.add_flag("--quiet", f->quiet, "do not print the table");
  return [f] {
    std::vector<std::string> notices;
    const SegmentComparison cmp =
        compare_segments(read_committed_json(f->model, "model file", notices), f->model,
                         split_list(f->segments), f->metric);
    if (!f->quiet) {
      for (const std::string& n : notices) std::fprintf(stderr, "notice: %s\n", n.c_str());
    }
    const std::string csv = comparison_csv(cmp);
    // By default the comparison goes beside the model it describes, not into the working
    // folder (a run from elsewhere would scatter files).
    if (f->out.empty()) {
      f->out = (std::filesystem::path(f->model).parent_path() / "segment_comparison.csv").string();
    }
    {
      // Written under a temporary name and renamed, like every output.
      const std::string tmp = f->out + ".tmp";
      std::ofstream out(tmp, std::ios::binary);
      out << csv;
      out.close();
      if (!out || std::rename(tmp.c_str(), f->out.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw InputError("cannot write `" + f->out + "`");
      }
    }
    if (!f->quiet) {
      std::printf("%-20s", (cmp.metric + " by segment").c_str());
      for (const auto& s : cmp.segments) std::printf(" %14s", s.c_str());
      std::printf("\n");
      for (size_t c = 0; c < cmp.channels.size(); ++c) {
        std::printf("%-20s", cmp.channels[c].c_str());
        for (double v : cmp.values[c]) std::printf(" %14.6g", v);
        std::printf("\n");
      }
      std::printf("wrote %s\n", f->out.c_str());
    }
    return 0;
  };
}

}  // namespace mmm::cli
