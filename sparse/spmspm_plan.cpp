#include "sparse/spmspm_plan.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "sim/numbers.h"

namespace tessera {
namespace {

// Counts of one (m, k, n) tile triple found by the symbolic product.
struct TripleCounts {
  int64_t effectual = 0;
  int64_t new_nnz = 0;   // output nonzeros this k range adds to the output tile
  int64_t new_rows = 0;  // output rows this k range makes nonempty
};

}  // namespace

OperandRegions operand_regions(int64_t capacity_bytes, bool double_buffered) {
  const int64_t slot_words = capacity_bytes / kWordBytes / (double_buffered ? 2 : 1);
  return {slot_words / 4, slot_words / 2, slot_words / 4};
}

TileShape cubic_tile(int64_t t, int64_t m, int64_t k, int64_t n) {
  return {std::min(t, m), std::min(t, k), std::min(t, n)};
}

SpmspmPlan plan_spmspm(const SparseMatrix& a, const SparseMatrix& b, const TileShape& shape) {
  if (a.cols != b.rows) throw std::invalid_argument("plan_spmspm: inner dimensions differ");
  SpmspmPlan p;
  p.shape = shape;
  p.m = a.rows;
  p.k = a.cols;
  p.n = b.cols;
  p.a_grid = tile_grid(a, shape.m, shape.k);
  p.b_grid = tile_grid(b, shape.k, shape.n);
  const int64_t mts = p.a_grid.row_tiles, kts = p.a_grid.col_tiles, nts = p.b_grid.col_tiles;
  if (mts > std::numeric_limits<int64_t>::max() / kts / nts) {
    throw std::invalid_argument("plan_spmspm: too many tiles");
  }

  // Symbolic product, row by row of A: for each k range, which outputs appear first and how many
  // multiplies meet. Markers keep it linear in the multiplies.
  std::unordered_map<uint64_t, TripleCounts> triples;
  std::vector<int64_t> col_mark(static_cast<size_t>(p.n), -1),
      tile_mark(static_cast<size_t>(nts), -1);
  std::vector<TripleCounts> acc(static_cast<size_t>(nts));
  std::vector<int64_t> touched;
  const auto key = [&](int64_t mt, int64_t kt, int64_t nt) {
    return static_cast<uint64_t>((mt * kts + kt) * nts + nt);
  };
  for (int64_t i = 0; i < a.rows; ++i) {
    const int64_t mt = i / shape.m;
    int64_t kt = -1;
    const auto flush = [&]() {
      for (int64_t nt : touched) {
        TripleCounts& c = triples[key(mt, kt, nt)];
        const TripleCounts& d = acc[static_cast<size_t>(nt)];
        c.effectual += d.effectual;
        c.new_nnz += d.new_nnz;
        c.new_rows += d.new_rows;
        acc[static_cast<size_t>(nt)] = TripleCounts{};
      }
      touched.clear();
    };
    for (int64_t x = a.row_ptr[static_cast<size_t>(i)]; x < a.row_ptr[static_cast<size_t>(i + 1)];
         ++x) {
      const int64_t kk = a.col_idx[static_cast<size_t>(x)];
      if (kk / shape.k != kt) {
        flush();
        kt = kk / shape.k;
      }
      for (int64_t y = b.row_ptr[static_cast<size_t>(kk)];
           y < b.row_ptr[static_cast<size_t>(kk + 1)]; ++y) {
        const int64_t j = b.col_idx[static_cast<size_t>(y)];
        const int64_t nt = j / shape.n;
        TripleCounts& d = acc[static_cast<size_t>(nt)];
        if (d.effectual == 0) touched.push_back(nt);
        ++d.effectual;
        if (col_mark[static_cast<size_t>(j)] != i) {
          col_mark[static_cast<size_t>(j)] = i;
          ++d.new_nnz;
          if (tile_mark[static_cast<size_t>(nt)] != i) {
            tile_mark[static_cast<size_t>(nt)] = i;
            ++d.new_rows;
          }
        }
      }
    }
    flush();
  }

  // Output tiles in Z's image order (by m tile, then n tile), each with its cumulative counts
  // after each k range, in ascending k: one sorted run of entries per tile.
  struct Cumulative {
    uint64_t tile;  // mt * nts + nt
    int64_t kt, nnz, rows;
  };
  std::vector<Cumulative> cumulative;
  const uint64_t per_m = static_cast<uint64_t>(kts) * static_cast<uint64_t>(nts);
  for (const auto& [k, c] : triples) {
    p.effectual += c.effectual;
    const uint64_t tile = k / per_m * static_cast<uint64_t>(nts) + k % static_cast<uint64_t>(nts);
    const auto kt =
        static_cast<int64_t>(k / static_cast<uint64_t>(nts) % static_cast<uint64_t>(kts));
    if (c.new_nnz > 0) cumulative.push_back({tile, kt, c.new_nnz, c.new_rows});
  }
  std::sort(cumulative.begin(), cumulative.end(), [](const Cumulative& x, const Cumulative& y) {
    return x.tile != y.tile ? x.tile < y.tile : x.kt < y.kt;
  });
  struct OutputTile {
    size_t begin, end;  // its run in `cumulative`
    int64_t offset;     // in Z's image
  };
  std::unordered_map<uint64_t, OutputTile> outputs;
  outputs.reserve(cumulative.size());
  for (size_t begin = 0, end = 0; begin < cumulative.size(); begin = end) {
    const uint64_t tile = cumulative[begin].tile;
    for (end = begin + 1; end < cumulative.size() && cumulative[end].tile == tile; ++end) {
      cumulative[end].nnz += cumulative[end - 1].nnz;
      cumulative[end].rows += cumulative[end - 1].rows;
    }
    const int64_t words = compressed_words(cumulative[end - 1].nnz, cumulative[end - 1].rows);
    outputs.emplace(tile, OutputTile{begin, end, p.z_words});
    p.z_words += words;
    p.z_final.push_back(words);
    p.z_tiles.emplace_back(static_cast<int64_t>(tile / static_cast<uint64_t>(nts)),
                           static_cast<int64_t>(tile % static_cast<uint64_t>(nts)));
  }
  // The words of an output tile after the k ranges before `kt`, or through it.
  const auto words_through = [&](const OutputTile& o, int64_t kt, bool inclusive) {
    const auto first = cumulative.begin() + static_cast<std::ptrdiff_t>(o.begin);
    const auto last = cumulative.begin() + static_cast<std::ptrdiff_t>(o.end);
    const auto end =
        inclusive ? std::upper_bound(first, last, kt,
                                     [](int64_t v, const Cumulative& c) { return v < c.kt; })
                  : std::lower_bound(first, last, kt,
                                     [](const Cumulative& c, int64_t v) { return c.kt < v; });
    return end == first ? int64_t{0} : compressed_words((end - 1)->nnz, (end - 1)->rows);
  };

  // A tiles grouped by k range, B tiles by n range.
  std::vector<std::vector<std::pair<int64_t, TileStats>>> a_by_k(static_cast<size_t>(kts));
  for (int64_t mt = 0; mt < mts; ++mt) {
    for (const auto& [kt, s] : p.a_grid.by_row[static_cast<size_t>(mt)]) {
      a_by_k[static_cast<size_t>(kt)].emplace_back(mt, s);
    }
  }
  std::vector<std::vector<std::pair<int64_t, TileStats>>> b_by_n(static_cast<size_t>(nts));
  for (int64_t kt = 0; kt < kts; ++kt) {
    for (const auto& [nt, s] : p.b_grid.by_row[static_cast<size_t>(kt)]) {
      b_by_n[static_cast<size_t>(nt)].emplace_back(kt, s);
    }
  }
  size_t steps = 0;
  for (const auto& bs : b_by_n) {
    for (const auto& b_tile : bs) steps += a_by_k[static_cast<size_t>(b_tile.first)].size();
  }
  p.steps.reserve(steps);
  for (int64_t nt = 0; nt < nts; ++nt) {
    for (const auto& [kt, bs] : b_by_n[static_cast<size_t>(nt)]) {
      for (const auto& [mt, as] : a_by_k[static_cast<size_t>(kt)]) {
        SpmspmStep s;
        s.mt = mt;
        s.kt = kt;
        s.nt = nt;
        s.a = as;
        s.b = bs;
        if (auto it = triples.find(key(mt, kt, nt)); it != triples.end()) {
          s.effectual = it->second.effectual;
        }
        const auto out = outputs.find(static_cast<uint64_t>(mt * nts + nt));
        if (out != outputs.end()) {
          s.z_in_words = words_through(out->second, kt, false);
          s.z_out_words = words_through(out->second, kt, true);
          s.z_offset = out->second.offset;
        }
        p.steps.push_back(s);
      }
    }
  }
  return p;
}

int64_t effectual_multiplies(const SparseMatrix& a, const SparseMatrix& b) {
  int64_t total = 0;
  for (int32_t k : a.col_idx) {
    total += b.row_ptr[static_cast<size_t>(k) + 1] - b.row_ptr[static_cast<size_t>(k)];
  }
  return total;
}

int64_t max_output_tile_words(const SparseMatrix& a, const SparseMatrix& b,
                              const TileShape& shape) {
  const int64_t nts = (b.cols + shape.n - 1) / shape.n;
  std::vector<int64_t> col_mark(static_cast<size_t>(b.cols), -1),
      tile_mark(static_cast<size_t>(nts), -1), nnz(static_cast<size_t>(nts), 0),
      rows(static_cast<size_t>(nts), 0), touched;
  int64_t most = 0;
  for (int64_t i0 = 0; i0 < a.rows; i0 += shape.m) {
    // One row of output tiles at a time: counts per tile column, reset through a touched list.
    for (int64_t i = i0; i < std::min(a.rows, i0 + shape.m); ++i) {
      for (int64_t x = a.row_ptr[static_cast<size_t>(i)]; x < a.row_ptr[static_cast<size_t>(i + 1)];
           ++x) {
        const auto kk = static_cast<size_t>(a.col_idx[static_cast<size_t>(x)]);
        for (int64_t y = b.row_ptr[kk]; y < b.row_ptr[kk + 1]; ++y) {
          const auto j = static_cast<size_t>(b.col_idx[static_cast<size_t>(y)]);
          if (col_mark[j] == i) continue;
          col_mark[j] = i;
          const auto nt = static_cast<size_t>(static_cast<int64_t>(j) / shape.n);
          if (nnz[nt] == 0) touched.push_back(static_cast<int64_t>(nt));
          ++nnz[nt];
          if (tile_mark[nt] != i) {
            tile_mark[nt] = i;
            ++rows[nt];
          }
        }
      }
    }
    for (int64_t nt : touched) {
      most = std::max(
          most, compressed_words(nnz[static_cast<size_t>(nt)], rows[static_cast<size_t>(nt)]));
      nnz[static_cast<size_t>(nt)] = rows[static_cast<size_t>(nt)] = 0;
    }
    touched.clear();
  }
  return most;
}

}  // namespace tessera
