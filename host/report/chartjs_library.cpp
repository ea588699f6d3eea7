#include "host/report/chartjs_library.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "host/common/errors.hpp"

namespace mmm {

std::string chartjs_path() {
  const char* env = std::getenv("MMM_CHARTJS");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string(kChartJsPath);
}

std::string read_chartjs(const std::string& path) {
  const std::string install =
      "; the HTML report needs Chart.js from the Debian package libjs-chart.js "
      "(apt-get install libjs-chart.js)";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read `" + path + "`: " + std::strerror(errno) + install);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string js = text.str();
  // A check that this is Chart.js and not some other file at the path: the page calls `Chart`
  // and keeps the license comment, which every Chart.js build starts with.
  if (js.find("Chart.js") == std::string::npos || js.find("MIT") == std::string::npos)
    throw InputError("`" + path + "` is not Chart.js (no \"Chart.js\" license header)" + install);
  // The library goes inside a <script> element, which the first "</script" would end early.
  std::string lower = js;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.find("</script") != std::string::npos)
    throw InputError("`" + path + "` contains \"</script\" and cannot be embedded in a page");
  return js;
}

}  // namespace mmm
