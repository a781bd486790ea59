#include "models/sparse/weight_tensor.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace tessera {
namespace {

// Values of k one sub-block of rank r spans (1 at rank 0: a single value).
int64_t sub_span(const SparsitySpec& spec, size_t r) {
  return r == 0 ? 1 : spec.block_span(r - 1);
}

int64_t position_bits(int64_t h) {
  int64_t bits = 0;
  while ((int64_t{1} << bits) < h) ++bits;
  return bits;
}

void require_whole_blocks(const SparsitySpec& spec, int64_t k) {
  if (!sparsity_fit_problem(spec, k).empty()) {
    throw std::invalid_argument("sparse weights: " + sparsity_fit_problem(spec, k));
  }
}

// Sum of |w| over `span` values of column j starting at row kk.
int64_t magnitude(const std::vector<int32_t>& w, int64_t n, int64_t j, int64_t kk, int64_t span) {
  int64_t sum = 0;
  for (int64_t i = kk; i < kk + span; ++i)
    sum += std::abs(static_cast<int64_t>(w[static_cast<size_t>(i * n + j)]));
  return sum;
}

void zero_span(std::vector<int32_t>& w, int64_t n, int64_t j, int64_t kk, int64_t span) {
  for (int64_t i = kk; i < kk + span; ++i) w[static_cast<size_t>(i * n + j)] = 0;
}

}  // namespace

std::vector<int32_t> generate_sparse_weights(const SparsitySpec& spec, int64_t k, int64_t n,
                                             uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int32_t> w(static_cast<size_t>(k * n));
  for (auto& v : w) {
    v = static_cast<int32_t>(rng() % 16) - 8;
    if (v >= 0) ++v;  // nonzero, in [-8, 8]
  }
  if (spec.kind == SparsitySpec::Kind::density) {
    std::bernoulli_distribution keep(spec.kept);
    for (auto& v : w) {
      if (!keep(rng)) v = 0;
    }
    return w;
  }
  if (spec.kind != SparsitySpec::Kind::hss) return w;
  require_whole_blocks(spec, k);
  // Top rank down: inside every block still alive, keep G random sub-blocks, zero the others.
  std::vector<int64_t> order;
  for (int64_t j = 0; j < n; ++j) {
    for (size_t r = spec.ranks.size(); r-- > 0;) {
      const int64_t span = spec.block_span(r), sub = sub_span(spec, r);
      const GH gh = spec.ranks[r];
      order.resize(static_cast<size_t>(gh.h));
      for (int64_t kk = 0; kk < k; kk += span) {
        if (magnitude(w, n, j, kk, span) == 0) continue;  // pruned at a higher rank
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        for (int64_t i = gh.g; i < gh.h; ++i) {
          zero_span(w, n, j, kk + order[static_cast<size_t>(i)] * sub, sub);
        }
      }
    }
  }
  return w;
}

void prune_weights(const SparsitySpec& spec, std::vector<int32_t>& w, int64_t k, int64_t n) {
  if (spec.kind == SparsitySpec::Kind::dense) return;
  if (spec.kind == SparsitySpec::Kind::density) {
    const auto total = static_cast<int64_t>(w.size());
    const auto keep = static_cast<int64_t>(std::llround(spec.kept * static_cast<double>(total)));
    std::vector<int64_t> idx(static_cast<size_t>(total));
    std::iota(idx.begin(), idx.end(), 0);
    const auto larger = [&](int64_t a, int64_t b) {
      const int64_t ma = std::abs(static_cast<int64_t>(w[static_cast<size_t>(a)]));
      const int64_t mb = std::abs(static_cast<int64_t>(w[static_cast<size_t>(b)]));
      return ma != mb ? ma > mb : a < b;
    };
    if (keep < total) {
      std::nth_element(idx.begin(), idx.begin() + keep, idx.end(), larger);
      for (auto it = idx.begin() + keep; it != idx.end(); ++it) w[static_cast<size_t>(*it)] = 0;
    }
    return;
  }
  require_whole_blocks(spec, k);
  std::vector<std::pair<int64_t, int64_t>> subs;  // (magnitude, position)
  for (int64_t j = 0; j < n; ++j) {
    for (size_t r = 0; r < spec.ranks.size(); ++r) {
      const int64_t span = spec.block_span(r), sub = sub_span(spec, r);
      const GH gh = spec.ranks[r];
      for (int64_t kk = 0; kk < k; kk += span) {
        subs.clear();
        for (int64_t i = 0; i < gh.h; ++i)
          subs.emplace_back(magnitude(w, n, j, kk + i * sub, sub), i);
        // Largest magnitude first, the lower position on ties.
        std::sort(subs.begin(), subs.end(), [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        for (auto i = static_cast<size_t>(gh.g); i < subs.size(); ++i) {
          zero_span(w, n, j, kk + subs[i].second * sub, sub);
        }
      }
    }
  }
}

bool conforms(const SparsitySpec& spec, const std::vector<int32_t>& w, int64_t k, int64_t n) {
  if (spec.kind != SparsitySpec::Kind::hss) return true;
  if (!sparsity_fit_problem(spec, k).empty()) return false;
  for (int64_t j = 0; j < n; ++j) {
    for (size_t r = 0; r < spec.ranks.size(); ++r) {
      const int64_t span = spec.block_span(r), sub = sub_span(spec, r);
      for (int64_t kk = 0; kk < k; kk += span) {
        int64_t nonzero = 0;
        for (int64_t i = 0; i < spec.ranks[r].h; ++i) {
          if (magnitude(w, n, j, kk + i * sub, sub) != 0) ++nonzero;
        }
        if (nonzero > spec.ranks[r].g) return false;
      }
    }
  }
  return true;
}

int64_t hss_metadata_bits(const SparsitySpec& spec, int64_t top_blocks) {
  if (spec.kind != SparsitySpec::Kind::hss) return 0;
  int64_t bits = 0;
  for (size_t r = 0; r < spec.ranks.size(); ++r) {
    int64_t kept_subs = 1;  // kept sub-blocks of rank r per top-rank block
    for (size_t i = r; i < spec.ranks.size(); ++i) kept_subs *= spec.ranks[i].g;
    bits += kept_subs * position_bits(spec.ranks[r].h);
  }
  return bits * top_blocks;
}

namespace {

// Depth-first over one block of rank r starting at row kk of column j.
bool encode(const SparsitySpec& spec, size_t r, const std::vector<int32_t>& w, int64_t n, int64_t j,
            int64_t kk, HssColumns& out) {
  const int64_t sub = sub_span(spec, r);
  const GH gh = spec.ranks[r];
  std::vector<int64_t> chosen;
  for (int64_t i = 0; i < gh.h; ++i) {
    if (magnitude(w, n, j, kk + i * sub, sub) != 0) chosen.push_back(i);
  }
  if (static_cast<int64_t>(chosen.size()) > gh.g) return false;
  for (int64_t i = 0; static_cast<int64_t>(chosen.size()) < gh.g; ++i) {
    if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) chosen.push_back(i);
  }
  std::sort(chosen.begin(), chosen.end());
  for (int64_t i : chosen) {
    out.positions[r].push_back(static_cast<uint8_t>(i));
    out.metadata_bits += position_bits(gh.h);
    if (r == 0) {
      out.values.push_back(w[static_cast<size_t>((kk + i) * n + j)]);
    } else if (!encode(spec, r - 1, w, n, j, kk + i * sub, out)) {
      return false;
    }
  }
  return true;
}

struct Cursor {
  std::vector<size_t> position;  // per rank
  size_t value = 0;
};

void decode(const SparsitySpec& spec, size_t r, const HssColumns& c, int64_t n, int64_t j,
            int64_t kk, Cursor& at, std::vector<int32_t>& w) {
  const int64_t sub = sub_span(spec, r);
  for (int64_t g = 0; g < spec.ranks[r].g; ++g) {
    const int64_t i = c.positions[r][at.position[r]++];
    if (r == 0) {
      w[static_cast<size_t>((kk + i) * n + j)] = c.values[at.value++];
    } else {
      decode(spec, r - 1, c, n, j, kk + i * sub, at, w);
    }
  }
}

}  // namespace

bool compress_hss(const SparsitySpec& spec, const std::vector<int32_t>& w, int64_t rows, int64_t n,
                  HssColumns& out) {
  require_whole_blocks(spec, rows);
  out = HssColumns{};
  out.positions.resize(spec.ranks.size());
  const size_t top = spec.ranks.size() - 1;
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t kk = 0; kk < rows; kk += spec.top_span()) {
      if (!encode(spec, top, w, n, j, kk, out)) return false;
    }
  }
  return true;
}

std::vector<int32_t> expand_hss(const SparsitySpec& spec, const HssColumns& c, int64_t rows,
                                int64_t n) {
  std::vector<int32_t> w(static_cast<size_t>(rows * n), 0);
  Cursor at;
  at.position.assign(spec.ranks.size(), 0);
  const size_t top = spec.ranks.size() - 1;
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t kk = 0; kk < rows; kk += spec.top_span()) decode(spec, top, c, n, j, kk, at, w);
  }
  return w;
}

}  // namespace tessera
