#include "models/functional_store.h"

#include <stdexcept>

#include "sim/error.h"

namespace tessera {

namespace {
// Visits every element of the box in row-major order with its index in the whole tensor.
template <typename F>
void for_each_element(const Box& box, F&& f) {
  int64_t i = 0;
  for (int64_t a = box.lo[0]; a < box.hi[0]; ++a) {
    for (int64_t b = box.lo[1]; b < box.hi[1]; ++b) {
      for (int64_t c = box.lo[2]; c < box.hi[2]; ++c) {
        const int64_t row = ((a * box.shape[1] + b) * box.shape[2] + c) * box.shape[3];
        for (int64_t d = box.lo[3]; d < box.hi[3]; ++d) f(i++, row + d);
      }
    }
  }
}
}  // namespace

void gather_box(const std::vector<int32_t>& tensor, const Box& box, int32_t* out) {
  for_each_element(box, [&](int64_t i, int64_t at) { out[i] = tensor[static_cast<size_t>(at)]; });
}

void scatter_box(std::vector<int32_t>& tensor, const Box& box, const int32_t* in) {
  for_each_element(box, [&](int64_t i, int64_t at) { tensor[static_cast<size_t>(at)] = in[i]; });
}

FunctionalStore::Region& FunctionalStore::region_at(uint64_t address) {
  auto it = regions_.upper_bound(address);
  if (it == regions_.begin()) {
    throw SimulationError("functional memory: no tensor at address " + std::to_string(address));
  }
  return (--it)->second;
}

namespace {
void check_size(const tlm::tlm_generic_payload& p, const Box& box) {
  if (p.get_data_length() != box.volume() * sizeof(int32_t)) {
    throw std::logic_error("functional transfer: data length does not match its box");
  }
}
}  // namespace

void FunctionalStore::transfer(tlm::tlm_generic_payload& p, const Box& box) {
  check_size(p, box);
  Region& r = region_at(p.get_address());
  auto* data = reinterpret_cast<int32_t*>(p.get_data_ptr());
  if (p.is_read()) {
    gather_box(r.values, box, data);
  } else {
    scatter_box(r.values, box, data);
  }
}

unsigned FunctionalStore::debug(tlm::tlm_generic_payload& p, const Box& box) {
  check_size(p, box);
  auto* data = reinterpret_cast<int32_t*>(p.get_data_ptr());
  if (p.is_write() && box.lo == std::array<int64_t, 4>{0, 0, 0, 0} && box.hi == box.shape) {
    // A new tensor replaces any older one it overlaps (layers reuse addresses); otherwise a later
    // transfer into it could land in a stale tensor that starts inside it. Elements are at most
    // 4 bytes, so the tensor ends before base + 4 * volume.
    const uint64_t base = p.get_address();
    regions_.erase(regions_.upper_bound(base),
                   regions_.lower_bound(base + 4 * static_cast<uint64_t>(box.volume())));
    Region& r = regions_[base];
    r.whole = box;
    r.values.assign(data, data + box.volume());
  } else {
    transfer(p, box);
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return p.get_data_length();
}

}  // namespace tessera
