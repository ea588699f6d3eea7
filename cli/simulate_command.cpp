// `mmm simulate`: example data with known ground truth (wide CSV + <name>.truth.json).

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "host/common/errors.hpp"
#include "host/simulate/channel_long_simulation.hpp"
#include "host/simulate/segment_simulator.hpp"
#include "host/simulate/simulator.hpp"

namespace mmm::cli {

Runner add_simulate_command(CLI::App& app) {
  auto o = std::make_shared<SimulationOptions>();
  auto out = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  auto segments = std::make_shared<int>(0);
  auto spread = std::make_shared<double>(0.3);
  auto hyper_spread = std::make_shared<double>(0.0);
  auto segment_gamma = std::make_shared<std::string>("shared");
  auto format = std::make_shared<std::string>("wide");
  app.add_option("--weeks", o->weeks, "weekly rows (default 156)");
  app.add_option("--channels", o->channels, "media channels (default 8)");
  app.add_option("--controls", o->controls, "extra control columns ctrl_1.. (default 0)");
  app.add_option("--flow-channels", o->flow_channels,
                 "flow channels flow_1.. with a·ln(1 + b·adstock) response (default 0)");
  app.add_option("--stock-channels", o->stock_channels,
                 "stock channels stock_1.. holding active units (default 0)");
  app.add_option("--noise", o->noise,
                 "revenue noise sd as a fraction of the mean level (default 0.05)");
  app.add_option("--seed", o->seed, "random seed (default 1)");
  app.add_option("--out", *out, "CSV to write; the truth goes to <name>.truth.json")->required();
  app.add_flag("--quiet", *quiet, "print nothing on success");
  app.add_option("--segments", *segments,
                 "write long data with this many segments (column `segment`; default 0: wide)");
  app.add_option("--segment-spread", *spread,
                 "sd of the log segment coefficients around the global ones (default 0.3)");
  app.add_option("--segment-hyper-spread", *hyper_spread,
                 "per-segment theta/alpha/gamma spread around the global ones (default 0: "
                 "shared)");
  app.add_option("--segment-gamma", *segment_gamma,
                 "shared (γ in spend units, the same in every segment; default) | scaled (each "
                 "segment's γ times its market size)");
  app.add_option("--format", *format,
                 "wide (default) | long: channel-long warehouse data (DATE, CHANNEL, GEO, "
                 "PRODUCT, SPEND, REVENUE; a row per week, channel and geo) for `mmm fit "
                 "--format long`");
  return [o, out, quiet, segments, spread, hyper_spread, segment_gamma, format] {
    if (*segment_gamma != "shared" && *segment_gamma != "scaled") {
      throw InputError("invalid --segment-gamma `" + *segment_gamma +
                       "`: expected shared or scaled");
    }
    if (*format != "wide" && *format != "long") {
      throw InputError("invalid --format `" + *format + "`; expected wide or long");
    }
    if (*format == "long" && *segments != 0) {
      throw InputError("--format long is not supported with --segments");
    }
    if (*segments > 0) {
      const SegmentSimulation sim =
          simulate_segments(*o, *segments, *spread, *hyper_spread, *segment_gamma == "scaled");
      write_segment_simulation(sim, *out);
      if (!*quiet) {
        std::printf("wrote %s (%d segments × %d weeks × %d channels, seed %llu) and %s\n",
                    out->c_str(), *segments, o->weeks, o->channels,
                    static_cast<unsigned long long>(o->seed), truth_path_for(*out).c_str());
      }
      return 0;
    }
    if (*segments < 0) {
      throw InputError("invalid --segments " + std::to_string(*segments) + ": expected ≥ 0");
    }
    if (*hyper_spread != 0.0) throw InputError("--segment-hyper-spread needs --segments");
    if (*segment_gamma != "shared") throw InputError("--segment-gamma needs --segments");
    const Simulation sim = simulate(*o);
    if (*format == "long") {
      write_simulation_long(sim, *out);
    } else {
      write_simulation(sim, *out);
    }
    if (!*quiet) {
      std::printf("wrote %s (%d weeks × %d channels, %d controls, seed %llu) and %s\n",
                  out->c_str(), o->weeks, o->channels, o->controls,
                  static_cast<unsigned long long>(o->seed), truth_path_for(*out).c_str());
      std::printf("%-12s %7s %7s %12s %12s %7s\n", "channel", "theta", "alpha", "gamma", "coef",
                  "ROI");
      for (const auto& t : sim.truth) {
        std::printf("%-12s %7.3f %7.3f %12.6g %12.6g %7.3f\n", t.name.c_str(), t.hyper.theta,
                    t.hyper.alpha, t.hyper.gamma, t.coef, t.roi);
      }
      for (const auto& f : sim.flow_truth) {
        std::printf("%-12s flow:  a %.6g, b %.6g, lambda %.3f\n", f.name.c_str(), f.a, f.b,
                    f.lambda);
      }
      for (const auto& f : sim.stock_truth) {
        std::printf("%-12s stock: a %.6g, b %.6g, mu %.6g, sigma %.6g\n", f.name.c_str(), f.a, f.b,
                    f.mu, f.sigma);
      }
    }
    return 0;
  };
}

}  // namespace mmm::cli
