#include "models/payload.h"

#include <algorithm>
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
  for (uint64_t bits = forwarded_; bits != 0; bits &= bits - 1) {
    payload.set_extension(static_cast<unsigned>(__builtin_ctzll(bits)), nullptr);
  }
  for (const unsigned index : forwarded_beyond_64_) payload.set_extension(index, nullptr);
  payload.clear_extension(&ext);
}

namespace {

std::vector<unsigned>& family_extension_list() {
  static std::vector<unsigned> list;
  return list;
}

}  // namespace

void note_family_extension(unsigned index) {
  std::vector<unsigned>& list = family_extension_list();
  if (std::find(list.begin(), list.end(), index) == list.end()) list.push_back(index);
}

void Transaction::forward_extensions(const tlm::tlm_generic_payload& from) {
  for (const unsigned index : family_extension_list()) {
    tlm::tlm_extension_base* e = from.get_extension(index);
    if (e == nullptr || payload.get_extension(index) != nullptr) continue;
    payload.set_extension(index, e);
    if (index < 64) {
      forwarded_ |= uint64_t{1} << index;
    } else {
      forwarded_beyond_64_.push_back(index);
    }
  }
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
