// ddr_scheduler: frfcfs — first-ready, first-come first-served (Rixner et al., ISCA 2000): of the
// commands that can issue first, a row hit goes before any other, then the oldest request's. A
// row that queued requests still hit is not closed under them.
#include "models/dram/ddr/policies.h"
#include "sim/registry.h"

namespace tessera::ddr {
namespace {

class FrFcfs : public Scheduler {
 public:
  explicit FrFcfs(const Device& /*device*/) {}
  [[nodiscard]] bool in_order() const override { return false; }
  [[nodiscard]] bool closes_rows_with_hits() const override { return false; }
  [[nodiscard]] int priority(CommandKind /*kind*/, bool hit) const override { return hit ? 0 : 1; }
};

}  // namespace

TESSERA_REGISTER(Scheduler, frfcfs, FrFcfs,
                 "first-ready: row hits first, then the oldest request; a row still hit stays open",
                 {});

}  // namespace tessera::ddr
