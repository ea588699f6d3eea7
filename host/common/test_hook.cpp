#include "host/common/test_hook.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

namespace mmm {

void test_hook(const char* point) {
  const char* spec = std::getenv("MMM_TEST_HOOK");
  if (spec == nullptr || *spec == '\0') return;
  const std::string text = spec;
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return;
  std::string where = text.substr(0, colon);
  const std::string action = text.substr(colon + 1);
  long nth = 1;
  const std::size_t hash = where.find('#');
  if (hash != std::string::npos) {
    nth = std::strtol(where.c_str() + hash + 1, nullptr, 10);
    where.resize(hash);
  }
  if (where != point) return;
  static std::map<std::string, long> passes;
  if (++passes[where] != nth) return;
  if (action == "kill") ::raise(SIGKILL);
  if (action == "pause") {
    if (const char* ready = std::getenv("MMM_TEST_HOOK_READY")) {
      const int fd = ::open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) ::close(fd);
    }
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

}  // namespace mmm
