// ddr_refresh_policy: staggered — the ranks' refreshes are spread evenly over tREFI, rank r's
// falling due at (r + 1) / ranks of it, so that they never all block at once (DRAMSim3's
// RANK_LEVEL_STAGGERED).
#include "models/dram/ddr/policies.h"
#include "sim/registry.h"

namespace tessera::ddr {
namespace {

class Staggered : public RefreshPolicy {
 public:
  explicit Staggered(const Device& device)
      : interval_(static_cast<uint64_t>(device.tREFI)),
        ranks_(static_cast<uint64_t>(device.ranks)) {}
  [[nodiscard]] uint64_t first_due(int rank) const override {
    return interval_ * static_cast<uint64_t>(rank + 1) / ranks_;
  }

 private:
  uint64_t interval_, ranks_;
};

}  // namespace

TESSERA_REGISTER(RefreshPolicy, staggered, Staggered,
                 "all-bank refresh, the ranks spread evenly over tREFI", {});

}  // namespace tessera::ddr
