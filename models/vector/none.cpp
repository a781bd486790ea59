// vector: none — no vector unit. The controller rejects the layers that need one before anything
// is simulated, naming them, so a compute command never arrives here.
#include "models/vector/interface.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class NoVectorUnit : public VectorUnit {
 public:
  NoVectorUnit(const sc_core::sc_module_name& name, const ParamValues& p) : VectorUnit(name, p) {}

  [[nodiscard]] int64_t ops_per_cycle() const override { return 0; }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& /*delay*/) override {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  }
};

}  // namespace

TESSERA_REGISTER(VectorUnit, none, NoVectorUnit, "no vector unit", {});

}  // namespace tessera
