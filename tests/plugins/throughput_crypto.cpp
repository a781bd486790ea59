// crypto: throughput — test only: an engine that moves `bytes_per_cycle` and leaves the data as
// they are. It works through one transfer at a time, in arrival order: a write before DRAM sees
// it, a read after DRAM answered.
//
// With the other families' test modules, it shows that an implementation of any family is one
// file built against the family's interface header (tests/plugins/plugins.cmake).
#include <algorithm>

#include "models/crypto/interface.h"
#include "sim/numbers.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

class ThroughputCrypto : public tessera::CryptoEngine {
 public:
  ThroughputCrypto(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : CryptoEngine(name, p),
        bytes_per_cycle_(p.get_int("bytes_per_cycle")),
        bytes_(stats().counter("bytes", "bytes", "bytes passed through the engine")),
        busy_(stats().counter("busy_cycles", "cycles", "cycles the engine moved data")) {}

  [[nodiscard]] double peak_bytes_per_cycle() const override {
    return static_cast<double>(bytes_per_cycle_);
  }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    tessera::TileExtension& ext = tessera::extension_of(p);
    const uint64_t issue = to_cycles(delay);
    if (p.is_write()) pass(ext.bytes, delay);
    ext.may_defer = false;  // the engine times itself from the DRAM's answer
    to_dram->b_transport(p, delay);
    if (p.is_read()) pass(ext.bytes, delay);
    // DRAM answered its own part of the transfer's time; the engine's is the rest.
    const tessera::TransferTime& t = ext.transfer_time;
    ext.transfer_time.crypto = to_cycles(delay) - issue - t.dram_bandwidth - t.dram_latency;
  }

  unsigned debug_transport(tlm::tlm_generic_payload& p) override {
    return to_dram->transport_dbg(p);
  }

 private:
  // The engine takes `bytes` at `delay` (or when it is free) and moves `delay` to when it is done.
  void pass(int64_t bytes, sc_core::sc_time& delay) {
    const auto cycles_needed = static_cast<uint64_t>(tessera::ceil_div(bytes, bytes_per_cycle_));
    const uint64_t start = std::max(cycle_at(delay), free_);
    free_ = start + cycles_needed;
    bytes_ += static_cast<uint64_t>(bytes);
    busy_ += cycles_needed;
    delay = delay_until(free_);
  }

  int64_t bytes_per_cycle_;
  uint64_t free_ = 0;  // cycle the engine finishes its queued work
  uint64_t &bytes_, &busy_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(CryptoEngine, throughput, ThroughputCrypto,
                 "test only: moves bytes_per_cycle, one transfer at a time, data unchanged",
                 {int_param("bytes_per_cycle", 8, "bytes", "bytes the engine moves per cycle")});
}  // namespace tessera

TESSERA_PLUGIN()
