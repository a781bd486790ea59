#include "models/payload.h"

#include <stdexcept>

#include "sim/error.h"

namespace tessera {

void Transaction::prepare(tlm::tlm_command cmd, uint64_t address, int32_t* data, size_t elements) {
  tlm::tlm_generic_payload& p = payload;
  p.set_command(cmd);
  p.set_address(address);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(data));
  p.set_data_length(static_cast<unsigned>(elements * sizeof(int32_t)));
  p.set_streaming_width(static_cast<unsigned>(elements * sizeof(int32_t)));
  p.set_byte_enable_ptr(nullptr);
  p.set_dmi_allowed(false);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

Transaction::~Transaction() {
  payload.clear_extension(&ext);
}

void Completion::not_pending(const Completion& c) {
  if (c.pending()) throw std::logic_error("a pending transfer completion copied");
}

void Completion::then(Finish next) {
  if (!finish_) {
    next(*this);
    return;
  }
  finish_ = [first = std::move(finish_), next = std::move(next)](Completion& c) {
    first(c);
    next(c);
  };
}

uint64_t Completion::settle() {
  if (finish_) {
    const Finish finish = std::move(finish_);
    finish_ = nullptr;
    finish(*this);
  }
  return cycle;
}

TileExtension& extension_of(tlm::tlm_generic_payload& p) {
  auto* ext = p.get_extension<TileExtension>();
  if (ext == nullptr) throw std::logic_error("transaction without a TileExtension");
  return *ext;
}

void check_response(const tlm::tlm_generic_payload& p, const char* who) {
  if (p.is_response_error()) {
    throw SimulationError(std::string(who) + ": transaction failed: " + p.get_response_string());
  }
}

}  // namespace tessera
