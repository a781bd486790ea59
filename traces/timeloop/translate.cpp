// What a Timeloop mapping means for tessera: the DRAM level's temporal loops become the buffer
// tile and the tile loop order, the global buffer's spatial loops the array axes, and the global
// buffer's temporal loops must be ones tessera's ws folds realise (a weight stays in the PE while
// all of m streams past it). Anything else is an InputError naming the mapping entry.
#include <algorithm>
#include <utility>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/timeloop/timeloop_import.h"

namespace tessera::timeloop {
namespace {

std::optional<GemmDim> gemm_of(char d) {
  switch (d) {
    case 'N':
    case 'P':
    case 'Q': return GemmDim::m;
    case 'M': return GemmDim::n;
    case 'C':
    case 'R':
    case 'S': return GemmDim::k;
    default: return std::nullopt;
  }
}

std::string str(int64_t v) {
  return std::to_string(v);
}

class Translator {
 public:
  Translator(const Problem& p, const Arch& a, const Mapping& m) : p_(p), a_(a), m_(m) {}

  Translation run() {
    check_bypass();
    check_per_pe_levels();
    check_no_fanout(a_.levels[0]);
    array_axes();
    check_buffer_order();
    tile_and_order();
    compare_folds();
    return t_;
  }

 private:
  [[nodiscard]] const LevelMapping& level(const std::string& name) const {
    static const LevelMapping kNone;
    const auto it = m_.levels.find(name);
    return it == m_.levels.end() ? kNone : it->second;
  }
  [[nodiscard]] InputError error(int index, int line, const std::string& key,
                                 const std::string& message) const {
    const std::string field = index < 0 ? "mapping" : "mapping[" + str(index) + "]." + key;
    return {{m_.file, line, field}, message};
  }
  [[nodiscard]] InputError factors_error(const LevelMapping::Loops& l,
                                         const std::string& message) const {
    return error(l.index, l.factors_line, "factors", message);
  }

  // DRAM and the global buffer keep every tensor: tessera's array reads and writes all three
  // through its one buffer.
  void check_bypass() const {
    for (size_t i = 0; i < 2; ++i) {
      const LevelMapping& l = level(a_.levels[i].name);
      if (l.bypassed.empty()) continue;
      const std::string what = i == 0 ? "DRAM level " : "global buffer ";
      throw error(l.bypass_index, l.bypass_line, "bypass",
                  what + a_.levels[i].name + " bypasses " + *l.bypassed.begin() +
                      ": tessera's array reads and writes every tensor through its one global "
                      "buffer");
    }
  }

  // A level inside each PE may hold the stationary weight and nothing else, one at a time.
  void check_per_pe_levels() const {
    for (size_t i = 2; i < a_.levels.size(); ++i) {
      const StorageLevel& s = a_.levels[i];
      const LevelMapping& l = level(s.name);
      std::string kept;
      for (const char* space : {"Inputs", "Outputs"}) {
        if (l.bypassed.count(space) == 0) kept += (kept.empty() ? "" : ", ") + std::string(space);
      }
      if (!kept.empty()) {
        const std::string message =
            s.name + " keeps " + kept +
            (l.bypass_index < 0 ? " (no bypass entry: Timeloop keeps everything)" : "") +
            ": in tessera's ws array a PE holds only the stationary weight; bypass the others";
        if (l.bypass_index < 0 && l.temporal.index >= 0) {  // point at the level's own entry
          throw InputError({m_.file, l.temporal.line, "mapping[" + str(l.temporal.index) + "]"},
                           message);
        }
        throw error(l.bypass_index, l.bypass_line, "bypass", message);
      }
      if (l.temporal.index >= 0) {
        for (const auto& [d, f] : l.temporal.factors) {
          if (f > 1) {
            throw factors_error(l.temporal, s.name + " loops over " + d + " (" + str(f) +
                                                "): a PE of tessera's array holds one weight");
          }
        }
      }
      check_no_fanout(s);
    }
  }

  void check_no_fanout(const StorageLevel& s) const {
    const LevelMapping& l = level(s.name);
    if (l.spatial.index < 0) return;
    for (const auto& [d, f] : l.spatial.factors) {
      if (f > 1) {
        throw factors_error(l.spatial, s.name + " spreads " + d + " (" + str(f) +
                                           ") spatially but has no fanout (one child instance)");
      }
    }
  }

  // The global buffer's spatial loops: the axis holding C is tessera's rows (k), the one holding
  // M its columns (n). Timeloop stops when an axis's factors exceed its PEs; so does the import.
  void array_axes() {
    const StorageLevel& glb = a_.levels[1];
    const LevelMapping::Loops& s = level(glb.name).spatial;
    int64_t x = 1, y = 1;
    char c_axis = 0, m_axis = 0;
    if (s.index >= 0) {
      for (size_t i = 0; i < s.permutation.size(); ++i) {
        const char d = s.permutation[i];
        const int64_t f = s.factors.at(d);
        if (f == 1) continue;
        const bool on_x = static_cast<int64_t>(i) < s.split;
        if (d != 'C' && d != 'M') {
          throw factors_error(s, glb.name + " spreads " + d + " (" + str(f) +
                                     ") spatially: tessera's ws array holds C (k) on one axis "
                                     "and M (n) on the other");
        }
        (d == 'C' ? c_axis : m_axis) = on_x ? 'X' : 'Y';
        (on_x ? x : y) *= f;
      }
    }
    if (c_axis != 0 && c_axis == m_axis) {
      throw factors_error(s, std::string("C and M are both on ") + c_axis +
                                 ": tessera's ws array holds C (k) on one axis and M (n) on the "
                                 "other (see split)");
    }
    if (x > a_.mesh_x || y > a_.mesh_y()) {
      const bool over_x = x > a_.mesh_x;
      throw factors_error(s, glb.name + " spatial factors on " + (over_x ? "X" : "Y") +
                                 " multiply to " + str(over_x ? x : y) + ", more than the " +
                                 str(over_x ? a_.mesh_x : a_.mesh_y()) + " PEs of the " +
                                 (over_x ? "meshX" : "meshY") + " axis (Timeloop stops too)");
    }
    const bool rows_on_x = c_axis == 'X' || (c_axis == 0 && m_axis != 'X');
    t_.rows = rows_on_x ? a_.mesh_x : a_.mesh_y();
    t_.cols = rows_on_x ? a_.mesh_y() : a_.mesh_x;
    t_.rows_axis = rows_on_x ? "X (meshX)" : "Y";
    t_.cols_axis = rows_on_x ? "Y" : "X (meshX)";
  }

  // tessera's ws folds stream all of m past each stationary weight, so the global buffer's
  // loops over N, P, Q must be inside every other loop it splits.
  void check_buffer_order() const {
    const StorageLevel& glb = a_.levels[1];
    const LevelMapping::Loops& t = level(glb.name).temporal;
    if (t.index < 0) return;
    char outer_of_m = 0;
    for (const char d : t.permutation) {  // innermost first
      if (t.factors.at(d) == 1) continue;
      if (gemm_of(d) != GemmDim::m) {
        if (outer_of_m == 0) outer_of_m = d;
      } else if (outer_of_m != 0) {
        throw error(t.index, t.permutation_line, "permutation",
                    glb.name + "'s loop over " + d + " (" + str(t.factors.at(d)) +
                        ") is outside its loop over " + outer_of_m + " (" +
                        str(t.factors.at(outer_of_m)) +
                        "): tessera's ws array streams all of N, P, Q (m) innermost while a "
                        "weight stays in the PE");
      }
    }
  }

  // The DRAM loops: what is left of each dim is the buffer tile, their order the tile loops.
  void tile_and_order() {
    const StorageLevel& dram = a_.levels[0];
    const LevelMapping::Loops& t = level(dram.name).temporal;
    auto f = [&](char d) { return t.index < 0 ? 1 : t.factors.at(d); };
    for (const char d : {'R', 'S'}) {
      if (f(d) > 1) {
        throw factors_error(t, dram.name + " splits " + d + " (" + str(f(d)) +
                                   "): a tessera k tile holds whole filters (k = C x R x S, C "
                                   "outermost); split C instead");
      }
    }
    const int64_t tn = p_.bounds.at('N') / f('N'), tp = p_.bounds.at('P') / f('P'),
                  tq = p_.bounds.at('Q') / f('Q');
    if (f('Q') > 1 && (tp > 1 || tn > 1)) {
      throw factors_error(t, dram.name + " splits Q (" + str(f('Q')) + ") while the tile keeps " +
                                 (tp > 1 ? "P " + str(tp) : "N " + str(tn)) +
                                 ": a tessera m tile is a contiguous run of N x P x Q (Q "
                                 "fastest); split P or N instead");
    }
    if (f('P') > 1 && tn > 1) {
      throw factors_error(t, dram.name + " splits P (" + str(f('P')) + ") while the tile keeps N " +
                                 str(tn) +
                                 ": a tessera m tile is a contiguous run of N x P x Q (Q "
                                 "fastest); split N instead");
    }
    t_.buffer_tile = {tn * tp * tq, p_.bounds.at('M') / f('M'),
                      p_.bounds.at('C') / f('C') * p_.bounds.at('R') * p_.bounds.at('S')};
    check_tile_fits(t, tn, tp, tq);

    // Outermost first: the split dims in the permutation's order, each GEMM dim's loops adjacent.
    std::string outer_first(t.permutation.rbegin(), t.permutation.rend());
    std::vector<GemmDim> order;
    for (const char d : outer_first) {
      const std::optional<GemmDim> g = gemm_of(d);
      if (!g || f(d) == 1 || (!order.empty() && order.back() == *g)) continue;
      if (std::find(order.begin(), order.end(), *g) != order.end()) {
        throw error(t.index, t.permutation_line, "permutation",
                    dram.name + "'s loops over " + to_string(*g) + " dims are not adjacent (" + d +
                        " is apart from the others): tessera has one tile loop per GEMM dim");
      }
      order.push_back(*g);
    }
    // Dims with one tile: where they sit changes nothing; keep the permutation's order.
    outer_first += kDims;
    for (const char d : outer_first) {
      const std::optional<GemmDim> g = gemm_of(d);
      if (g && std::find(order.begin(), order.end(), *g) == order.end()) order.push_back(*g);
    }
    std::copy(order.begin(), order.end(), t_.loop_order.begin());
  }

  // Timeloop keeps the three tiles in the global buffer at once (no double buffering) and stops
  // when they do not fit; tessera would reject the trace later, naming the generated file.
  void check_tile_fits(const LevelMapping::Loops& t, int64_t tn, int64_t tp, int64_t tq) const {
    const StorageLevel& glb = a_.levels[1];
    if (glb.depth == 0 || glb.width_bits == 0) return;  // reported with the architecture
    const int64_t c = p_.bounds.at('C') / (t.index < 0 ? 1 : t.factors.at('C'));
    const int64_t in_h = (tp - 1) * p_.stride_h + p_.bounds.at('R');
    const int64_t in_w = (tq - 1) * p_.stride_w + p_.bounds.at('S');
    const GemmExtents& tile = t_.buffer_tile;
    const double words = static_cast<double>(tn) * c * in_h * in_w +
                         static_cast<double>(tile[2]) * tile[1] +
                         static_cast<double>(tile[0]) * tile[1];
    const int64_t words_per_row = glb.width_bits / glb.word_bits;  // whole words, as Timeloop
    const double capacity_words = static_cast<double>(glb.depth) * words_per_row;
    if (words > capacity_words) {
      throw factors_error(t, "the " + glb.name + " tile (inputs, weights and outputs) is " +
                                 shortest_text(words) + " words, more than its " +
                                 shortest_text(capacity_words) + " (Timeloop stops too)");
    }
  }

  // Where tessera's folds of the buffer tile differ from Timeloop's global-buffer loops (the
  // same work, a different number of array passes): a warning, not an error.
  void compare_folds() {
    const StorageLevel& glb = a_.levels[1];
    const LevelMapping::Loops& t = level(glb.name).temporal;
    auto f = [&](char d) { return t.index < 0 ? 1 : t.factors.at(d); };
    const int64_t timeloop_k = f('C') * f('R') * f('S');
    const int64_t tessera_k = ceil_div(t_.buffer_tile[2], t_.rows);
    if (timeloop_k != tessera_k) {
      t_.warnings.push_back(glb.name + " loops over C x R x S " + str(timeloop_k) +
                            " times (the spatial C uses " + str(t_.buffer_tile[2] / timeloop_k) +
                            " of " + str(t_.rows) + " rows); tessera folds the k tile " +
                            str(t_.buffer_tile[2]) + " (C x R x S flattened) " + "onto all " +
                            str(t_.rows) + " rows in " + str(tessera_k) + " folds");
    }
    const int64_t timeloop_n = f('M');
    const int64_t tessera_n = ceil_div(t_.buffer_tile[1], t_.cols);
    if (timeloop_n != tessera_n) {
      t_.warnings.push_back(glb.name + " loops over M " + str(timeloop_n) +
                            " times; tessera folds the n tile " + str(t_.buffer_tile[1]) +
                            " onto " + str(t_.cols) + " columns in " + str(tessera_n) + " folds");
    }
  }

  const Problem& p_;
  const Arch& a_;
  const Mapping& m_;
  Translation t_;
};

}  // namespace

GemmExtents gemm_extents(const Problem& p) {
  return {p.bounds.at('N') * p.bounds.at('P') * p.bounds.at('Q'), p.bounds.at('M'),
          p.bounds.at('C') * p.bounds.at('R') * p.bounds.at('S')};
}

Translation translate(const Problem& problem, const Arch& arch, const Mapping& mapping) {
  return Translator(problem, arch, mapping).run();
}

}  // namespace tessera::timeloop
