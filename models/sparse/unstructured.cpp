// sparse: unstructured — weights of any sparsity stored as their nonzero values plus a bitmask
// (one bit per dense position). Each output column of the array steps through its own nonzeros,
// so a tile lasts as long as its fullest column (load imbalance); the bitmask is read and
// decoded (a population count per 64-bit word) for every weight tile.
#include "models/sparse/compressed_decoder.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class UnstructuredDecoder : public CompressedDecoder {
 public:
  UnstructuredDecoder(const sc_core::sc_module_name& name, const ParamValues& p)
      : CompressedDecoder(name, p),
        popcounts_(stats().counter("mask_popcount", "64-bit words",
                                   "bitmask words decoded by a population count", true)) {}

 protected:
  [[nodiscard]] std::optional<WeightFormat> format_for(const Layer& layer) const override {
    if (layer.weight_sparsity.is_dense()) return std::nullopt;
    return WeightFormat{WeightFormat::Kind::bitmask, &layer.weight_sparsity};
  }

  void count_read(const WeightFormat&, const GemmRange&, const WeightWork& w,
                  int64_t times) override {
    popcounts_ += static_cast<uint64_t>(ceil_div(w.metadata_bits, 64) * times);
  }

 private:
  uint64_t& popcounts_;
};

}  // namespace

TESSERA_REGISTER(SparseDecoder, unstructured, UnstructuredDecoder,
                 "unstructured sparse weights: values plus a bitmask, load imbalance across PEs",
                 {});

}  // namespace tessera
