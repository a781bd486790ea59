// Authentication blocks: a tensor's linear (row-major) layout cut into blocks of w elements,
// each with its own tag; the last block is shorter when w does not divide the tensor.
//
// A tile's footprint (a box of the tensor) is a set of rows in that layout. How many blocks it
// overlaps, and how many it covers entirely, is counted in closed form: row i of a run of rows
// starts at s + u*i, so what a row overlaps depends only on its residue r = (s + u*i) mod w, and
// the rows with residue r are the solutions i of the linear congruence u*i = r - s (mod w).
#pragma once

#include <cstdint>

#include "plan/tile_geometry.h"

namespace tessera {

struct BlockCount {
  int64_t blocks = 0;               // distinct blocks the footprint overlaps
  int64_t full_blocks = 0;          // of those, blocks lying entirely inside the footprint
  int64_t block_elements = 0;       // elements in the overlapped blocks (what must be fetched)
  int64_t full_block_elements = 0;  // elements in the blocks lying entirely inside
  int64_t first_block = 0;          // lowest and highest overlapped block index (when blocks > 0)
  int64_t last_block = 0;

  [[nodiscard]] bool operator==(const BlockCount& o) const {
    return blocks == o.blocks && full_blocks == o.full_blocks &&
           block_elements == o.block_elements && full_block_elements == o.full_block_elements &&
           (blocks == 0 || (first_block == o.first_block && last_block == o.last_block));
  }
};

// Blocks of `w` elements (w >= 1) of the whole tensor `box.shape` that `box` overlaps.
[[nodiscard]] BlockCount count_auth_blocks(const Box& box, int64_t w);

// The number of i in [0, n) with u*i = c (mod w), from the congruence's solution class.
[[nodiscard]] int64_t congruence_solutions(int64_t u, int64_t c, int64_t w, int64_t n);

// Calls f(first, length) for each maximal run of consecutive elements of the box in the
// tensor's linear layout, in increasing order.
template <typename F>
void for_each_row(const Box& box, F&& f);

// Number of elements of the whole tensor.
[[nodiscard]] inline int64_t tensor_elements(const Box& box) {
  return box.shape[0] * box.shape[1] * box.shape[2] * box.shape[3];
}

// The rows of a box: `groups` runs of `rows` rows of `length` elements, row i of a run starting
// `stride` after row i-1. Inner dimensions the box covers entirely are merged into the rows.
struct RowLayout {
  int64_t length = 0;
  int64_t rows = 1;
  int64_t stride = 0;
  int outer_dims = 0;  // dimensions 0 .. outer_dims-1 enumerate the runs
};
[[nodiscard]] RowLayout row_layout(const Box& box);

template <typename F>
void for_each_row(const Box& box, F&& f) {
  if (box.empty()) return;
  const RowLayout r = row_layout(box);
  std::array<int64_t, 4> at = box.lo;
  while (true) {
    // Start of this run: the box's lower corner in the non-outer dimensions.
    const int64_t start = Box{box.shape, at, box.hi}.first_element();
    for (int64_t i = 0; i < r.rows; ++i) f(start + i * r.stride, r.length);
    int d = r.outer_dims - 1;
    for (; d >= 0; --d) {
      if (++at[static_cast<size_t>(d)] < box.hi[static_cast<size_t>(d)]) break;
      at[static_cast<size_t>(d)] = box.lo[static_cast<size_t>(d)];
    }
    if (d < 0) return;
  }
}

}  // namespace tessera
