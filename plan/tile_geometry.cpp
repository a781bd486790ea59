#include "plan/tile_geometry.h"

#include <algorithm>

#include "sim/numbers.h"

namespace tessera {

const char* to_string(Tensor t) {
  switch (t) {
    case Tensor::inputs: return "inputs";
    case Tensor::weights: return "weights";
    case Tensor::outputs: return "outputs";
  }
  return "?";
}

int64_t Box::volume() const {
  int64_t v = 1;
  for (int d = 0; d < 4; ++d) v *= std::max<int64_t>(0, hi[d] - lo[d]);
  return v;
}

bool Box::contains(const std::array<int64_t, 4>& at) const {
  for (int d = 0; d < 4; ++d) {
    if (at[d] < lo[d] || at[d] >= hi[d]) return false;
  }
  return true;
}

int64_t Box::offset_of(const std::array<int64_t, 4>& at) const {
  int64_t off = 0;
  for (int d = 0; d < 4; ++d) off = off * (hi[d] - lo[d]) + (at[d] - lo[d]);
  return off;
}

int64_t Box::first_element() const {
  int64_t off = 0;
  for (int d = 0; d < 4; ++d) off = off * shape[d] + lo[d];
  return off;
}

Box whole_tensor(const Layer& layer, Tensor t) {
  const ConvShape& s = layer.shape;
  const GemmExtents g = layer.gemm();
  Box b;
  if (layer.vector) {
    const int64_t elements[] = {layer.vector->reads, 0, layer.vector->elements};
    b.shape = {1, 1, 1, elements[tensor_index(t)]};
    b.hi = b.shape;
    return b;
  }
  switch (t) {
    // Groups are stored one after another, each in the layout of one group.
    case Tensor::inputs:
      b.shape = {s.groups * s.batch, s.in_h, s.in_w, s.channels / s.groups};
      break;
    case Tensor::weights:
      b.shape = {s.channels, s.filter_h, s.filter_w, s.filters / s.groups};
      break;
    case Tensor::outputs: b.shape = {1, s.groups, g[0], g[1]}; break;
  }
  b.hi = b.shape;
  return b;
}

Box input_box(const Layer& layer, const GemmRange& r) {
  const ConvShape& s = layer.shape;
  Box b = whole_tensor(layer, Tensor::inputs);
  const int64_t rs = s.filter_h * s.filter_w;
  const int64_t pq = s.out_h * s.out_w;
  b.lo[3] = r.k0 / rs;
  b.hi[3] = (r.k1 - 1) / rs + 1;
  const int64_t first_img = r.m0 / pq;
  const int64_t last_img = (r.m1 - 1) / pq;
  b.lo[0] = first_img;
  b.hi[0] = last_img + 1;
  int64_t p_lo = 0, p_hi = s.out_h - 1, q_lo = 0, q_hi = s.out_w - 1;
  if (first_img == last_img) {
    p_lo = (r.m0 % pq) / s.out_w;
    p_hi = ((r.m1 - 1) % pq) / s.out_w;
    if (p_lo == p_hi) {
      q_lo = (r.m0 % pq) % s.out_w;
      q_hi = ((r.m1 - 1) % pq) % s.out_w;
    }
  }
  // Filter rows/columns the k range reaches: all of them unless it stays inside one channel.
  int64_t fr_lo = 0, fr_hi = s.filter_h - 1, fs_lo = 0, fs_hi = s.filter_w - 1;
  if (b.hi[3] - b.lo[3] == 1) {
    fr_lo = (r.k0 % rs) / s.filter_w;
    fr_hi = ((r.k1 - 1) % rs) / s.filter_w;
    if (fr_lo == fr_hi) {
      fs_lo = (r.k0 % rs) % s.filter_w;
      fs_hi = ((r.k1 - 1) % rs) % s.filter_w;
    }
  }
  b.lo[1] = std::clamp<int64_t>(p_lo * s.stride_h - s.pad_h + fr_lo, 0, s.in_h);
  b.hi[1] = std::clamp<int64_t>(p_hi * s.stride_h - s.pad_h + fr_hi + 1, 0, s.in_h);
  b.lo[2] = std::clamp<int64_t>(q_lo * s.stride_w - s.pad_w + fs_lo, 0, s.in_w);
  b.hi[2] = std::clamp<int64_t>(q_hi * s.stride_w - s.pad_w + fs_hi + 1, 0, s.in_w);
  if (b.hi[1] < b.lo[1]) b.hi[1] = b.lo[1];
  if (b.hi[2] < b.lo[2]) b.hi[2] = b.lo[2];
  return b;
}

Box weight_box(const Layer& layer, const GemmRange& r) {
  const ConvShape& s = layer.shape;
  Box b = whole_tensor(layer, Tensor::weights);
  const int64_t rs = s.filter_h * s.filter_w;
  b.lo[0] = r.k0 / rs;
  b.hi[0] = (r.k1 - 1) / rs + 1;
  if (b.hi[0] - b.lo[0] == 1) {
    b.lo[1] = (r.k0 % rs) / s.filter_w;
    b.hi[1] = ((r.k1 - 1) % rs) / s.filter_w + 1;
    if (b.hi[1] - b.lo[1] == 1) {
      b.lo[2] = (r.k0 % rs) % s.filter_w;
      b.hi[2] = ((r.k1 - 1) % rs) % s.filter_w + 1;
    }
  }
  b.lo[3] = r.n0;
  b.hi[3] = r.n1;
  return b;
}

Box output_box(const Layer& layer, const GemmRange& r) {
  Box b = whole_tensor(layer, Tensor::outputs);
  b.lo[2] = r.m0;
  b.hi[2] = r.m1;
  b.lo[3] = r.n0;
  b.hi[3] = r.n1;
  return b;
}

Box tensor_box(const Layer& layer, Tensor t, const GemmRange& r) {
  if (layer.vector) return vector_box(layer, t, r);
  switch (t) {
    case Tensor::inputs: return input_box(layer, r);
    case Tensor::weights: return weight_box(layer, r);
    case Tensor::outputs: return output_box(layer, r);
  }
  return {};
}

Box vector_box(const Layer& layer, Tensor t, const GemmRange& r) {
  const VectorWork& w = *layer.vector;
  Box b = whole_tensor(layer, t);
  if (t == Tensor::outputs) {
    b.lo[3] = r.m0;
    b.hi[3] = r.m1;
  } else if (t == Tensor::inputs) {
    b.lo[3] = r.m0 * w.reads / w.elements;
    b.hi[3] = ceil_div(r.m1 * w.reads, w.elements);
  }
  return b;
}

int64_t box_bytes(const Box& box, int bits) {
  return (box.volume() * bits + 7) / 8;
}

int64_t tile_footprint_bytes(const Layer& layer, const GemmExtents& tile) {
  const GemmExtents g = layer.gemm();
  const GemmRange r{0, std::min(tile[0], g[0]), 0, std::min(tile[1], g[1]),
                    0, std::min(tile[2], g[2])};
  // The input box of an m-range depends on where it starts; the worst case is a range that
  // straddles an output row, so take the larger of a range at the origin and one shifted to
  // end just past a row boundary.
  int64_t inputs = box_bytes(input_box(layer, r), layer.precision_bits);
  const int64_t pq = layer.shape.out_h * layer.shape.out_w;
  if (r.m() < g[0] && layer.shape.out_w > 1) {
    const int64_t start = std::max<int64_t>(0, std::min(layer.shape.out_w - 1, g[0] - r.m()));
    GemmRange shifted = r;
    shifted.m0 = start;
    shifted.m1 = std::min(g[0], start + r.m());
    if ((shifted.m1 - 1) / pq == shifted.m0 / pq) {
      inputs = std::max(inputs, box_bytes(input_box(layer, shifted), layer.precision_bits));
    }
  }
  return inputs + box_bytes(weight_box(layer, r), layer.precision_bits) +
         box_bytes(output_box(layer, r), layer.precision_bits);
}

bool input_coordinate(const Layer& layer, int64_t m, int64_t k, std::array<int64_t, 4>& at) {
  const ConvShape& s = layer.shape;
  const int64_t pq = s.out_h * s.out_w;
  const int64_t rs = s.filter_h * s.filter_w;
  const int64_t b = m / pq;
  const int64_t p = (m % pq) / s.out_w;
  const int64_t q = (m % pq) % s.out_w;
  const int64_t c = k / rs;
  const int64_t fr = (k % rs) / s.filter_w;
  const int64_t fs = (k % rs) % s.filter_w;
  const int64_t h = p * s.stride_h - s.pad_h + fr;
  const int64_t w = q * s.stride_w - s.pad_w + fs;
  if (h < 0 || h >= s.in_h || w < 0 || w >= s.in_w) return false;
  at = {b, h, w, c};
  return true;
}

namespace {
uint64_t aligned_bytes(const Layer& layer, Tensor t) {
  const auto bytes = static_cast<uint64_t>(box_bytes(whole_tensor(layer, t), layer.precision_bits));
  return (bytes + 4095) / 4096 * 4096;
}
}  // namespace

uint64_t dram_base(const Layer& layer, Tensor t) {
  uint64_t base = 0;
  for (int i = 0; i < static_cast<int>(t); ++i)
    base += aligned_bytes(layer, static_cast<Tensor>(i));
  return base;
}

uint64_t dram_data_end(const Layer& layer) {
  return dram_base(layer, Tensor::outputs) + aligned_bytes(layer, Tensor::outputs);
}

}  // namespace tessera
