// What the planning code knows of an architecture: the facts the controller plans with and the
// analytical model estimates with. The top level gathers them from each module's description, so
// neither the controller nor the model reaches into another module.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "plan/systolic_timing.h"
#include "plan/tile_geometry.h"
#include "sparse/tile_choice.h"
#include "traces/layer.h"

namespace tessera {

// A weight tile stored compressed: its size (values and metadata) and the reduction values each
// output column steps through (on average: the tiler plans with it).
struct CompressedWeights {
  int64_t bytes = 0;
  int64_t rows = 0;
};

struct ArchitectureFacts {
  systolic::ArrayShape array;
  Dataflow dataflow = Dataflow::ws;
  int64_t buffer_capacity_bytes = 0;
  bool double_buffered = true;
  int64_t buffer_port_bytes_per_cycle = 0;  // each PE-side port (read, write); 0: unlimited
  double dram_bytes_per_cycle = 0;          // peak; 0 means unlimited
  double crypto_bytes_per_cycle = 0;        // peak of the crypto engines; 0: none configured
  bool crypto_authenticates = false;        // tensors in authentication blocks (aes_gcm)
  // A weight tile as the sparse decoder stores and feeds it when compressed; nothing when it is
  // dense. Empty: always dense.
  std::function<std::optional<CompressedWeights>(const Layer&, const GemmRange&)>
      compressed_weights;
  // How sparse layers' tiles are sized, and for swiftiles the fraction that may overbook.
  TilePolicy tile_policy = TilePolicy::worst_case;
  double overbook_target = 0;
  bool buffer_needs_next_use = false;  // placements tell when each tile is needed next
  int64_t vector_ops_per_cycle = 0;    // of the vector unit; 0: none
};

}  // namespace tessera
