#include "sim/rank_correlation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace tessera {
namespace {

void check_same_size(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("rank correlation of unequal samples");
}

}  // namespace

std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t first = 0; first < order.size();) {
    size_t last = first;  // one past the run of values equal to order[first]'s
    while (last < order.size() && values[order[last]] == values[order[first]]) ++last;
    // Positions first..last-1 hold ranks first+1..last; their mean is (first + 1 + last) / 2.
    const double rank = (static_cast<double>(first + 1) + static_cast<double>(last)) / 2;
    for (size_t i = first; i < last; ++i) ranks[order[i]] = rank;
    first = last;
  }
  return ranks;
}

std::optional<double> spearman_rho(const std::vector<double>& x, const std::vector<double>& y) {
  check_same_size(x, y);
  if (x.size() < 2) return std::nullopt;
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  // Every rank vector of n values has the mean (n + 1) / 2.
  const double mean = (static_cast<double>(x.size()) + 1) / 2;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx == 0 || syy == 0) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

std::optional<double> kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  check_same_size(x, y);
  if (x.size() < 2) return std::nullopt;
  // Pairs tied in x (or y) count in neither the concordant nor the discordant sum.
  double concordant = 0, discordant = 0, untied_x = 0, untied_y = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    for (size_t j = i + 1; j < x.size(); ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      untied_x += dx != 0 ? 1 : 0;
      untied_y += dy != 0 ? 1 : 0;
      if (dx != 0 && dy != 0) ((dx > 0) == (dy > 0) ? concordant : discordant) += 1;
    }
  }
  if (untied_x == 0 || untied_y == 0) return std::nullopt;
  return (concordant - discordant) / std::sqrt(untied_x * untied_y);
}

}  // namespace tessera
