#include "host/channels/channel_kind.hpp"

namespace mmm {

const char* kind_name(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::Flow:
      return "flow";
    case ChannelKind::Stock:
      return "stock";
    case ChannelKind::Media:
      break;
  }
  return "media";
}

std::optional<ChannelKind> parse_channel_kind(const std::string& text) {
  if (text == "media") return ChannelKind::Media;
  if (text == "flow") return ChannelKind::Flow;
  if (text == "stock") return ChannelKind::Stock;
  return std::nullopt;
}

}  // namespace mmm
