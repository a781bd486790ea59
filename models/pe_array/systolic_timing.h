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
//  * physical: the hardware described in FORMAT.md / README ("Systolic array model"): a fold using
//    r <= R rows and c <= C columns, streaming T elements, takes
//        ws, is:  r (preload stationary operand) + T + R + c - 2
//        os:      T + r + c - 2 (skewed MACs) + R (shift results out through the bottom edge)
//    Unused columns cost nothing; partial sums and results must still cross all R rows.
//  * scalesim: SCALE-Sim v2's accounting: every fold is padded to the full array,
//        os: T + R + C - 2,   ws, is: 2R + C + T - 2
//    and a layer reports one cycle less than the sum (SCALE-Sim reports the last cycle's index).
//
// A stream may be split into consecutive chunks along T (consecutive buffer tiles that keep the
// same stationary data in a single fold): then only the first chunk pays the preload/fill and only
// the last pays the drain; the sum over the chunks equals one fold with the summed T.
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
  int64_t cycles = 0;  // wall cycles of the whole tile
  int64_t folds = 0;   // number of folds
  int64_t macs = 0;    // effectual multiply-accumulates (m*n*k)
  int64_t pe_cycles = 0;  // rows*cols*cycles: PE-cycles the array was occupied (for utilisation)
};

// Cycles of one fold using r rows and c columns of the array and streaming t elements.
[[nodiscard]] FoldCycles fold_cycles(ArrayShape array, Dataflow df, TimingModel model, int64_t r,
                                     int64_t c, int64_t t);

// Cycles of a whole tile. O(1): folds of equal size are counted, not iterated.
[[nodiscard]] TileCycles tile_cycles(ArrayShape array, Dataflow df, TimingModel model,
                                     GemmTile tile, StreamPosition pos = {});

// Array rows, columns and streamed extent of a tile under a dataflow (the table above).
struct FoldSpace {
  int64_t rows = 0, cols = 0, t = 0;
};
[[nodiscard]] FoldSpace fold_space(Dataflow df, GemmTile tile);

}  // namespace tessera::systolic
