// dram: ideal — a fixed latency plus a bandwidth-limited channel, no banks or rows.
// Transfers are served in arrival order; each occupies the channel for bytes/bandwidth cycles and
// its data is available `latency` cycles after its transfer ends.
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "models/dram/interface.h"
#include "models/functional_store.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class IdealDram : public Dram {
 public:
  IdealDram(const sc_core::sc_module_name& name, const ParamValues& p)
      : Dram(name, p),
        bytes_per_cycle_(p.get_real("bandwidth_gbps") * 1e3 / clock_mhz()),
        latency_cycles_(
            static_cast<uint64_t>(std::ceil(p.get_real("latency_ns") * clock_mhz() / 1e3))),
        reads_(stats().counter("reads", "transactions", "read transactions")),
        writes_(stats().counter("writes", "transactions", "write transactions")),
        read_bytes_(stats().counter("read_byte", "bytes", "bytes read", true)),
        write_bytes_(stats().counter("write_byte", "bytes", "bytes written", true)),
        busy_cycles_(
            stats().counter("busy_cycles", "cycles", "cycles the channel transferred data")) {
    counts_bytes_in(read_bytes_, write_bytes_);
  }

  [[nodiscard]] double peak_bytes_per_cycle() const override { return bytes_per_cycle_; }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    const uint64_t arrival = cycle_at(delay);
    const uint64_t start = std::max(arrival, channel_free_);
    const auto bytes = static_cast<uint64_t>(ext.bytes);
    const uint64_t transfer =
        bytes_per_cycle_ > 0 ? static_cast<uint64_t>(std::ceil(bytes / bytes_per_cycle_)) : 0;
    channel_free_ = start + transfer;
    busy_cycles_ += transfer;
    if (p.is_read()) {
      ++reads_;
      read_bytes_ += bytes;
    } else {
      ++writes_;
      write_bytes_ += bytes;
    }
    if (p.get_data_ptr() != nullptr) store_.transfer(p, ext.box);
    if (Timeline* t = timeline()) {
      t->transfer(timeline_track(*t), p.is_read() ? "read" : "write", start, start + transfer,
                  bytes, {{"bytes", static_cast<int64_t>(bytes)}});
    }
    delay = delay_until(start + transfer + latency_cycles_);
    ext.transfer_time = {start + transfer - arrival, latency_cycles_, 0};
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  unsigned debug_transport(tlm::tlm_generic_payload& p) override {
    return store_.debug(p, extension_of(p).box);
  }

 private:
  double bytes_per_cycle_;  // 0: unlimited
  uint64_t latency_cycles_;
  uint64_t channel_free_ = 0;
  FunctionalStore store_;
  uint64_t& reads_;
  uint64_t& writes_;
  uint64_t& read_bytes_;
  uint64_t& write_bytes_;
  uint64_t& busy_cycles_;
};

}  // namespace

TESSERA_REGISTER(Dram, ideal, IdealDram, "fixed latency plus one bandwidth-limited channel",
                 {real_param("bandwidth_gbps", 25.6, "GB/s", "peak bandwidth; 0 means unlimited"),
                  real_param("latency_ns", 100, "ns", "latency added to every transfer")});

}  // namespace tessera
