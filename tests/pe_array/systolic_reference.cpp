// Microarchitecture simulated here (PE(i, j): row i from the top, column j from the left).
//
// Every register carries a valid bit. Each cycle, every register latches a value computed only
// from the registers' values at the start of the cycle and from the edge inputs of the cycle:
// one register hop per cycle, no value crosses two PEs in one cycle. A PE's MAC is combinational
// between its input wires and its output register. A fold uses rows 0..r-1 and columns 0..c-1;
// operand registers outside that region are gated (latch nothing), partial sums and results
// still pass through every row below it.
//
// ws / is (stationary operand s, r x c; stream x, T x r; output o, T x c):
//  * Preload, cycles 0..r-1: the stationary registers of each used column form a shift chain fed
//    from the top edge, row r-1's value first; after r cycles PE(i, j) holds s(i, j). Rows below
//    r keep stale values, harmless since no operand reaches them.
//  * Stream, from cycle r: x(t, i) is driven on the left edge of row i in stream cycle t + i (the
//    skew), is latched by PE(i, 0) and moves one PE right per cycle.
//  * Partial sums move one PE down per cycle: PE(i, j) latches (sum from PE(i-1, j), 0 on row 0)
//    + s(i, j) * (operand from its left), so the skew makes x(t, i) meet the partial sum of
//    o(t, j) at PE(i, j).
//  * The bottom row's partial sum is latched into column j's output register below the array
//    the next cycle: that is when o(t, j) counts as out.
// os (a, r x T, enters the rows; b, T x c, enters the columns; output o, r x c):
//  * a(i, t) is driven on the left edge of row i in cycle t + i and moves right; b(t, j) is
//    driven on the top edge of column j in cycle t + j and moves down; they meet at PE(i, j),
//    which adds their product into its accumulator.
//  * The cycle after the last MAC, the controller switches the accumulators into a shift chain:
//    each latches the one above it (zero on the top row) and column j's output register latches
//    the bottom row's. After R cycles every result has left and the accumulators are zero.
// A ws fold runs the GEMM as s = weights, x = inputs; an is fold as s = inputs transposed, x =
// weights transposed (so o is the output transposed). The cycle count of a tile is the sum over
// its folds; each fold starts with every PE register empty (checked).
#include "tests/pe_array/systolic_reference.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tessera::systolic::reference {
namespace {

struct Reg {
  int64_t value = 0;
  bool valid = false;
};

// The array's registers. Grids are row-major R x C.
struct State {
  int64_t R, C;
  std::vector<Reg> stationary, right, down, sum;  // right/down: operands moving that way
  std::vector<Reg> out;                           // output registers below the bottom edge

  State(int64_t rows, int64_t cols)
      : R(rows),
        C(cols),
        stationary(static_cast<size_t>(rows * cols)),
        right(stationary),
        down(stationary),
        sum(stationary),
        out(static_cast<size_t>(cols)) {}
  [[nodiscard]] size_t at(int64_t i, int64_t j) const { return static_cast<size_t>(i * C + j); }
};

void require_empty(const State& s) {
  for (const auto* grid : {&s.right, &s.down, &s.sum}) {
    for (const Reg& reg : *grid) {
      if (reg.valid) throw std::logic_error("systolic reference: fold starts on a busy array");
    }
  }
}

void misaligned(int64_t cycle, int64_t i, int64_t j) {
  throw std::logic_error("systolic reference: operands misaligned at PE(" + std::to_string(i) +
                         "," + std::to_string(j) + ") in cycle " + std::to_string(cycle));
}

// Guards against a model that never finishes.
void require_progress(int64_t cycle, int64_t bound) {
  if (cycle > bound) throw std::logic_error("systolic reference: fold does not finish");
}

// m(i, j), or an empty register outside m: the skewed edge inputs before and after the stream.
Reg element(const Matrix& m, int64_t i, int64_t j) {
  if (i < 0 || i >= m.rows || j < 0 || j >= m.cols) return {};
  return {m(i, j), true};
}

// ws / is fold; see the top of the file. Returns its cycles and fills o.
int64_t stationary_fold(State& st, const Matrix& s, const Matrix& x, Matrix& o) {
  require_empty(st);
  const int64_t r = s.rows, c = s.cols, T = x.rows;
  int64_t cycle = 0;
  // Preload. The datapath is empty (checked above), so only the stationary chains move.
  for (; cycle < r; ++cycle) {
    const State cur = st;
    for (int64_t j = 0; j < c; ++j) {
      st.stationary[st.at(0, j)] = {s(r - 1 - cycle, j), true};
      for (int64_t i = 1; i < st.R; ++i) {
        st.stationary[st.at(i, j)] = cur.stationary[cur.at(i - 1, j)];
      }
    }
  }
  std::vector<int64_t> arrived(static_cast<size_t>(c), 0);
  int64_t collected = 0;
  for (; collected < T * c; ++cycle) {
    require_progress(cycle, 4 * (r + T + st.R + st.C));
    const State cur = st;
    const int64_t t0 = cycle - r;  // cycles since the stream started
    for (int64_t i = 0; i < st.R; ++i) {
      for (int64_t j = 0; j < st.C; ++j) {
        const bool in_fold = i < r && j < c;
        const Reg in_left = j == 0 ? element(x, t0 - i, i) : cur.right[cur.at(i, j - 1)];
        const Reg operand = in_fold ? in_left : Reg{};
        const Reg above = i == 0 ? Reg{} : cur.sum[cur.at(i - 1, j)];
        if (in_fold && i > 0 && operand.valid != above.valid) misaligned(cycle, i, j);
        st.right[st.at(i, j)] = operand;
        st.sum[st.at(i, j)] =
            operand.valid
                ? Reg{above.value + cur.stationary[cur.at(i, j)].value * operand.value, true}
                : above;
      }
    }
    for (int64_t j = 0; j < st.C; ++j) {
      st.out[static_cast<size_t>(j)] = cur.sum[cur.at(st.R - 1, j)];
    }
    for (int64_t j = 0; j < c; ++j) {
      const Reg& res = st.out[static_cast<size_t>(j)];
      if (!res.valid) continue;
      o(arrived[static_cast<size_t>(j)]++, j) = res.value;
      ++collected;
    }
  }
  return cycle;
}

// os fold; see the top of the file. Returns its cycles and fills o.
int64_t os_fold(State& st, const Matrix& a, const Matrix& b, Matrix& o) {
  require_empty(st);
  const int64_t r = a.rows, T = a.cols, c = b.cols;
  std::vector<int64_t> arrived(static_cast<size_t>(c), 0);
  int64_t macs = 0, collected = 0, cycle = 0;
  for (; collected < r * c; ++cycle) {
    require_progress(cycle, 4 * (T + st.R + st.C));
    const State cur = st;
    const bool drain = macs == r * c * T;
    for (int64_t i = 0; i < st.R; ++i) {
      for (int64_t j = 0; j < st.C; ++j) {
        const bool in_fold = i < r && j < c;
        const Reg in_left = j == 0 ? element(a, i, cycle - i) : cur.right[cur.at(i, j - 1)];
        const Reg in_top = i == 0 ? element(b, cycle - j, j) : cur.down[cur.at(i - 1, j)];
        const Reg left = in_fold ? in_left : Reg{};
        const Reg top = in_fold ? in_top : Reg{};
        if (left.valid != top.valid) misaligned(cycle, i, j);
        st.right[st.at(i, j)] = left;
        st.down[st.at(i, j)] = top;
        Reg& acc = st.sum[st.at(i, j)];
        if (drain) {
          acc = i == 0 ? Reg{} : cur.sum[cur.at(i - 1, j)];
        } else if (left.valid) {
          acc = {acc.value + left.value * top.value, true};
          ++macs;
        }
      }
    }
    for (int64_t j = 0; j < st.C; ++j) {
      st.out[static_cast<size_t>(j)] = drain ? cur.sum[cur.at(st.R - 1, j)] : Reg{};
    }
    // Column j's results arrive bottom row first.
    for (int64_t j = 0; j < c; ++j) {
      const Reg& res = st.out[static_cast<size_t>(j)];
      if (!res.valid) continue;
      o(r - 1 - arrived[static_cast<size_t>(j)]++, j) = res.value;
      ++collected;
    }
  }
  return cycle;
}

Matrix block(const Matrix& m, int64_t i0, int64_t j0, int64_t rows, int64_t cols) {
  Matrix b(rows, cols);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) b(i, j) = m(i0 + i, j0 + j);
  }
  return b;
}

Matrix transpose(const Matrix& m) {
  Matrix t(m.cols, m.rows);
  for (int64_t i = 0; i < m.rows; ++i) {
    for (int64_t j = 0; j < m.cols; ++j) t(j, i) = m(i, j);
  }
  return t;
}

// dst[i0.., j0..] += src: folds along the reduction produce partial outputs.
void accumulate(Matrix& dst, int64_t i0, int64_t j0, const Matrix& src) {
  for (int64_t i = 0; i < src.rows; ++i) {
    for (int64_t j = 0; j < src.cols; ++j) dst(i0 + i, j0 + j) += src(i, j);
  }
}

}  // namespace

Result run_tile(ArrayShape array, Dataflow df, const Matrix& a, const Matrix& b) {
  const int64_t m = a.rows, k = a.cols, n = b.cols;
  if (array.rows <= 0 || array.cols <= 0 || m <= 0 || k <= 0 || n <= 0 || b.rows != k) {
    throw std::invalid_argument("systolic reference: bad array or operand shapes");
  }
  const int64_t R = array.rows, C = array.cols;
  State st(R, C);
  Result res{0, Matrix(m, n)};
  switch (df) {
    case Dataflow::os:  // rows m, cols n, T = k
      for (int64_t i0 = 0; i0 < m; i0 += R) {
        for (int64_t j0 = 0; j0 < n; j0 += C) {
          const int64_t r = std::min(R, m - i0), c = std::min(C, n - j0);
          Matrix o(r, c);
          res.cycles += os_fold(st, block(a, i0, 0, r, k), block(b, 0, j0, k, c), o);
          accumulate(res.out, i0, j0, o);
        }
      }
      break;
    case Dataflow::ws:  // rows k, cols n, T = m
      for (int64_t k0 = 0; k0 < k; k0 += R) {
        for (int64_t j0 = 0; j0 < n; j0 += C) {
          const int64_t r = std::min(R, k - k0), c = std::min(C, n - j0);
          Matrix o(m, c);
          res.cycles += stationary_fold(st, block(b, k0, j0, r, c), block(a, 0, k0, m, r), o);
          accumulate(res.out, 0, j0, o);
        }
      }
      break;
    case Dataflow::is:  // rows k, cols m, T = n
      for (int64_t k0 = 0; k0 < k; k0 += R) {
        for (int64_t i0 = 0; i0 < m; i0 += C) {
          const int64_t r = std::min(R, k - k0), c = std::min(C, m - i0);
          Matrix o(n, c);
          res.cycles += stationary_fold(st, transpose(block(a, i0, k0, c, r)),
                                        transpose(block(b, k0, 0, r, n)), o);
          accumulate(res.out, i0, 0, transpose(o));
        }
      }
      break;
  }
  return res;
}

}  // namespace tessera::systolic::reference
