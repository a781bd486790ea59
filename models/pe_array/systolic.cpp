// pe_array: systolic — an R x C systolic array running ws, os or is dataflows, timed per tile by
// the closed form in systolic_timing.h (proved equal to a per-cycle register model in the tests).
//
// Operand traffic per tile (m x n outputs, reduction k) follows from the dataflow: the
// stationary operand is read once, the streamed one once per fold across the other spatial
// dimension, and partial sums are read and written once per fold along the reduction.
// A tile takes max(array cycles, read-port cycles, write-port cycles): the buffer ports stall the
// array when they cannot keep up.
//
// Compressed weights: when the sparse decoder feeds a tile's weights compressed, it reports the
// reduction rows the fullest output column keeps and the weights multiplied; the tile is then
// folded over those rows instead of k, and `mac` counts only the multiplies performed. A decoder
// that also skips zero inputs reports the rows of the slowest output and the multiplies on both
// sides the same way.
#include <algorithm>
#include <vector>

#include "models/pe_array/pe_array_base.h"
#include "models/reference_compute.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class SystolicArray : public PeArrayBase {
 public:
  SystolicArray(const sc_core::sc_module_name& name, const ParamValues& p)
      : PeArrayBase(name, p, "multiply-accumulates performed",
                    "PE-cycles of a busy array in which a PE did no MAC", "tiles computed"),
        shape_{p.get_int("rows"), p.get_int("cols")},
        dataflow_(*parse_dataflow(p.get_string("dataflow"))),
        model_(p.get_string("timing") == "scalesim" ? systolic::TimingModel::scalesim
                                                    : systolic::TimingModel::physical),
        folds_(stats().counter("folds", "folds", "folds run")),
        cycles_(stats(), "cycles the array computed",
                "cycles the array waited for the buffer ports") {}

  [[nodiscard]] systolic::ArrayShape shape() const override { return shape_; }
  [[nodiscard]] Dataflow dataflow() const override { return dataflow_; }

  void check_layer(const Layer& layer, const std::string& trace_file) const override {
    if (layer.sparse != nullptr) {
      reject_layer(layer, trace_file, "it needs pe_array 'intersect', not 'systolic'");
    }
  }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    auto& tile = family_extension<TileCompute>(p, name());
    const sc_core::sc_time start = delay;  // the tile's local time: its operands issue from here
    const uint64_t begin = cycle_at(start);
    const Layer& layer = *tile.layer;
    const GemmRange& r = ext.range;
    const bool functional = ext.functional;
    const int bits = layer.precision_bits;

    std::vector<int32_t> in, w, out;
    Ports ports;
    const Box in_box = input_box(layer, r), w_box = weight_box(layer, r),
              out_box = output_box(layer, r);
    // Weights first: a sparse decoder answers with the reduction rows the array steps through.
    const DecodedOperand fed =
        access(tlm::TLM_READ_COMMAND, p, Tensor::weights, tile.weight_slot, w_box,
               weight_elements(tile.dataflow, r) * bits, functional, w, start, ports.reads, ports);
    const bool compressed = fed.weights_compressed;
    const int64_t rows = compressed ? fed.weight_rows : r.k();
    const systolic::StreamPosition stream{tile.first_chunk, tile.last_chunk};
    systolic::TileCycles t;
    if (rows > 0) {
      t = systolic::tile_cycles(shape_, tile.dataflow, model_, {r.m(), r.n(), rows}, stream);
    }
    if (compressed)
      t.macs = fed.effectual_macs >= 0 ? fed.effectual_macs : r.m() * fed.effectual_weights;
    ComputeTime time;
    time.streaming = static_cast<uint64_t>(t.steady);
    time.fill_drain = static_cast<uint64_t>(t.cycles - t.steady);
    if (compressed && rows > 0) {
      // Folds step through the slowest output's rows; with the multiplies spread evenly they
      // would step through the average's.
      const int64_t even_rows = ceil_div(t.macs, r.m() * r.n());
      const int64_t even_steady = even_rows == 0
                                      ? 0
                                      : systolic::tile_cycles(shape_, tile.dataflow, model_,
                                                              {r.m(), r.n(), even_rows}, stream)
                                            .steady;
      time.streaming = static_cast<uint64_t>(even_steady);
      time.imbalance = static_cast<uint64_t>(t.steady - even_steady);
    }
    // SCALE-Sim reports the index of a layer's last cycle, one less than the count.
    if (model_ == systolic::TimingModel::scalesim && tile.first_tile_of_layer && t.cycles > 0) {
      --t.cycles;
      --time.fill_drain;
    }
    const Traffic traffic = operand_traffic(tile.dataflow, r, rows, tile.accumulate);
    access(tlm::TLM_READ_COMMAND, p, Tensor::inputs, tile.input_slot, in_box, traffic.inputs * bits,
           functional, in, start, ports.reads, ports);
    if (tile.accumulate) {  // partial sums from earlier tiles come back from the buffer
      access(tlm::TLM_READ_COMMAND, p, Tensor::outputs, tile.output_slot, out_box,
             traffic.psum_reads * bits, functional, out, start, ports.reads, ports);
    }
    if (functional) {
      if (out.empty()) out.assign(static_cast<size_t>(out_box.volume()), 0);
      accumulate_tile(layer, r, in_box, in, w_box, w, out);
    }
    access(tlm::TLM_WRITE_COMMAND, p, Tensor::outputs, tile.output_slot, out_box,
           traffic.psum_writes * bits, functional, out, start, ports.writes, ports);
    if (!tile.accumulate && traffic.psum_reads > 0) {
      // Partial sums of this tile's own earlier folds: port time and energy, no values to carry.
      std::vector<int32_t> none;
      access(tlm::TLM_READ_COMMAND, p, Tensor::outputs, tile.output_slot, out_box,
             traffic.psum_reads * bits, false, none, start, ports.reads, ports);
    }

    const auto array_cycles = static_cast<uint64_t>(t.cycles);
    const uint64_t port_cycles = std::max(to_cycles(ports.reads), to_cycles(ports.writes));
    const uint64_t total = std::max(array_cycles, port_cycles);
    time.macs = static_cast<uint64_t>(t.macs);
    tile.time = tile_time(time, total, ports.refetch_wait);
    record_tile(begin, tile.time);
    count_tile(static_cast<uint64_t>(t.macs),
               static_cast<uint64_t>(shape_.rows * shape_.cols) * array_cycles);
    folds_ += static_cast<uint64_t>(t.folds);
    cycles_.add(array_cycles, total - array_cycles);
    delay += cycles(total);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  // Elements moved between the buffer and the array for one tile.
  struct Traffic {
    int64_t inputs = 0, weights = 0, psum_reads = 0, psum_writes = 0;
  };

  // `rows` is the reduction extent the array steps through: k, or fewer for compressed weights
  // (the inputs are still all read: the PEs pick the ones their kept weights need).
  [[nodiscard]] Traffic operand_traffic(Dataflow df, const GemmRange& r, int64_t rows,
                                        bool accumulate) const {
    const int64_t m = r.m(), n = r.n(), k = r.k();
    const int64_t acc = accumulate ? 1 : 0;
    const int64_t k_folds = ceil_div(rows, shape_.rows);
    Traffic t;
    t.weights = weight_elements(df, r);
    switch (df) {
      case Dataflow::ws:  // weights k x n stationary, inputs streamed per column fold
        t.inputs = m * k * ceil_div(n, shape_.cols);
        t.psum_writes = m * n * k_folds;
        t.psum_reads = m * n * std::max<int64_t>(0, k_folds - 1 + acc);
        break;
      case Dataflow::is:  // inputs k x m stationary, weights streamed per column fold
        t.inputs = m * k;
        t.psum_writes = m * n * k_folds;
        t.psum_reads = m * n * std::max<int64_t>(0, k_folds - 1 + acc);
        break;
      case Dataflow::os:  // outputs m x n stationary, both operands streamed
        t.inputs = m * k * ceil_div(n, shape_.cols);
        t.psum_writes = m * n;
        t.psum_reads = m * n * acc;
        break;
    }
    return t;
  }

  // Dense weight elements moved to the array: once when stationary (ws), once per fold across
  // the other spatial dimension when streamed (is, os).
  [[nodiscard]] int64_t weight_elements(Dataflow df, const GemmRange& r) const {
    const int64_t kn = r.k() * r.n();
    switch (df) {
      case Dataflow::ws: return kn;
      case Dataflow::is: return kn * ceil_div(r.m(), shape_.cols);
      case Dataflow::os: return kn * ceil_div(r.m(), shape_.rows);
    }
    return kn;
  }

  // The time a tile's operand accesses keep each buffer port busy, and how much of it they
  // waited for memory.
  struct Ports {
    sc_core::sc_time reads = sc_core::SC_ZERO_TIME;
    sc_core::sc_time writes = sc_core::SC_ZERO_TIME;
    uint64_t refetch_wait = 0;
  };

  // One buffer access through the sparse decoder; `bits` is the modelled size in bits. It is
  // issued when the tile starts (`start`, local time), after the port's earlier accesses of the
  // tile, and its time is added to `port_time`, one of `ports`. Returns the decoder's account.
  DecodedOperand access(tlm::tlm_command cmd, tlm::tlm_generic_payload& command, Tensor tensor,
                        int slot, const Box& box, int64_t bits, bool functional,
                        std::vector<int32_t>& values, const sc_core::sc_time& start,
                        sc_core::sc_time& port_time, Ports& ports) {
    sc_core::sc_time d = start + port_time;
    const Fed fed =
        access_operand(cmd, command, tensor, slot, box, (bits + 7) / 8, 0, functional, values, d);
    port_time = d - start;
    ports.refetch_wait += fed.refetch_wait;
    return fed.decoded;
  }

  systolic::ArrayShape shape_;
  Dataflow dataflow_;
  systolic::TimingModel model_;
  uint64_t& folds_;
  TileCycleCounters cycles_;
};

}  // namespace

TESSERA_REGISTER(PeArray, systolic, SystolicArray, "R x C systolic array (ws, os, is)",
                 {int_param("rows", 32, "PEs", "array rows"),
                  int_param("cols", 32, "PEs", "array columns"),
                  choice_param("dataflow", "ws", {"ws", "os", "is"},
                               "which operand stays in the PEs (layers may override)"),
                  choice_param("timing", "physical", {"physical", "scalesim"},
                               "physical: the modelled hardware; scalesim: SCALE-Sim v2's fold "
                               "accounting, for comparison")});

}  // namespace tessera
