// Number helpers shared by every reader, model and report.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera {

[[nodiscard]] constexpr int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

// The whole text as a decimal integer (optional leading '-'), or nothing.
[[nodiscard]] inline std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The whole text as a finite decimal number, independent of the locale, or nothing.
[[nodiscard]] inline std::optional<double> parse_real(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

// The shortest decimal text that reads back as exactly `v`, independent of the locale.
[[nodiscard]] inline std::string shortest_text(double v) {
  char buf[32];  // the shortest form of any double fits
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "?";
}

// `total` shared out in proportion to `weights`, in whole numbers that add up to `total`: each
// part gets its quota rounded down, and what is left goes one by one to the largest remainders
// (the earlier part on a tie). With all weights zero, the first part gets everything.
template <size_t N>
[[nodiscard]] std::array<uint64_t, N> split_in_proportion(uint64_t total,
                                                          const std::array<uint64_t, N>& weights) {
  std::array<uint64_t, N> parts{};
  long double sum = 0;
  for (uint64_t w : weights) sum += static_cast<long double>(w);
  if (sum == 0) {
    parts[0] = total;
    return parts;
  }
  std::array<long double, N> remainder{};
  uint64_t given = 0;
  for (size_t i = 0; i < N; ++i) {
    const long double quota = static_cast<long double>(total) * weights[i] / sum;
    parts[i] = std::min(total - given, static_cast<uint64_t>(quota));
    // A part with no weight never gets a leftover.
    remainder[i] = weights[i] == 0 ? -1 : quota - static_cast<long double>(parts[i]);
    given += parts[i];
  }
  while (given < total) {
    size_t best = 0;
    for (size_t i = 1; i < N; ++i) {
      if (remainder[i] > remainder[best]) best = i;
    }
    ++parts[best];
    remainder[best] -= 1;
    ++given;
  }
  return parts;
}

}  // namespace tessera
