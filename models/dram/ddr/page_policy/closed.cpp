// ddr_page_policy: closed — the last read or write that a queued request wants of a row carries
// an auto-precharge (RDA, WRA): the bank closes as soon as tRAS, tRTP or tWR allow, without a
// command of its own.
#include "models/dram/ddr/policies.h"
#include "sim/registry.h"

namespace tessera::ddr {
namespace {

class ClosedPage : public PagePolicy {
 public:
  explicit ClosedPage(const Device& /*device*/) {}
  [[nodiscard]] bool close_after_column(int queued_row_hits) const override {
    return queued_row_hits == 0;
  }
};

}  // namespace

TESSERA_REGISTER(PagePolicy, closed, ClosedPage,
                 "closed page: a row closes after the last queued request that hits it", {});

}  // namespace tessera::ddr
