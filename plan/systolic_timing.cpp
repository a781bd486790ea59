#include "plan/systolic_timing.h"

#include <array>
#include <stdexcept>
#include <string>

namespace tessera::systolic {
namespace {

void require_positive(int64_t value, const char* what) {
  if (value <= 0) {
    throw std::invalid_argument(std::string("systolic timing: ") + what +
                                " must be positive, got " + std::to_string(value));
  }
}

void require_array(ArrayShape array) {
  require_positive(array.rows, "array rows");
  require_positive(array.cols, "array cols");
}

// `count` folds of `size` along one spatial dimension.
struct Folds {
  int64_t size, count;
};

// An extent cut into folds of at most `size`: full folds, then at most one partial fold.
std::array<Folds, 2> split(int64_t extent, int64_t size) {
  const int64_t rest = extent % size;
  return {Folds{size, extent / size}, Folds{rest, rest > 0 ? 1 : 0}};
}

}  // namespace

FoldSpace fold_space(Dataflow df, GemmTile tile) {
  require_positive(tile.m, "tile m");
  require_positive(tile.n, "tile n");
  require_positive(tile.k, "tile k");
  const GemmExtents e{tile.m, tile.n, tile.k};
  const FoldDims d = fold_dims(df);
  return {e[dim_index(d.rows)], e[dim_index(d.cols)], e[dim_index(d.streamed)]};
}

FoldCycles fold_cycles(ArrayShape array, Dataflow df, TimingModel model, int64_t r, int64_t c,
                       int64_t t) {
  require_array(array);
  require_positive(r, "fold rows");
  require_positive(c, "fold cols");
  require_positive(t, "streamed extent");
  if (r > array.rows || c > array.cols) {
    throw std::invalid_argument("systolic timing: fold " + std::to_string(r) + "x" +
                                std::to_string(c) + " exceeds the " + std::to_string(array.rows) +
                                "x" + std::to_string(array.cols) + " array");
  }
  const int64_t R = array.rows;
  const int64_t C = array.cols;
  const bool os = df == Dataflow::os;
  if (model == TimingModel::scalesim) {
    return os ? FoldCycles{0, t, R + C - 2} : FoldCycles{R, t, R + C - 2};
  }
  return os ? FoldCycles{0, t, r + c - 2 + R} : FoldCycles{r, t, R + c - 1};
}

TileCycles tile_cycles(ArrayShape array, Dataflow df, TimingModel model, GemmTile tile,
                       StreamPosition pos) {
  require_array(array);
  const FoldSpace space = fold_space(df, tile);
  TileCycles out;
  out.macs = tile.m * tile.n * tile.k;
  if (space.rows <= array.rows && space.cols <= array.cols) {
    const FoldCycles f = fold_cycles(array, df, model, space.rows, space.cols, space.t);
    out.folds = 1;
    out.cycles = (pos.first ? f.fill : 0) + f.steady + (pos.last ? f.drain : 0);
    out.steady = f.steady;
  } else {
    // At most four distinct fold sizes: full or partial in each spatial dimension.
    for (const Folds& r : split(space.rows, array.rows)) {
      for (const Folds& c : split(space.cols, array.cols)) {
        const int64_t count = r.count * c.count;
        if (count == 0) continue;
        out.folds += count;
        out.cycles += count * fold_cycles(array, df, model, r.size, c.size, space.t).total();
        out.steady += count * space.t;
      }
    }
  }
  out.pe_cycles = array.rows * array.cols * out.cycles;
  return out;
}

}  // namespace tessera::systolic
