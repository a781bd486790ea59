#include "models/sparse/input_skipping.h"

#include <algorithm>
#include <cmath>

#include "sim/numbers.h"

namespace tessera {

int64_t slowest_lane(int64_t trials, double p, int64_t lanes, int64_t population) {
  const double mean = static_cast<double>(trials) * p;
  double variance = mean * (1 - p);
  if (population > 1) {
    const auto n = static_cast<double>(population);
    variance *= std::max(0.0, (n - static_cast<double>(trials)) / (n - 1));
  }
  const double spread = lanes > 1 ? std::sqrt(2 * std::log(static_cast<double>(lanes))) : 0;
  // The small slack keeps an exact whole mean (p = 1) from rounding up.
  return std::min(trials,
                  static_cast<int64_t>(std::ceil(mean + spread * std::sqrt(variance) - 1e-9)));
}

DualWork skip_input_blocks(int64_t rows, int64_t effectual, int64_t block_kept,
                           double input_blocks_kept, int64_t input_blocks, int64_t m) {
  DualWork w;
  w.rows =
      block_kept * slowest_lane(ceil_div(rows, block_kept), input_blocks_kept, m, input_blocks);
  w.macs = std::llround(static_cast<double>(m * effectual) * input_blocks_kept);
  return w;
}

DualWork skip_input_values(int64_t rows, int64_t effectual, double input_density, int64_t m) {
  DualWork w;
  w.rows = slowest_lane(rows, input_density, m);
  w.macs = std::llround(static_cast<double>(m * effectual) * input_density);
  return w;
}

}  // namespace tessera
