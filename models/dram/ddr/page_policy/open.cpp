// ddr_page_policy: open — a row stays open after its reads and writes, until a request for
// another row of the bank (or a refresh) closes it.
#include "models/dram/ddr/policies.h"
#include "sim/registry.h"

namespace tessera::ddr {
namespace {

class OpenPage : public PagePolicy {
 public:
  explicit OpenPage(const Device& /*device*/) {}
  [[nodiscard]] bool close_after_column(int /*queued_row_hits*/) const override { return false; }
};

}  // namespace

TESSERA_REGISTER(PagePolicy, open, OpenPage,
                 "open page: a row stays open until another row of its bank is needed", {});

}  // namespace tessera::ddr
