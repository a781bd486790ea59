#include "models/sparse/compressed_decoder.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "models/sparse/weight_tensor.h"
#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {
namespace {

constexpr int64_t kWordBits = 64;

// Metadata bits of one column's rows [0, x) in the blocks format; exact on top-block boundaries.
int64_t metadata_before(const SparsitySpec& spec, int64_t x) {
  return hss_metadata_bits(spec, 1) * x / spec.top_span();
}

// Values column j keeps in rows [k0, k1) of unstructured weights, drawn (seeded, the same for
// every visit of the same tile) as if each value were kept with the density's probability.
int64_t sampled_column_count(const Layer& layer, const SparsitySpec& spec, int64_t j, int64_t k0,
                             int64_t k1) {
  uint64_t name_hash = 14695981039346656037ULL;  // FNV-1a: the same on every machine
  for (const char c : layer.name)
    name_hash = (name_hash ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  const uint64_t seed = name_hash ^ (static_cast<uint64_t>(j) * 0x9E3779B97F4A7C15ULL) ^
                        (static_cast<uint64_t>(k0) * 0xC2B2AE3D27D4EB4FULL);
  std::mt19937_64 rng(seed);
  return std::binomial_distribution<int64_t>(k1 - k0, spec.kept)(rng);
}

}  // namespace

CompressedDecoder::CompressedDecoder(const sc_core::sc_module_name& name, const ParamValues& p)
    : SparseDecoder(name, p),
      metadata_words_(stats().counter("metadata_word", "64-bit words",
                                      "weight metadata words read and decoded", true)),
      tiles_(stats().counter("compressed_tiles", "tiles", "weight tiles fed compressed")),
      weights_skipped_(stats().counter("weights_skipped", "weights",
                                       "weight positions of compressed tiles never multiplied")),
      input_skipped_(stats().counter("input_skipped_macs", "MACs",
                                     "multiplies of kept weights skipped for a zero input")) {}

std::optional<WeightWork> CompressedDecoder::work(const Layer& layer, const GemmRange& r,
                                                  bool imbalance,
                                                  const DecodedOperand* measured) const {
  const std::optional<WeightFormat> f = format_for(layer);
  if (!f) return std::nullopt;
  const int64_t bits = layer.precision_bits, n = r.n();
  WeightWork w;
  if (f->kind == WeightFormat::Kind::blocks) {
    // Multiplies: the pattern's share (exact over whole blocks); time: the fullest column, which
    // may keep all of a cut block's values inside the range.
    const int64_t kept = kept_before(*f->spec, r.k1) - kept_before(*f->spec, r.k0);
    w.rows = most_kept(*f->spec, r.k0, r.k1);
    w.effectual = kept * n;
    w.metadata_bits = (metadata_before(*f->spec, r.k1) - metadata_before(*f->spec, r.k0)) * n;
  } else {
    // The density's share of the values is stored and multiplied; how it falls into columns is
    // drawn per column (HSS weights are balanced: every column keeps the same number), and the
    // fullest column sets how long the array steps.
    const int64_t per_column = kept_before(*f->spec, r.k1) - kept_before(*f->spec, r.k0);
    w.effectual = per_column * n;
    w.rows = per_column;
    if (f->spec->kind == SparsitySpec::Kind::density) {
      if (imbalance) {
        for (int64_t j = r.n0; j < r.n1; ++j) {
          w.rows = std::max(w.rows, sampled_column_count(layer, *f->spec, j, r.k0, r.k1));
        }
      } else {
        // Planning: the expected fullest of n binomial columns, mean + sqrt(2 ln n) deviations
        // (the normal approximation of the largest of n draws), never nothing.
        const double mean = static_cast<double>(r.k()) * f->spec->kept;
        const double sd = std::sqrt(mean * (1 - f->spec->kept));
        const double spread = n > 1 ? std::sqrt(2 * std::log(static_cast<double>(n))) : 0;
        w.rows = std::min(r.k(), static_cast<int64_t>(std::ceil(mean + spread * sd)));
      }
    }
    w.metadata_bits = r.k() * n;
  }
  w.stored_bits = w.effectual * bits + w.metadata_bits;
  skip_inputs(layer, r, measured, w);
  return w;
}

void CompressedDecoder::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  TileExtension& ext = extension_of(p);
  const auto* given = p.get_extension<DecodedOperand>();
  const Layer* layer = given != nullptr ? given->layer : nullptr;
  const DecodedOperand* measured = given != nullptr && given->inputs_nonzero >= 0 ? given : nullptr;
  if (layer != nullptr && ext.tensor == Tensor::inputs && p.is_read()) {
    feed_inputs(*layer, ext, measured);
  }
  std::optional<WeightFormat> f;
  if (layer != nullptr && ext.tensor == Tensor::weights && p.is_read()) f = format_for(*layer);
  if (!f) {
    to_buffer->b_transport(p, delay);
    return;
  }
  auto& decoded = family_extension<DecodedOperand>(p, name());
  const GemmRange& r = ext.range;
  const WeightWork w = *work(*layer, r, true, measured);
  // The array asked for the dense weights (possibly several times, once per fold it streams
  // them); it receives the compressed ones as often.
  const int64_t dense_bits = r.k() * r.n() * layer->precision_bits;
  const int64_t asked_bits = ext.bytes * 8;
  const int64_t times = std::max<int64_t>(1, asked_bits / dense_bits);
  ext.bytes = ceil_div(w.stored_bits * times, 8);
  decoded.weights_compressed = true;
  decoded.weight_rows = w.rows;
  decoded.effectual_weights = w.effectual;
  decoded.effectual_macs = w.macs;
  input_skipped_ += static_cast<uint64_t>(r.m() * w.effectual - w.macs);
  ++tiles_;
  metadata_words_ += static_cast<uint64_t>(ceil_div(w.metadata_bits * times, kWordBits));
  weights_skipped_ += static_cast<uint64_t>(r.k() * r.n() - w.effectual);
  count_read(*f, r, w, times);
  to_buffer->b_transport(p, delay);
  if (p.get_data_ptr() != nullptr && !p.is_response_error()) {
    round_trip(*layer, *f, ext.box, reinterpret_cast<int32_t*>(p.get_data_ptr()));
  }
}

void CompressedDecoder::feed_inputs(const Layer& layer, TileExtension& ext,
                                    const DecodedOperand* measured) {
  if (layer.input_sparsity.is_dense() && measured == nullptr) return;
  const GemmRange& r = ext.range;
  const std::optional<InputWork> in = input_work(layer, r, measured);
  if (!in) return;
  // The array asked for the dense inputs, once per pass it streams them.
  const int64_t dense_bits = r.m() * r.k() * layer.precision_bits;
  if (dense_bits <= 0) return;
  const int64_t times = std::max<int64_t>(1, ext.bytes * 8 / dense_bits);
  ext.bytes = ceil_div(in->stored_bits * times, 8);
  metadata_words_ += static_cast<uint64_t>(ceil_div(in->metadata_bits * times, kWordBits));
}

void CompressedDecoder::round_trip(const Layer& layer, const WeightFormat& f, const Box& box,
                                   int32_t* values) const {
  // The box holds whole rows of k (see tile_geometry.h): rows [k_first, k_first + rows).
  const int64_t n = box.hi[3] - box.lo[3];
  const int64_t rows = box.volume() / n;
  const ConvShape& s = layer.shape;
  const int64_t k_first = box.lo[0] * s.filter_h * s.filter_w + box.lo[1] * s.filter_w + box.lo[2];
  if (f.kind == WeightFormat::Kind::bitmask) {
    std::vector<bool> mask(static_cast<size_t>(rows * n));
    std::vector<int32_t> kept;
    for (size_t i = 0; i < mask.size(); ++i) {
      mask[i] = values[i] != 0;
      if (mask[i]) kept.push_back(values[i]);
    }
    size_t next = 0;
    for (size_t i = 0; i < mask.size(); ++i) values[i] = mask[i] ? kept[next++] : 0;
    return;
  }
  // Whole blocks inside the box go through the format; rows of a block the tile cuts pass as
  // they are.
  const int64_t span = f.spec->top_span();
  const int64_t first = (k_first + span - 1) / span * span;
  const int64_t last = (k_first + rows) / span * span;
  if (last <= first) return;
  const int64_t offset = (first - k_first) * n;
  std::vector<int32_t> part(values + offset, values + offset + (last - first) * n);
  HssColumns c;
  if (!compress_hss(*f.spec, part, last - first, n, c)) {
    throw SimulationError(std::string(name()) + ": weights of layer '" + layer.name +
                          "' do not fit the " + f.spec->text() + " format the decoder reads");
  }
  const std::vector<int32_t> back = expand_hss(*f.spec, c, last - first, n);
  std::copy(back.begin(), back.end(), values + offset);
}

}  // namespace tessera
