// A layer's buffer-level loop nest in closed form: its tiles grouped into classes of equal
// timing, and the DRAM traffic the tiled controller's residency rule causes.
//
// Residency (models/controller/step_pipeline.cpp): an operand tile is fetched when its key (the
// tile indices of the dims it depends on) differs from the previous step's; an output tile is
// written back when the next step's output key differs, and its partial sums are read back when
// it is entered again with a k index above 0. Ignoring loops of one tile, let D be the innermost
// loop a tensor depends on: every tile of the tensor then goes through memory `visits` times, the
// product of the tile counts of the loops outside D that the tensor does not depend on.
#pragma once

#include <cstdint>
#include <vector>

#include "plan/systolic_timing.h"
#include "plan/tile_geometry.h"
#include "plan/tiler.h"
#include "traces/layer.h"

namespace tessera::model {

// Tiles of equal extents, equal stream position and equal k-index-is-zero: they take equal time
// and move equal operand traffic between the buffer and the array.
struct TileClass {
  systolic::GemmTile tile;
  systolic::StreamPosition stream;  // where in a chunked stream (see systolic_timing.h)
  bool first_k = true;              // k index 0: the output tile holds no partial sums yet
  int64_t count = 0;
};

struct LoopNest {
  GemmExtents extents{};  // of the layer
  GemmExtents tiles{};    // tile count per dim
  std::vector<TileClass> classes;
  [[nodiscard]] int64_t steps() const { return tiles[0] * tiles[1] * tiles[2]; }
};

[[nodiscard]] LoopNest loop_nest(const Layer& layer, const TilePlan& plan);

// Bytes (and 64-bit buffer words, rounded up per transfer as the buffer counts them) one
// direction of DRAM traffic moves.
struct Transfers {
  int64_t bytes = 0;
  int64_t words = 0;
  void add(int64_t transfer_bytes, int64_t times);
};

struct DramTraffic {
  Transfers fetched;    // input and weight tiles, and partial sums read back
  Transfers written;    // output tiles written back
  int64_t refills = 0;  // output tiles whose partial sums were read back
};

[[nodiscard]] DramTraffic dram_traffic(const Layer& layer, const TilePlan& plan,
                                       const LoopNest& nest);

// How many times each tile of a tensor depending on dims `a` and `b` goes through memory.
[[nodiscard]] int64_t visits(const LoopOrder& order, const GemmExtents& tiles, GemmDim a,
                             GemmDim b);

}  // namespace tessera::model
