// Why a layer took the cycles it took: its simulated cycles split into named causes that add up
// exactly to them. sim/REPORTS.md defines each cause; the models report the parts they know
// (the PE array its folds, the memory side its transfer times) and the controller, which sees
// the whole timeline, assigns every cycle to exactly one cause.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string_view>

namespace tessera {

enum class CycleCause : size_t {
  compute,               // the layer's MACs over all PEs: the cycles a perfectly used array needs
  array_underuse,        // fold cycles in which rows or columns of the array did no MAC
  fill_drain,            // folds filling and draining the array
  buffer_port_stall,     // tiles waiting for the buffer's PE-side ports
  dram_bandwidth_stall,  // the array waiting for data that DRAM's peak bandwidth delivers late
  dram_latency_stall,    // the same, for DRAM time beyond its peak bandwidth (rows, refresh, ...)
  crypto_stall,          // the same, for the crypto engine's time
  overbook_refetch,      // the same, for bumped tails re-fetched by an overbooked buffer
  sparse_imbalance,      // sparse tiles: PEs idle while the fullest one finishes its work
  reencryption,  // re-encrypting the layer's inputs from another block size, before its tiles
  layer_start,   // the first fetch, which nothing overlaps
  layer_end,     // the last write-back, which nothing overlaps
};
inline constexpr size_t kNumCycleCauses = 12;

// Names as the reports print them, in the order above.
inline constexpr std::array<std::string_view, kNumCycleCauses> kCycleCauseNames{
    "compute",           "array_underuse",       "fill_drain",
    "buffer_port_stall", "dram_bandwidth_stall", "dram_latency_stall",
    "crypto_stall",      "overbook_refetch",     "sparse_imbalance",
    "reencryption",      "layer_start",          "layer_end"};

// Cycles per cause.
struct CycleCauses {
  std::array<uint64_t, kNumCycleCauses> cycles{};

  uint64_t& operator[](CycleCause c) { return cycles[static_cast<size_t>(c)]; }
  [[nodiscard]] uint64_t operator[](CycleCause c) const { return cycles[static_cast<size_t>(c)]; }
  [[nodiscard]] uint64_t total() const {
    return std::accumulate(cycles.begin(), cycles.end(), uint64_t{0});
  }
  CycleCauses& operator+=(const CycleCauses& o) {
    for (size_t i = 0; i < kNumCycleCauses; ++i) cycles[i] += o.cycles[i];
    return *this;
  }
};

}  // namespace tessera
