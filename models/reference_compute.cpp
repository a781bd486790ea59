#include "models/reference_compute.h"

#include <stdexcept>

namespace tessera {

void accumulate_tile(const Layer& layer, const GemmRange& r, const Box& in_box,
                     const std::vector<int32_t>& in, const Box& w_box,
                     const std::vector<int32_t>& w, std::vector<int32_t>& out) {
  const ConvShape& s = layer.shape;
  const int64_t rs = s.filter_h * s.filter_w;
  const int64_t n_count = r.n();
  for (int64_t m = r.m0; m < r.m1; ++m) {
    int32_t* out_row = out.data() + (m - r.m0) * n_count;
    for (int64_t k = r.k0; k < r.k1; ++k) {
      std::array<int64_t, 4> at{};
      if (!input_coordinate(layer, m, k, at)) continue;  // zero padding
      if (!in_box.contains(at)) throw std::logic_error("tile input outside its fetched box");
      const int32_t x = in[static_cast<size_t>(in_box.offset_of(at))];
      const std::array<int64_t, 4> w_at{k / rs, (k % rs) / s.filter_w, (k % rs) % s.filter_w, 0};
      for (int64_t n = r.n0; n < r.n1; ++n) {
        std::array<int64_t, 4> wn = w_at;
        wn[3] = n;
        if (!w_box.contains(wn)) throw std::logic_error("tile weight outside its fetched box");
        out_row[n - r.n0] += x * w[static_cast<size_t>(w_box.offset_of(wn))];
      }
    }
  }
}

std::vector<int32_t> reference_outputs(const Layer& layer, const std::vector<int32_t>& inputs,
                                       const std::vector<int32_t>& weights) {
  const ConvShape& s = layer.shape;
  std::vector<int32_t> out(static_cast<size_t>(s.batch * s.out_h * s.out_w * s.filters), 0);
  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t p = 0; p < s.out_h; ++p) {
      for (int64_t q = 0; q < s.out_w; ++q) {
        int32_t* o = out.data() + ((b * s.out_h + p) * s.out_w + q) * s.filters;
        for (int64_t c = 0; c < s.channels; ++c) {
          for (int64_t fr = 0; fr < s.filter_h; ++fr) {
            const int64_t h = p * s.stride_h - s.pad_h + fr;
            if (h < 0 || h >= s.in_h) continue;
            for (int64_t fs = 0; fs < s.filter_w; ++fs) {
              const int64_t x = q * s.stride_w - s.pad_w + fs;
              if (x < 0 || x >= s.in_w) continue;
              const int32_t v =
                  inputs[static_cast<size_t>(((b * s.in_h + h) * s.in_w + x) * s.channels + c)];
              const int32_t* wrow =
                  weights.data() + ((c * s.filter_h + fr) * s.filter_w + fs) * s.filters;
              for (int64_t n = 0; n < s.filters; ++n) o[n] += v * wrow[n];
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace tessera
