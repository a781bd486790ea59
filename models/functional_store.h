// Tensor values held by a memory in functional mode. Tensors live at base addresses; a transfer
// names its tensor by address and the part it wants by a box, and the values move as int32 in the
// box's row-major order (see payload.h). Timing never depends on what is stored here.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include <tlm>

#include "plan/tile_geometry.h"

namespace tessera {

class FunctionalStore {
 public:
  // A timed read or write of `box` of the tensor the payload's address falls in.
  void transfer(tlm::tlm_generic_payload& p, const Box& box);
  // A debug access: a write of a whole tensor (box == whole tensor) creates it at the address.
  unsigned debug(tlm::tlm_generic_payload& p, const Box& box);

 private:
  struct Region {
    Box whole;
    std::vector<int32_t> values;
  };
  Region& region_at(uint64_t address);
  std::map<uint64_t, Region> regions_;  // by base address
};

// Copies between a box of a tensor and a dense array of the box's values.
void gather_box(const std::vector<int32_t>& tensor, const Box& box, int32_t* out);
void scatter_box(std::vector<int32_t>& tensor, const Box& box, const int32_t* in);

}  // namespace tessera
