// crypto: none — off-chip data travels in the clear; transfers pass through untouched.
#include "models/crypto/interface.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class NoCrypto : public CryptoEngine {
 public:
  NoCrypto(const sc_core::sc_module_name& name, const ParamValues& p) : CryptoEngine(name, p) {}

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    to_dram->b_transport(p, delay);
  }
  unsigned debug_transport(tlm::tlm_generic_payload& p) override {
    return to_dram->transport_dbg(p);
  }
};

}  // namespace

TESSERA_REGISTER(CryptoEngine, none, NoCrypto, "no encryption or authentication", {});

}  // namespace tessera
