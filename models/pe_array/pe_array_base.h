// What the PE arrays share. Every array declares first, in this order, `mac` (MACs performed,
// the counter it counts_macs_in()), `idle_pe_cycle` (PE-cycles of a busy array without a MAC;
// both are priced energy actions) and `tiles`; then its own counters; then its busy and
// port-stall cycles (TileCycleCounters).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/pe_array/interface.h"
#include "models/sparse/interface.h"

namespace tessera {

class PeArrayBase : public PeArray {
 protected:
  PeArrayBase(const sc_core::sc_module_name& name, ParamValues params, const char* mac_description,
              const char* idle_description, const char* tiles_description);

  // Rejects a layer whose kind (dense or sparse) this array does not compute; `why` says so.
  [[noreturn]] static void reject_layer(const Layer& layer, const std::string& trace_file,
                                        const std::string& why);

  // Counts one computed tile: `macs` done over `pe_cycles` (PEs times the cycles they were busy).
  void count_tile(uint64_t macs, uint64_t pe_cycles) {
    macs_ += macs;
    idle_ += pe_cycles - macs;
    ++tiles_;
  }

  // How a tile's `total` cycles divide: the array itself needs `array.streaming +
  // array.fill_drain + array.imbalance` of them, the rest is spent waiting on the buffer's
  // ports, of which up to `refetch_wait` waiting for data re-fetched from memory.
  [[nodiscard]] static ComputeTime tile_time(ComputeTime array, uint64_t total,
                                             uint64_t refetch_wait);

  // Puts a tile computed from cycle `begin` on the timeline: the array busy (streaming, filling
  // and draining its folds, the fullest PE's extra work), then waiting for the buffer's ports.
  void record_tile(uint64_t begin, const ComputeTime& t) const;

  // What an operand access answered: the decoder's account of the data (weights it fed
  // compressed), and how long the buffer waited for memory.
  struct Fed {
    DecodedOperand decoded;
    uint64_t refetch_wait = 0;
  };
  // One buffer access of `bytes` through the sparse decoder, for the tile of the compute command
  // `command` (whose other extensions it forwards). `delay` is when it is issued and becomes when
  // it completes; `values` carry the data when `functional`.
  Fed access_operand(tlm::tlm_command cmd, tlm::tlm_generic_payload& command, Tensor tensor,
                     int slot, const Box& box, int64_t bytes, uint64_t address, bool functional,
                     std::vector<int32_t>& values, sc_core::sc_time& delay);

 private:
  uint64_t& macs_;
  uint64_t& idle_;
  uint64_t& tiles_;
};

// The cycles an array spends on tiles, declared after the array's own counters.
struct TileCycleCounters {
  TileCycleCounters(StatGroup& stats, const char* busy_description,
                    const char* port_stall_description)
      : busy(stats.counter("busy_cycles", "cycles", busy_description)),
        port_stall(stats.counter("port_stall_cycles", "cycles", port_stall_description)) {}

  void add(uint64_t busy_cycles, uint64_t port_stall_cycles) {
    busy += busy_cycles;
    port_stall += port_stall_cycles;
  }

  uint64_t& busy;
  uint64_t& port_stall;
};

}  // namespace tessera
