// Closed-form timing of a systolic array running one GEMM tile, fold by fold.
//
// The tile (m x n output, reduction k) is mapped onto an R x C array according to the dataflow:
//            array rows   array cols   streamed (time) dimension T
//   os       m            n            k
//   ws       k            n            m
//   is       k            m            n
// The tile is cut into folds of at most R x C; folds run one after another.
//
// Two timing models:
//  * physical: the hardware described in FORMAT.md and docs/models.md ("Systolic array model").
//    A fold using r <= R rows and c <= C columns and streaming T elements takes, as
//    fill + steady + drain:
//        ws, is:  r + T + (R + c - 1)
//        os:      0 + T + (r + c - 2 + R)
//    Fill: the stationary operand is shifted in from the top edge, one row per cycle. Steady: one
//    streamed element per row per cycle. Drain, ws/is: the last element enters row r-1 at column 0
//    and reaches column c-1; its partial sum crosses all R rows and is latched below the bottom
//    edge. Drain, os: the last MAC is at PE(r-1, c-1), r + c - 2 cycles after the last operands
//    enter; then the accumulators shift down, R cycles until the top row's result has left.
//    A result counts as out when it is latched into the output register below the array, so when
//    a fold ends no PE register holds live data and the next fold can start in the next cycle.
//    Unused columns cost nothing; partial sums and results must still cross all R rows.
//    tests/pe_array/systolic_reference.cpp is the register-level model these numbers come from.
//  * scalesim: SCALE-Sim v2's accounting: every fold is padded to the full array,
//        os: 0 + T + (R + C - 2),   ws, is: R + T + (R + C - 2)
//    SCALE-Sim reports a layer one cycle less than the sum of its folds (the last cycle's index);
//    that -1 is not applied here but once per layer by the PE-array module.
//
// A stream may be split into consecutive chunks along T (consecutive buffer tiles that keep the
// same stationary data in a single fold): then only the first chunk pays the fill and only the
// last pays the drain; the sum over the chunks equals one fold with the summed T.
//
// All functions throw std::invalid_argument for a non-positive array or tile dimension.
#pragma once

#include <cstdint>

#include "traces/layer.h"

namespace tessera::systolic {

enum class TimingModel { physical, scalesim };

struct ArrayShape {
  int64_t rows = 0;
  int64_t cols = 0;
};

struct GemmTile {
  int64_t m = 0, n = 0, k = 0;
};

// Where a tile sits in a stream of chunks along the T dimension (see above). Only meaningful for a
// tile that occupies a single fold; a multi-fold tile is always a whole stream.
struct StreamPosition {
  bool first = true;
  bool last = true;
};

struct FoldCycles {
  int64_t fill = 0;    // before the first streamed element enters (preload of stationary data)
  int64_t steady = 0;  // T
  int64_t drain = 0;   // after the last streamed element enters, until the last result leaves
  [[nodiscard]] int64_t total() const { return fill + steady + drain; }
};

struct TileCycles {
  int64_t cycles = 0;     // wall cycles of the whole tile
  int64_t steady = 0;     // of them, the folds' steady state (the rest is fill and drain)
  int64_t folds = 0;      // number of folds
  int64_t macs = 0;       // effectual multiply-accumulates (m*n*k)
  int64_t pe_cycles = 0;  // rows*cols*cycles: PE-cycles the array was occupied (for utilisation)
};

// Cycles of one fold using r rows and c columns of the array and streaming t elements.
// Requires 1 <= r <= rows, 1 <= c <= cols, t >= 1.
[[nodiscard]] FoldCycles fold_cycles(ArrayShape array, Dataflow df, TimingModel model, int64_t r,
                                     int64_t c, int64_t t);

// Cycles of a whole tile. O(1): folds of equal size are counted, not iterated. pos applies only
// when the tile is a single fold; a multi-fold tile pays every fold's fill and drain.
[[nodiscard]] TileCycles tile_cycles(ArrayShape array, Dataflow df, TimingModel model,
                                     GemmTile tile, StreamPosition pos = {});

// Array rows, columns and streamed extent of a tile under a dataflow (the table above).
struct FoldSpace {
  int64_t rows = 0, cols = 0, t = 0;
};
[[nodiscard]] FoldSpace fold_space(Dataflow df, GemmTile tile);

}  // namespace tessera::systolic
