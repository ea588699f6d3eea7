#include "host/search/pareto_sharing.hpp"

#include <stdexcept>
#include <string>

#include "host/distributed/byte_buffer.hpp"

namespace mmm {
namespace {

struct RankRecord {
  std::vector<ParetoPoint> points;
  std::vector<long> calls;
  size_t next = 0;  ///< the first point not merged yet
};

}  // namespace

std::vector<ParetoPoint> share_pareto_record(const Communicator& comm,
                                             const std::vector<ParetoPoint>& mine,
                                             const std::vector<long>& calls) {
  if (mine.size() != calls.size()) {
    throw std::invalid_argument("share_pareto_record: " + std::to_string(mine.size()) +
                                " points but " + std::to_string(calls.size()) + " call numbers");
  }
  if (comm.size() <= 1) return mine;
  ByteWriter w;
  w.put_vector(calls);
  for (const ParetoPoint& p : mine) {
    w.put(p.nrmse);
    w.put(p.decomp_rssd);
    w.put(p.loss);
    w.put_vector(p.hyper3c);
  }
  std::vector<RankRecord> ranks;
  size_t total = 0;
  for (const Bytes& part : comm.allgather(w.take())) {
    ByteReader r(part);
    RankRecord rec;
    rec.calls = r.get_vector<long>();
    for (size_t i = 0; i < rec.calls.size(); ++i) {
      ParetoPoint p;
      p.nrmse = r.get<double>();
      p.decomp_rssd = r.get<double>();
      p.loss = r.get<double>();
      p.hyper3c = r.get_vector<double>();
      rec.points.push_back(std::move(p));
    }
    total += rec.points.size();
    ranks.push_back(std::move(rec));
  }
  // Call after call, each rank's points of that call, in rank order.
  std::vector<ParetoPoint> out;
  out.reserve(total);
  while (out.size() < total) {
    long call = -1;
    for (const RankRecord& rec : ranks) {
      if (rec.next < rec.calls.size() && (call < 0 || rec.calls[rec.next] < call))
        call = rec.calls[rec.next];
    }
    for (RankRecord& rec : ranks) {
      while (rec.next < rec.calls.size() && rec.calls[rec.next] == call)
        out.push_back(std::move(rec.points[rec.next++]));
    }
  }
  return out;
}

}  // namespace mmm
