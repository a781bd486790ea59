// ddr_scheduler: fcfs — in order: only the oldest queued request issues commands (its ACT, PRE
// or column), so requests complete in the order they arrived.
#include "models/dram/ddr/policies.h"
#include "sim/registry.h"

namespace tessera::ddr {
namespace {

class Fcfs : public Scheduler {
 public:
  explicit Fcfs(const Device& /*device*/) {}
  [[nodiscard]] bool in_order() const override { return true; }
  [[nodiscard]] bool closes_rows_with_hits() const override { return true; }
  // The oldest request competes only with a refresh's commands: its row hit goes first, its ACT
  // or PRE waits (the refresh's commands count as older).
  [[nodiscard]] int priority(CommandKind /*kind*/, bool hit) const override { return hit ? 0 : 1; }
};

}  // namespace

TESSERA_REGISTER(Scheduler, fcfs, Fcfs, "in order: the oldest request alone issues commands", {});

}  // namespace tessera::ddr
