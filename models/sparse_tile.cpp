#include "models/sparse_tile.h"

#include <optional>
#include <stdexcept>

#include "sim/error.h"
#include "sparse/tile_choice.h"
#include "traces/sparse_operands.h"

namespace tessera {

Box SparseLayout::box(Tensor t, int64_t offset, int64_t count) const {
  Box b;
  b.shape = {1, 1, 1, words[static_cast<size_t>(t)]};
  b.lo = {0, 0, 0, offset};
  b.hi = {1, 1, 1, offset + count};
  return b;
}

SparseLayout sparse_layout(const SpmspmPlan& plan) {
  SparseLayout l;
  l.words = {plan.a_grid.total_words, plan.b_grid.total_words, plan.z_words};
  uint64_t base = 0;
  for (size_t t = 0; t < l.base.size(); ++t) {
    l.base[t] = base;
    base += (static_cast<uint64_t>(l.words[t] * kWordBytes) + 4095) / 4096 * 4096;
  }
  return l;
}

SparseTile sparse_tile(const SparseLayout& layout, const SpmspmStep& step) {
  SparseTile t;
  t.step = &step;
  t.a = layout.box(Tensor::inputs, step.a.offset, step.a.words());
  t.b = layout.box(Tensor::weights, step.b.offset, step.b.words());
  t.z_in = layout.box(Tensor::outputs, step.z_offset, step.z_in_words);
  t.z_out = layout.box(Tensor::outputs, step.z_offset, step.z_out_words);
  t.a_address = layout.address(Tensor::inputs, step.a.offset);
  t.b_address = layout.address(Tensor::weights, step.b.offset);
  t.z_address = layout.address(Tensor::outputs, step.z_offset);
  return t;
}

SpmspmPlan plan_sparse_layer(const Layer& layer, const ArchitectureFacts& f,
                             const std::string& file) {
  const OperandRegions regions = operand_regions(f.buffer_capacity_bytes, f.double_buffered);
  const SparseMatrix& a = *layer.sparse->a;
  const SparseMatrix& b = *layer.sparse->b;
  const SourceLocation at{file, layer.line, "mapping.buffer_tile"};
  std::optional<TileShape> shape;
  if (layer.mapping.buffer_tile) {
    const GemmExtents& t = *layer.mapping.buffer_tile;
    shape = TileShape{t[dim_index(GemmDim::m)], t[dim_index(GemmDim::k)], t[dim_index(GemmDim::n)]};
    // Only tailors may overbook; for the other buffers a tile that does not fit is bad input.
    if (f.tile_policy != TilePolicy::swiftiles && !tiles_fit(a, b, *shape, regions)) {
      throw InputError(at, "layer '" + layer.name +
                               "': some A, B or output tile of this size does not fit its "
                               "buffer region (only the tailors buffer overbooks)");
    }
  } else {
    shape = choose_tile(a, b, f.tile_policy, regions, f.overbook_target);
  }
  if (!shape) {
    throw InputError({file, layer.line, "buffer.capacity_kib"},
                     "layer '" + layer.name + "': the buffer (" +
                         std::to_string(f.buffer_capacity_bytes) +
                         " bytes) cannot hold even a 1 x 1 tile of each operand");
  }
  try {
    return plan_spmspm(a, b, *shape);
  } catch (const std::invalid_argument&) {
    throw InputError(at, "layer '" + layer.name + "': tiles too small for this matrix");
  }
}

}  // namespace tessera
