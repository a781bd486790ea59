// Weight sparsity specs: dense, hierarchical structured sparsity (HSS) or an unstructured density.
//
// HSS composes simple G:H patterns across ranks of the reduction dimension k (weights are k x n;
// each output column n is pruned along k). Rank 0 splits k into blocks of H0 consecutive values
// and keeps at most G0 of every block; rank 1 groups H1 consecutive rank-0 blocks and keeps at
// most G1 of them (the others are all zero), and so on. The density is the product of the G/H
// ratios: ["3:4", "2:4"] keeps 3/8. A block of rank r spans H0 x ... x Hr values of k; the
// compressed format stores whole top-rank blocks, so that span must divide k.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/error.h"

namespace tessera {

// Keep at most g of every h.
struct GH {
  int64_t g = 1;
  int64_t h = 1;
  [[nodiscard]] bool operator==(const GH& o) const { return g == o.g && h == o.h; }
};

struct SparsitySpec {
  enum class Kind { dense, hss, density };
  Kind kind = Kind::dense;
  std::vector<GH> ranks;  // hss only, rank 0 first
  double kept = 1;        // density only: fraction of values kept, in (0, 1]

  [[nodiscard]] bool is_dense() const { return kind == Kind::dense; }
  // Fraction of the values that are kept (1 for dense).
  [[nodiscard]] double density() const;
  // Values of k spanned by one block of rank r (H0 x ... x Hr).
  [[nodiscard]] int64_t block_span(size_t rank) const;
  // Values of k spanned by one top-rank block (1 when not hss).
  [[nodiscard]] int64_t top_span() const;
  // Values kept per top-rank block (G0 x ... x Gtop).
  [[nodiscard]] int64_t kept_per_top_block() const;
  // The command-line form: "dense", "hss:2:4,3:4" or "density:0.3".
  [[nodiscard]] std::string text() const;
  [[nodiscard]] bool operator==(const SparsitySpec& o) const {
    return kind == o.kind && ranks == o.ranks && kept == o.kept;
  }
};

// "G:H" with 1 <= G <= H; throws InputError at `where` otherwise.
[[nodiscard]] GH parse_gh(const std::string& text, const SourceLocation& where);

// The widest block any spec may have, in values of k.
inline constexpr int64_t kMaxBlockSpan = int64_t{1} << 20;

// Appends `rank` as the next rank of an hss spec; throws InputError at `where` when a block would
// then span more than kMaxBlockSpan values. Checked rank by rank, before the span can overflow.
void add_rank(SparsitySpec& spec, const GH& rank, const SourceLocation& where);

// The command-line form: `dense`, `hss:G:H[,G:H...]` (rank 0 first), `nm:G:H` (one rank) or
// `density:X` with 0 < X <= 1. Throws InputError at `where` for anything else.
[[nodiscard]] SparsitySpec parse_sparsity_spec(const std::string& text,
                                               const SourceLocation& where);

// Empty when the spec can be applied to weights with reduction extent k, otherwise why not.
[[nodiscard]] std::string sparsity_fit_problem(const SparsitySpec& spec, int64_t k);

// Values kept in [0, x) of one column's k range when, inside every block, the kept values are
// its first ones. Exact for any x on a top-rank block boundary (every block keeps the same
// number); between boundaries it stands for the unknown positions. O(number of ranks).
[[nodiscard]] int64_t kept_before(const SparsitySpec& spec, int64_t x);

// The most values any column can keep in rows [k0, k1): exact for whole top-rank blocks, and for
// a block the range cuts, as many as the cut part or the block can hold, whichever is fewer
// (columns keep different positions, so some column may keep all its values there).
[[nodiscard]] int64_t most_kept(const SparsitySpec& spec, int64_t k0, int64_t k1);

}  // namespace tessera
