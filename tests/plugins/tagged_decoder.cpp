// sparse: tagged — test only: dense weights, each stored with `tag_bits` bits of metadata beside
// it (say, a check code). The weights take that much more room in the buffer and DRAM and cost
// that much more to move; the PE array's work is unchanged.
//
// With the other families' test modules, it shows that an implementation of any family is one
// file built against the family's interface header (tests/plugins/plugins.cmake).
#include <algorithm>

#include "models/sparse/interface.h"
#include "sim/numbers.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

class TaggedDecoder : public tessera::SparseDecoder {
 public:
  TaggedDecoder(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : SparseDecoder(name, p),
        tag_bits_(p.get_int("tag_bits")),
        tag_bits_read_(stats().counter("tag_bits", "bits", "metadata bits fed to the array")) {}

  [[nodiscard]] std::optional<tessera::WeightWork> weight_work(
      const tessera::Layer& layer, const tessera::GemmRange& r) const override {
    const int64_t weights = r.k() * r.n();
    return tessera::WeightWork{weights * (layer.precision_bits + tag_bits_), weights * tag_bits_,
                               r.k(), weights};
  }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    tessera::TileExtension& ext = tessera::extension_of(p);
    if (ext.tensor == tessera::Tensor::weights && p.is_read()) {
      auto& decoded = tessera::family_extension<tessera::DecodedOperand>(p, name());
      const tessera::Layer& layer = *decoded.layer;
      const tessera::GemmRange& r = ext.range;
      const tessera::WeightWork w = *weight_work(layer, r);
      // The array asked for the dense weights, once per fold that streams them.
      const int64_t times =
          std::max<int64_t>(1, ext.bytes * 8 / (r.k() * r.n() * layer.precision_bits));
      ext.bytes = tessera::ceil_div(w.stored_bits * times, 8);
      decoded.weights_compressed = true;
      decoded.weight_rows = w.rows;
      decoded.effectual_weights = w.effectual;
      tag_bits_read_ += static_cast<uint64_t>(w.metadata_bits * times);
    }
    to_buffer->b_transport(p, delay);
  }

 private:
  int64_t tag_bits_;
  uint64_t& tag_bits_read_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(SparseDecoder, tagged, TaggedDecoder,
                 "test only: dense weights, each stored with tag_bits bits of metadata",
                 {int_param("tag_bits", 2, "bits", "metadata bits stored with each weight")});
}  // namespace tessera

TESSERA_PLUGIN()
