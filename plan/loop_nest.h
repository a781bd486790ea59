// A layer's buffer-level loop nest: which tiles it moves between DRAM and the buffer, and (for the
// analytical model) its tiles grouped into classes of equal timing.
//
// The walker is the one statement of the residency rule. A tensor's tile key is the tile indices
// of the dims it depends on (inputs m,k; weights k,n; outputs m,n). A step fetches the operand
// tiles whose key differs from the previous step's; an output tile entered again after the loop
// left it (its k index above 0) has its partial sums read back, and is written back when the next
// step leaves it. In closed form, ignoring loops of one tile (they never change a key): let D be
// the innermost loop a tensor depends on; every tile of the tensor goes through memory `visits`
// times, the product of the tile counts of the loops outside D that the tensor does not depend on.
// Every tile of a tensor moves equally often, so the counts cost nothing per tile.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "plan/systolic_timing.h"
#include "plan/tile_geometry.h"
#include "plan/tiler.h"
#include "traces/layer.h"

namespace tessera {

// The two GEMM dims a tensor's tiles are indexed by.
[[nodiscard]] std::array<GemmDim, 2> depends_on(Tensor t);

// How long a tile brought into the buffer serves.
enum class Reuse {
  // While the tile key stays the same: what the tiled controller does.
  same_key,
  // For one iteration of the innermost loop the tensor depends on, even when that loop or one
  // between has a single tile: the cruder count the tiler ranks tiles and loop orders by.
  loop_iteration,
};

// Every order of the three tile loops, outermost first.
inline constexpr std::array<LoopOrder, 6> kLoopOrders{{{GemmDim::m, GemmDim::n, GemmDim::k},
                                                       {GemmDim::n, GemmDim::m, GemmDim::k},
                                                       {GemmDim::m, GemmDim::k, GemmDim::n},
                                                       {GemmDim::k, GemmDim::m, GemmDim::n},
                                                       {GemmDim::n, GemmDim::k, GemmDim::m},
                                                       {GemmDim::k, GemmDim::n, GemmDim::m}}};

using TileIndex = std::array<int64_t, 3>;     // per GEMM dim, indexed by GemmDim
using TileKey = std::pair<int64_t, int64_t>;  // a tensor's tile: its two dims' indices

// Tiles per dim of a layer of `extents` cut into tiles of `tile` (the last one may be smaller).
[[nodiscard]] GemmExtents tile_counts(const GemmExtents& extents, const GemmExtents& tile);
// The GEMM ranges of the tile at `index`.
[[nodiscard]] GemmRange tile_range(const TileIndex& index, const GemmExtents& tile,
                                   const GemmExtents& extents);
// How many tiles a tensor has.
[[nodiscard]] int64_t tensor_tiles(const GemmExtents& tiles, Tensor t);

// Whether consecutive tiles along the streamed dim continue one stream (one fill, one drain): only
// when that dim is the innermost loop and has more than one tile.
[[nodiscard]] bool streams_across_tiles(const LoopOrder& order, const GemmExtents& tiles,
                                        Dataflow dataflow);

// How many times each tile of a tensor goes through memory (all its tiles alike).
struct TileMoves {
  int64_t fetched = 0;    // inputs and weights brought in
  int64_t read_back = 0;  // output tiles whose partial sums come back
  int64_t written = 0;    // output tiles written back
};

[[nodiscard]] TileMoves tile_moves(const LoopOrder& order, const GemmExtents& tiles, Tensor t,
                                   Reuse reuse = Reuse::same_key);

// One step of the walk.
struct WalkStep {
  TileIndex index{};
  std::array<bool, kNumTensors> enters{};  // a tile other than the previous step's (fetched)
  bool accumulates = false;                // the output tile holds partial sums already
  bool reads_back = false;                 // enters an output tile that accumulates
  bool writes_back = false;                // the next step leaves the output tile, or is none
};

// The loop nest step by step, the innermost loop fastest. Any step is found directly.
class LoopWalk {
 public:
  LoopWalk() = default;
  LoopWalk(const LoopOrder& order, const GemmExtents& tiles, Reuse reuse = Reuse::same_key);

  [[nodiscard]] const GemmExtents& tiles() const { return tiles_; }
  [[nodiscard]] int64_t steps() const { return tiles_[0] * tiles_[1] * tiles_[2]; }
  [[nodiscard]] TileIndex tile_index(int64_t step) const;
  [[nodiscard]] TileKey tile_key(int64_t step, Tensor t) const;
  // A step with a k index above 0 adds to partial sums (a resident output tile always does).
  [[nodiscard]] bool accumulates(int64_t step) const;
  [[nodiscard]] WalkStep step(int64_t step) const;

 private:
  [[nodiscard]] bool same_tile(int64_t a, int64_t b, Tensor t) const;

  LoopOrder order_{GemmDim::m, GemmDim::n, GemmDim::k};
  GemmExtents tiles_{1, 1, 1};
  Reuse reuse_ = Reuse::same_key;
};

}  // namespace tessera

namespace tessera::model {

inline constexpr int64_t kEnergyWordBytes = 8;  // the buffer counts energy per 64-bit word

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

}  // namespace tessera::model
