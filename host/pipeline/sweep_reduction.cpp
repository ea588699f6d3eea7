#include "host/pipeline/sweep_reduction.hpp"

#include <stdexcept>
#include <vector>

#include "host/distributed/byte_buffer.hpp"

namespace mmm {

Bytes encode_sweep_part(const TopK& top, const SweepSummary& summary, std::uint64_t failed) {
  ByteWriter w;
  w.put(failed);
  const std::vector<SweepCandidate> kept = top.sorted();
  w.put<std::uint64_t>(kept.size());
  for (const SweepCandidate& c : kept) {
    w.put(c.index);
    w.put(c.loss);
    w.put(c.r2);
    w.put_vector(c.params);
    w.put_vector(c.coef);
  }
  w.put(summary.channels);
  w.put(summary.bins);
  w.put_vector(summary.count);
  w.put_vector(summary.min_loss);
  w.put_vector(summary.sum_loss);
  return w.take();
}

void merge_sweep_part(const Bytes& part, TopK& top, SweepSummary& summary, std::uint64_t& failed) {
  ByteReader r(part);
  failed += r.get<std::uint64_t>();
  const auto kept = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < kept; ++i) {
    SweepCandidate c;
    c.index = r.get<std::uint64_t>();
    c.loss = r.get<double>();
    c.r2 = r.get<double>();
    c.params = r.get_vector<double>();
    c.coef = r.get_vector<double>();
    top.push(std::move(c));
  }
  SweepSummary other;
  other.channels = r.get<int>();
  other.bins = r.get<int>();
  other.count = r.get_vector<std::int64_t>();
  other.min_loss = r.get_vector<double>();
  other.sum_loss = r.get_vector<LossSum>();
  if (!r.done()) throw std::runtime_error("distributed: unexpected bytes after a sweep part");
  summary.merge(other);
}

void reduce_sweep_on_root(const Communicator& comm, TopK& top, SweepSummary& summary,
                          std::uint64_t& failed) {
  const std::vector<Bytes> parts = comm.gather(encode_sweep_part(top, summary, failed));
  for (size_t r = 1; r < parts.size(); ++r) merge_sweep_part(parts[r], top, summary, failed);
}

}  // namespace mmm
