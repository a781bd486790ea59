// ddr_scheduler: reads_first — test only: of the commands that can issue at once, a read of an
// open row goes first, then a write to one, then any ACT or PRE; the oldest among alike.
//
// A policy of `dram: ddr` is one file too (models/dram/ddr/policies.h), in the tree or, as here,
// in a plugin.
#include "models/dram/ddr/policies.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace tessera::ddr {
namespace {

class ReadsFirst : public Scheduler {
 public:
  explicit ReadsFirst(const Device& /*device*/) {}
  [[nodiscard]] bool in_order() const override { return false; }
  [[nodiscard]] bool closes_rows_with_hits() const override { return false; }
  [[nodiscard]] int priority(CommandKind kind, bool hit) const override {
    if (!hit) return 2;
    return kind == CommandKind::read ? 0 : 1;
  }
};

}  // namespace

TESSERA_REGISTER(Scheduler, reads_first, ReadsFirst,
                 "row hits first, reads before writes, then the oldest request", {});

}  // namespace tessera::ddr

TESSERA_PLUGIN()
