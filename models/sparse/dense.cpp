// sparse: dense — no compression: operand requests pass straight to the buffer.
#include "models/sparse/interface.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class DenseDecoder : public SparseDecoder {
 public:
  DenseDecoder(const sc_core::sc_module_name& name, const ParamValues& p)
      : SparseDecoder(name, p) {}

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    to_buffer->b_transport(p, delay);
  }
};

}  // namespace

TESSERA_REGISTER(SparseDecoder, dense, DenseDecoder, "dense operands, passed through", {});

}  // namespace tessera
