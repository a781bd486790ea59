// The sparse-decoder family: sits between the PE array and the buffer, turning compressed operand
// data into what the PEs consume.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/component.h"
#include "models/payload.h"

namespace tessera {

class SparseDecoder : public Component {
 public:
  static constexpr const char* kFamily = "sparse";

  tlm_utils::simple_target_socket<SparseDecoder> from_pe;
  tlm_utils::simple_initiator_socket<SparseDecoder> to_buffer;

  SparseDecoder(const sc_core::sc_module_name& name, ParamValues params)
      : Component(name, std::move(params)), from_pe("from_pe"), to_buffer("to_buffer") {
    from_pe.register_b_transport(this, &SparseDecoder::b_transport);
  }

 protected:
  virtual void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
};

}  // namespace tessera
