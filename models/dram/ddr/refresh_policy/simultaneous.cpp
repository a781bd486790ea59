// ddr_refresh_policy: simultaneous — every rank refreshes every tREFI at the same time
// (DRAMSim3's RANK_LEVEL_SIMULTANEOUS): the whole channel blocks for tRFC at once.
#include "models/dram/ddr/policies.h"
#include "sim/registry.h"

namespace tessera::ddr {
namespace {

class Simultaneous : public RefreshPolicy {
 public:
  explicit Simultaneous(const Device& device) : interval_(static_cast<uint64_t>(device.tREFI)) {}
  [[nodiscard]] uint64_t first_due(int /*rank*/) const override { return interval_; }

 private:
  uint64_t interval_;
};

}  // namespace

TESSERA_REGISTER(RefreshPolicy, simultaneous, Simultaneous,
                 "all-bank refresh, every rank at once every tREFI", {});

}  // namespace tessera::ddr
