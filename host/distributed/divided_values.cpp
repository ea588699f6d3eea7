#include "host/distributed/divided_values.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "host/distributed/byte_buffer.hpp"
#include "host/distributed/work_split.hpp"

namespace mmm {

std::vector<double> compute_divided(const Communicator& comm, std::size_t n, std::size_t width,
                                    const DividedCompute& compute) {
  std::vector<double> all(n * width);
  const IndexRange mine = rank_range(n, comm.size(), comm.rank());
  if (mine.size() > 0) compute(mine.begin, mine.end, all.data() + mine.begin * width);
  if (comm.size() <= 1) return all;
  ByteWriter w;
  w.put_vector(std::vector<double>(all.begin() + static_cast<std::ptrdiff_t>(mine.begin * width),
                                   all.begin() + static_cast<std::ptrdiff_t>(mine.end * width)));
  const std::vector<Bytes> parts = comm.allgather(w.take());
  for (int r = 0; r < comm.size(); ++r) {
    if (r == comm.rank()) continue;
    ByteReader reader(parts[static_cast<size_t>(r)]);
    const std::vector<double> values = reader.get_vector<double>();
    const IndexRange theirs = rank_range(n, comm.size(), r);
    if (values.size() != theirs.size() * width) {
      throw std::runtime_error("distributed: rank " + std::to_string(r) + " sent " +
                               std::to_string(values.size()) + " values, expected " +
                               std::to_string(theirs.size() * width));
    }
    std::copy(values.begin(), values.end(),
              all.begin() + static_cast<std::ptrdiff_t>(theirs.begin * width));
  }
  return all;
}

}  // namespace mmm
