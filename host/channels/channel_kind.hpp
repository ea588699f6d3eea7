#pragma once
// Channel kinds (SPEC §9): `media` channels go through adstock + Hill and the hyperparameter
// search; `flow` and `stock` channels have log-saturation responses fitted by host/channels.

#include <optional>
#include <string>

namespace mmm {

/// How a channel's input column turns into KPI.
enum class ChannelKind {
  Media,  ///< weekly spend → geometric adstock θ → Hill(α, γ) (the default)
  Flow,   ///< weekly spend → geometric adstock λ → a·ln(1 + b·E)
  Stock,  ///< active units S → touches X ~ Normal(S·μ, S·σ²) → a·ln(1 + b·X)
};

/// A channel's kind and, for stock channels, the touches per unit per period μ (fixed for
/// identifiability: only b·μ is identified by the mean curve).
struct ChannelKindSpec {
  ChannelKind kind = ChannelKind::Media;
  double mu = 1.0;
  std::string origin;  ///< where it was set, for messages (e.g. "fit.toml:7: `kind`"); may be empty
};

/// "media", "flow" or "stock" (a static literal).
const char* kind_name(ChannelKind kind);

/// The kind named `text` (exact, lower case), or nothing.
std::optional<ChannelKind> parse_channel_kind(const std::string& text);

}  // namespace mmm
