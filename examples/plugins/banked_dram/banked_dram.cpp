// dram: banked — a DRAM of independent banks with a fixed access latency. Addresses interleave
// over the banks in chunks of `interleave_bytes`; each bank moves `bank_bytes_per_cycle` and
// serves one transaction at a time, in arrival order. A transaction is done `latency_cycles`
// after its slowest bank has moved its last chunk.
//
// An example of a DRAM built outside tessera's tree: one file, built against the installed
// package, loaded with `tessera --plugin libbanked_dram.so -p dram.impl=banked`.
#include <algorithm>
#include <cmath>
#include <vector>

#include "models/dram/interface.h"
#include "models/functional_store.h"
#include "sim/numbers.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

using tessera::ceil_div;

class BankedDram : public tessera::Dram {
 public:
  BankedDram(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : Dram(name, p),
        bank_free_(static_cast<size_t>(p.get_int("banks")), 0),
        interleave_(p.get_int("interleave_bytes")),
        bank_bytes_per_cycle_(p.get_int("bank_bytes_per_cycle")),
        latency_(static_cast<uint64_t>(p.get_int("latency_cycles"))),
        reads_(stats().counter("reads", "transactions", "read transactions")),
        writes_(stats().counter("writes", "transactions", "write transactions")),
        read_bytes_(stats().counter("read_byte", "bytes", "bytes read", true)),
        write_bytes_(stats().counter("write_byte", "bytes", "bytes written", true)),
        bank_busy_(stats().counter("bank_busy_cycles", "bank-cycles",
                                   "cycles banks spent moving data, summed over banks")) {
    counts_bytes_in(read_bytes_, write_bytes_);
  }

  [[nodiscard]] double peak_bytes_per_cycle() const override {
    return static_cast<double>(bank_bytes_per_cycle_) * static_cast<double>(bank_free_.size());
  }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    tessera::TileExtension& ext = tessera::extension_of(p);
    const uint64_t arrival = cycle_at(delay);
    const auto bytes = static_cast<int64_t>(ext.bytes);
    // The chunks the transaction touches, and how many fall on each bank: consecutive chunks go
    // to consecutive banks, so each bank has `chunks / banks` or one more.
    const auto address = static_cast<int64_t>(p.get_address());
    const int64_t first = address / interleave_;
    const int64_t chunks = bytes == 0 ? 0 : (address + bytes - 1) / interleave_ - first + 1;
    const auto banks = static_cast<int64_t>(bank_free_.size());
    uint64_t last = arrival;
    for (int64_t i = 0; i < std::min(chunks, banks); ++i) {
      const int64_t per_bank = chunks / banks + (i < chunks % banks ? 1 : 0);
      // Whole chunks, except that a transaction smaller than one chunk moves only its bytes.
      const int64_t moved = std::min(per_bank * interleave_, bytes);
      const auto busy = static_cast<uint64_t>(ceil_div(moved, bank_bytes_per_cycle_));
      uint64_t& free = bank_free_[static_cast<size_t>((first + i) % banks)];
      free = std::max(free, arrival) + busy;
      bank_busy_ += busy;
      last = std::max(last, free);
    }
    if (p.is_read()) {
      ++reads_;
      read_bytes_ += static_cast<uint64_t>(bytes);
    } else {
      ++writes_;
      write_bytes_ += static_cast<uint64_t>(bytes);
    }
    if (p.get_data_ptr() != nullptr) store_.transfer(p, ext.box);
    const uint64_t done = last + latency_;
    delay = delay_until(done);
    // The banks' time is bandwidth (and queueing behind earlier transactions); the rest latency.
    ext.transfer_time = {last - arrival, latency_, 0};
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  unsigned debug_transport(tlm::tlm_generic_payload& p) override {
    return store_.debug(p, tessera::extension_of(p).box);
  }

 private:
  std::vector<uint64_t> bank_free_;  // cycle each bank finishes its queued work
  int64_t interleave_, bank_bytes_per_cycle_;
  uint64_t latency_;
  tessera::FunctionalStore store_;
  uint64_t &reads_, &writes_, &read_bytes_, &write_bytes_, &bank_busy_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(Dram, banked, BankedDram,
                 "independent banks interleaved by address, each with its own bandwidth, and a "
                 "fixed latency",
                 {int_param("banks", 8, "banks", "number of banks"),
                  int_param("interleave_bytes", 256, "bytes", "consecutive bytes on one bank"),
                  int_param("bank_bytes_per_cycle", 4, "bytes", "bandwidth of one bank per cycle"),
                  int_param("latency_cycles", 80, "cycles", "access latency after the data moved",
                            0)});
}  // namespace tessera

TESSERA_PLUGIN()
