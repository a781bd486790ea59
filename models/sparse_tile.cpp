#include "models/sparse_tile.h"

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

}  // namespace tessera
