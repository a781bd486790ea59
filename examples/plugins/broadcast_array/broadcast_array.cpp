// pe_array: broadcast — an R x C grid of MAC units, output stationary, whose operands reach
// every unit of a row or column in the same cycle over broadcast wires (no systolic skew, so no
// fill or drain). A tile of m x n outputs over a reduction of k runs ceil(m/R) x ceil(n/C)
// folds of k cycles each, plus `writeout_cycles` per fold to move the finished outputs out.
// Inputs are read once per column fold, weights once per row fold; a tile takes the longer of
// the array's cycles and the buffer ports' time.
//
// An example of a PE array built outside tessera's tree: one file, built against the installed
// package, loaded with `tessera --plugin libbroadcast_array.so -p pe_array.impl=broadcast`.
#include <algorithm>
#include <vector>

#include "models/pe_array/pe_array_base.h"
#include "models/reference_compute.h"
#include "sim/numbers.h"
#include "sim/plugin.h"
#include "sim/registry.h"

namespace {

using tessera::ceil_div;
using tessera::Tensor;

class BroadcastArray : public tessera::PeArrayBase {
 public:
  BroadcastArray(const sc_core::sc_module_name& name, const tessera::ParamValues& p)
      : PeArrayBase(name, p, "multiply-accumulates performed",
                    "unit-cycles of a busy array in which a unit did no MAC", "tiles computed"),
        shape_{p.get_int("rows"), p.get_int("cols")},
        writeout_(p.get_int("writeout_cycles")),
        folds_(stats().counter("folds", "folds", "folds run")),
        cycles_(stats(), "cycles the array computed",
                "cycles the array waited for the buffer ports") {}

  [[nodiscard]] tessera::systolic::ArrayShape shape() const override { return shape_; }
  [[nodiscard]] tessera::Dataflow dataflow() const override { return tessera::Dataflow::os; }

  void check_layer(const tessera::Layer& layer, const std::string& trace_file) const override {
    if (layer.sparse != nullptr) {
      reject_layer(layer, trace_file, "it needs pe_array 'intersect', not 'broadcast'");
    }
  }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    tessera::TileExtension& ext = tessera::extension_of(p);
    auto& tile = tessera::family_extension<tessera::TileCompute>(p, name());
    const uint64_t begin = cycle_at(delay);
    const tessera::Layer& layer = *tile.layer;
    const tessera::GemmRange& r = ext.range;
    const bool functional = ext.functional;
    const int64_t bits = layer.precision_bits;
    const tessera::Box in_box = tessera::input_box(layer, r), w_box = tessera::weight_box(layer, r),
                       out_box = tessera::output_box(layer, r);
    const int64_t row_folds = ceil_div(r.m(), shape_.rows),
                  col_folds = ceil_div(r.n(), shape_.cols);

    std::vector<int32_t> in, w, out;
    // Every access is issued when the tile starts (`delay`, its local time); the ports serve them
    // one after another.
    const sc_core::sc_time start = delay;
    sc_core::sc_time reads = sc_core::SC_ZERO_TIME, writes = sc_core::SC_ZERO_TIME;
    uint64_t refetch_wait = 0;
    const auto access = [&](tlm::tlm_command cmd, Tensor t, int slot, const tessera::Box& box,
                            int64_t elements, bool carry, std::vector<int32_t>& values,
                            sc_core::sc_time& port) {
      sc_core::sc_time d = start + port;
      const Fed fed =
          access_operand(cmd, p, t, slot, box, ceil_div(elements * bits, 8), 0, carry, values, d);
      port = d - start;
      refetch_wait += fed.refetch_wait;
      return fed.decoded;
    };
    const tessera::DecodedOperand fed =
        access(tlm::TLM_READ_COMMAND, Tensor::weights, tile.weight_slot, w_box,
               r.k() * r.n() * row_folds, functional, w, reads);
    // A sparse decoder may feed the weights compressed (and skip zero inputs): the folds then
    // step through the rows the slowest output keeps.
    const int64_t rows = fed.weights_compressed ? fed.weight_rows : r.k();
    const int64_t macs = !fed.weights_compressed   ? r.m() * r.n() * r.k()
                         : fed.effectual_macs >= 0 ? fed.effectual_macs
                                                   : r.m() * fed.effectual_weights;
    access(tlm::TLM_READ_COMMAND, Tensor::inputs, tile.input_slot, in_box,
           r.m() * r.k() * col_folds, functional, in, reads);
    if (tile.accumulate) {
      access(tlm::TLM_READ_COMMAND, Tensor::outputs, tile.output_slot, out_box, r.m() * r.n(),
             functional, out, reads);
    }
    if (functional) {
      if (out.empty()) out.assign(static_cast<size_t>(out_box.volume()), 0);
      tessera::accumulate_tile(layer, r, in_box, in, w_box, w, out);
    }
    access(tlm::TLM_WRITE_COMMAND, Tensor::outputs, tile.output_slot, out_box, r.m() * r.n(),
           functional, out, writes);

    const auto folds = static_cast<uint64_t>(row_folds * col_folds);
    const uint64_t streaming = folds * static_cast<uint64_t>(rows);
    const uint64_t array = streaming + folds * static_cast<uint64_t>(writeout_);
    const uint64_t total = std::max({array, to_cycles(reads), to_cycles(writes)});
    tessera::ComputeTime time;
    time.macs = static_cast<uint64_t>(macs);
    time.streaming = streaming;
    time.fill_drain = array - streaming;  // the outputs moving out
    tile.time = tile_time(time, total, refetch_wait);
    record_tile(begin, tile.time);
    count_tile(static_cast<uint64_t>(macs),
               static_cast<uint64_t>(shape_.rows * shape_.cols) * array);
    folds_ += folds;
    cycles_.add(array, total - array);
    delay += cycles(total);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  tessera::systolic::ArrayShape shape_;
  int64_t writeout_;
  uint64_t& folds_;
  tessera::TileCycleCounters cycles_;
};

}  // namespace

namespace tessera {
TESSERA_REGISTER(PeArray, broadcast, BroadcastArray,
                 "R x C output-stationary MAC grid with broadcast operands (no fill or drain)",
                 {int_param("rows", 32, "units", "grid rows"),
                  int_param("cols", 32, "units", "grid columns"),
                  int_param("writeout_cycles", 1, "cycles",
                            "cycles per fold to move the finished outputs out", 0)});
}  // namespace tessera

TESSERA_PLUGIN()
