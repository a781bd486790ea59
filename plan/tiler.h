// The built-in mapper: picks buffer tile sizes and the tile loop order for a layer that does
// not give them, and checks the ones a trace gives.
//
// It searches tile sizes that are powers-of-two multiples of the array's granule in each
// spatial dimension (so folds are full) plus the whole extent, keeps those whose largest
// footprint fits one buffer slot, and picks the one with the shortest estimated time:
// max(compute cycles, DRAM bytes / DRAM bandwidth); ties go to less DRAM traffic, then to larger
// tiles. DRAM traffic per loop order is the loop-nest walker's closed form (plan/loop_nest.h)
// under Reuse::loop_iteration: an operand is refetched whenever a loop it depends on, or any loop
// outside that, advances.
//
// Weights a sparse decoder stores compressed are planned as stored: their compressed size in
// the footprint and the DRAM traffic, and only their kept values in the compute time.
#pragma once

#include <cstdint>
#include <vector>

#include "plan/architecture_facts.h"
#include "traces/layer.h"

namespace tessera {

struct TilePlan {
  GemmExtents tile{};
  LoopOrder order{GemmDim::n, GemmDim::m, GemmDim::k};
  Dataflow dataflow = Dataflow::ws;
};

// Estimated DRAM bytes (reads + writes) of a layer under a tile size and loop order.
[[nodiscard]] int64_t estimated_dram_bytes(const Layer& layer, const GemmExtents& tile,
                                           const LoopOrder& order);
// The same with the weight tiles `weight_bytes_change` bytes larger (negative: smaller), as
// when a sparse decoder stores them compressed.
[[nodiscard]] int64_t estimated_dram_bytes(const Layer& layer, const GemmExtents& tile,
                                           const LoopOrder& order, int64_t weight_bytes_change);

// The largest buffer footprint of any tile of the layer under this tile size (exact).
[[nodiscard]] int64_t max_tile_footprint(const Layer& layer, const GemmExtents& tile);

// A plan with the search's own estimate of it: max(compute cycles with fill and drain, DRAM
// bytes / DRAM bandwidth), and the DRAM bytes.
struct RankedPlan {
  TilePlan plan;
  int64_t estimated_cycles = 0;
  int64_t estimated_dram_bytes = 0;
};

// The search's `count` best plans of a layer, best first, in the order it ranks them (its pick
// first); the trace's mapping, where it gives a tile, is the only plan. Throws as plan_layer.
[[nodiscard]] std::vector<RankedPlan> ranked_plans(const Layer& layer,
                                                   const ArchitectureFacts& facts,
                                                   const std::string& trace_file, size_t count);

// The layer's plan: the trace's mapping where given, the search above for the rest. Throws
// InputError (naming `trace_file`, the layer's line and the mapping field) when a given tile is
// out of range or does not fit, or when no tile fits at all.
[[nodiscard]] TilePlan plan_layer(const Layer& layer, const ArchitectureFacts& facts,
                                  const std::string& trace_file);

// Every field of a layer that plan_layer reads, so layers with equal keys get equal plans (a
// model's decode loop repeats a few shapes thousands of times; each is planned once).
using PlanKey = std::vector<int64_t>;
[[nodiscard]] PlanKey plan_key(const Layer& layer);

}  // namespace tessera
