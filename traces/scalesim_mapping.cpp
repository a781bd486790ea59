#include "traces/scalesim_import.h"

#include <algorithm>
#include <cmath>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/scalesim_text.h"

namespace tessera {

namespace {

// Input elements a tile of m_t consecutive output pixels and k_t consecutive reduction indices
// can touch, wherever it starts: an upper bound on the bounding box FORMAT.md charges.
// In floating point: a layer's extents may be large enough (up to 2^62 MACs) for these products to
// overflow int64, and they are only compared with the buffer budget.
double input_bound(const Layer& layer, int64_t m_t, int64_t k_t) {
  if (layer.op == Op::gemm) return static_cast<double>(m_t) * static_cast<double>(k_t);
  const ConvShape& s = layer.shape;
  // A run of `len` consecutive indices in blocks of `block` touches at most this many blocks.
  auto blocks = [](int64_t len, int64_t block) { return (len + 2 * block - 2) / block; };
  const int64_t image = s.out_h * s.out_w;
  const int64_t images = std::min(s.batch, blocks(m_t, image));
  const int64_t out_rows = images > 1 ? s.out_h : std::min(s.out_h, blocks(m_t, s.out_w));
  const int64_t out_cols = out_rows > 1 ? s.out_w : m_t;
  const double in_rows = static_cast<double>(out_rows - 1) * static_cast<double>(s.stride_h) +
                         static_cast<double>(s.filter_h);
  const double in_cols = static_cast<double>(out_cols - 1) * static_cast<double>(s.stride_w) +
                         static_cast<double>(s.filter_w);
  const int64_t chans = std::min(s.channels, blocks(k_t, s.filter_h * s.filter_w));
  return static_cast<double>(images) * in_rows * in_cols * static_cast<double>(chans);
}

double footprint_bytes(const Layer& layer, const GemmExtents& t) {
  const auto m = static_cast<double>(t[0]), n = static_cast<double>(t[1]),
             k = static_cast<double>(t[2]);
  const double elements = input_bound(layer, t[0], t[2]) + k * n + m * n;
  return std::ceil(elements * layer.precision_bits / 8);
}

}  // namespace

void add_scalesim_mappings(Trace& trace, const ScaleSimConfig& cfg) {
  // Double buffering gives a tile half the buffer; 40% leaves a margin on top of the bound above.
  const int64_t budget = cfg.buffer_kib() * 1024 * 2 / 5;
  const FoldDims dims = fold_dims(cfg.dataflow);
  const size_t r = dim_index(dims.rows), c = dim_index(dims.cols), t = dim_index(dims.streamed);

  for (Layer& layer : trace.layers) {
    const GemmExtents extent = layer.gemm();
    GemmExtents tile{};
    tile[r] = std::min(extent[r], cfg.array_height);
    tile[c] = std::min(extent[c], cfg.array_width);
    // Largest chunk of the streamed dim that fits: the footprint grows with it.
    int64_t lo = 0, hi = extent[t];
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo + 1) / 2;
      tile[t] = mid;
      if (footprint_bytes(layer, tile) <= static_cast<double>(budget)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    if (lo == 0) {
      throw InputError({cfg.file.empty() ? trace.file : cfg.file, cfg.file.empty() ? layer.line : 0,
                        "IfmapSramSzkB"},
                       "the SRAMs (" + std::to_string(cfg.buffer_kib()) +
                           " kB in all) cannot hold one array-sized tile of layer '" + layer.name +
                           "'");
    }
    tile[t] = lo;
    layer.mapping.buffer_tile = tile;
    layer.mapping.loop_order = LoopOrder{dims.cols, dims.rows, dims.streamed};
    layer.mapping.dataflow = cfg.dataflow;
  }
}

}  // namespace tessera
