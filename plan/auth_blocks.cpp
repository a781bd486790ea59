#include "plan/auth_blocks.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace tessera {

namespace {

// x^-1 mod m for gcd(x, m) = 1 (extended Euclid).
int64_t inverse_mod(int64_t x, int64_t m) {
  int64_t r0 = m, r1 = x % m, t0 = 0, t1 = 1;
  while (r1 != 0) {
    const int64_t q = r0 / r1;
    std::tie(r0, r1) = std::make_pair(r1, r0 - q * r1);
    std::tie(t0, t1) = std::make_pair(t1, t0 - q * t1);
  }
  return ((t0 % m) + m) % m;
}

// What one row of `length` elements starting at residue r (0 <= r < w) overlaps, with blocks
// taken as w long (the short tail block is corrected for separately).
struct RowTerms {
  int64_t touched, full, shares_with_next;
};
RowTerms row_terms(int64_t r, int64_t length, int64_t stride, int64_t w) {
  const int64_t last = (r + length - 1) / w;
  return {last + 1, std::max<int64_t>(0, (r + length) / w - (r + w - 1) / w),
          last == (r + stride) / w ? 1 : 0};
}

}  // namespace

int64_t congruence_solutions(int64_t u, int64_t c, int64_t w, int64_t n) {
  if (n <= 0) return 0;
  u = ((u % w) + w) % w;
  c = ((c % w) + w) % w;
  const int64_t g = std::gcd(u, w);  // gcd(0, w) = w: every i solves 0 = 0
  if (c % g != 0) return 0;
  const int64_t period = w / g;
  const int64_t i0 = period == 1 ? 0 : (c / g) % period * inverse_mod(u / g, period) % period;
  return i0 < n ? (n - 1 - i0) / period + 1 : 0;
}

RowLayout row_layout(const Box& box) {
  RowLayout r;
  int j = 3;  // innermost dimension the box does not cover entirely (0 if all inner ones are)
  int64_t inner = 1;
  while (j > 0 && box.lo[static_cast<size_t>(j)] == 0 &&
         box.hi[static_cast<size_t>(j)] == box.shape[static_cast<size_t>(j)]) {
    inner *= box.shape[static_cast<size_t>(j)];
    --j;
  }
  const auto sj = static_cast<size_t>(j);
  r.length = (box.hi[sj] - box.lo[sj]) * inner;
  if (j == 0) return r;  // a single row
  r.rows = box.hi[sj - 1] - box.lo[sj - 1];
  r.stride = box.shape[sj] * inner;
  r.outer_dims = j - 1;
  return r;
}

BlockCount count_auth_blocks(const Box& box, int64_t w) {
  BlockCount out;
  if (box.empty()) return out;
  const RowLayout lay = row_layout(box);
  const int64_t n = lay.rows, u = lay.stride, len = lay.length;
  int64_t previous_last_block = -1, last_row_end = 0;
  bool first_run = true;

  // Sums F(r_i) over rows i in [0, rows) of a run starting at s, r_i = (s + u*i) mod w: directly
  // when the run is shorter than the residues' period, otherwise residue by residue, each
  // weighted by its number of rows from the congruence u*i = r - s (mod w).
  const int64_t g = std::gcd(((u % w) + w) % w, w);
  const int64_t period = w / g;
  auto sum_over_rows = [&](int64_t s, int64_t rows, auto&& term) {
    int64_t total = 0;
    if (rows <= period) {
      for (int64_t i = 0; i < rows; ++i) total += term((s + u * i) % w);
      return total;
    }
    for (int64_t r = s % g; r < w; r += g) {
      total += congruence_solutions(u, r - s, w, rows) * term(r);
    }
    return total;
  };

  std::array<int64_t, 4> at = box.lo;
  while (true) {
    const int64_t s = Box{box.shape, at, box.hi}.first_element();
    out.blocks += sum_over_rows(s, n, [&](int64_t r) { return row_terms(r, len, u, w).touched; });
    out.full_blocks += sum_over_rows(s, n, [&](int64_t r) { return row_terms(r, len, u, w).full; });
    out.blocks -= sum_over_rows(
        s, n - 1, [&](int64_t r) { return row_terms(r, len, u, w).shares_with_next; });
    if (!first_run && previous_last_block == s / w) --out.blocks;  // shared with the last run
    if (first_run) out.first_block = s / w;
    first_run = false;
    last_row_end = s + (n - 1) * u + len;
    previous_last_block = (last_row_end - 1) / w;
    int d = lay.outer_dims - 1;
    for (; d >= 0; --d) {
      if (++at[static_cast<size_t>(d)] < box.hi[static_cast<size_t>(d)]) break;
      at[static_cast<size_t>(d)] = box.lo[static_cast<size_t>(d)];
    }
    if (d < 0) break;
  }
  out.last_block = previous_last_block;

  // The tail: the tensor's last block holds only `tail` elements. It is covered entirely when the
  // last row reaches the tensor's end from at or before the block's start.
  const int64_t total = tensor_elements(box);
  const int64_t last_index = (total - 1) / w;
  const int64_t tail = total - last_index * w;
  out.block_elements = out.blocks * w;
  out.full_block_elements = out.full_blocks * w;
  if (tail < w && out.last_block == last_index) {
    out.block_elements -= w - tail;
    if (last_row_end == total && last_row_end - len <= last_index * w) {
      ++out.full_blocks;
      out.full_block_elements += tail;
    }
  }
  return out;
}

}  // namespace tessera
