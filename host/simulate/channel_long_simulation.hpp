#pragma once
// A simulated data set written as channel-long warehouse data (`mmm simulate --format long`,
// SPEC §3): a row per week × channel × geo with DATE, CHANNEL, GEO, PRODUCT, SPEND, the
// controls and REVENUE, so `mmm fit --format long` can be tried, and tested, on known truth.

#include <string>

#include "host/simulate/simulator.hpp"

namespace mmm {

/// The geos each channel's weekly spend is split over.
constexpr int kSimulatedGeos = 2;

/// Writes `sim` (media channels only; no flow or stock channels) as channel-long CSV and its
/// truth (the same `.truth.json` as write_simulation). Each week's spend of a channel is split
/// over the geos `north` and `south` (product `all`), and the week's revenue over its rows;
/// both splits are chosen so that `mmm fit --format long` adds them back to exactly the wide
/// file's doubles (the key of channel `tv` is then `tv_GLOBAL_all`), so the two files give
/// identical fits. InputError for flow/stock channels or an unwritable folder.
void write_simulation_long(const Simulation& sim, const std::string& csv_path);

}  // namespace mmm
