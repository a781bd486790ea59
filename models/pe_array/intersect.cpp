// pe_array: intersect — an ExTensor-style array of MAC lanes for sparse tiles (and, for spmm,
// uncompressed dense B tiles). For each step it
// reads the compressed A and B tiles (and the partial output tile, when one exists) from the
// buffer, intersects A's columns with B's rows, performs only the effectual multiplies, and
// writes the merged partial output tile back.
//
// Timing: rows x cols lanes each do one effectual multiply per cycle, so the multiplies take
// ceil(effectual / lanes) cycles; the operands stream through the buffer's read port and the
// output through its write port. A step takes the longest of the three; a port that is slower
// than the lanes (including a buffer that must re-fetch bumped data from memory) stalls them.
#include <algorithm>
#include <map>
#include <vector>

#include "models/pe_array/pe_array_base.h"
#include "models/sparse_tile.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

class IntersectArray : public PeArrayBase {
 public:
  IntersectArray(const sc_core::sc_module_name& name, const ParamValues& p)
      : PeArrayBase(name, p, "effectual multiply-accumulates",
                    "lane-cycles of a busy array without a multiply", "steps computed"),
        shape_{p.get_int("rows"), p.get_int("cols")},
        a_nonzeros_(stats().counter("a_nonzeros", "nonzeros", "A nonzeros received")),
        b_nonzeros_(stats().counter("b_nonzeros", "nonzeros", "B nonzeros received")),
        cycles_(stats(), "cycles the lanes were busy",
                "cycles the lanes waited for the buffer ports") {}

  [[nodiscard]] systolic::ArrayShape shape() const override { return shape_; }
  [[nodiscard]] Dataflow dataflow() const override { return Dataflow::os; }

  void check_layer(const Layer& layer, const std::string& trace_file) const override {
    if (layer.sparse == nullptr) {
      reject_layer(layer, trace_file, "pe_array 'intersect' computes only spmspm and spmm layers");
    }
  }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    auto& command = family_extension<TileCompute>(p, name());
    const SparseTile& tile = *command.sparse;
    const SpmspmStep& step = *tile.step;
    const bool functional = ext.functional;
    const sc_core::sc_time begin = delay;

    std::vector<int32_t> a, b, z;
    sc_core::sc_time reads = sc_core::SC_ZERO_TIME, writes = sc_core::SC_ZERO_TIME;
    uint64_t refetch_wait = 0;
    access(tlm::TLM_READ_COMMAND, p, Tensor::inputs, command.input_slot, tile.a, tile.a_address,
           begin, a, reads, refetch_wait);
    access(tlm::TLM_READ_COMMAND, p, Tensor::weights, command.weight_slot, tile.b, tile.b_address,
           begin, b, reads, refetch_wait);
    if (command.accumulate) {
      access(tlm::TLM_READ_COMMAND, p, Tensor::outputs, command.output_slot, tile.z_in,
             tile.z_address, begin, z, reads, refetch_wait);
    }
    if (functional) {
      const auto a_entries = decode_tile(a.data(), static_cast<int64_t>(a.size()));
      const auto b_entries =
          tile.b_dense_cols > 0
              ? decode_dense_tile(b.data(), static_cast<int64_t>(b.size()), tile.b_dense_cols)
              : decode_tile(b.data(), static_cast<int64_t>(b.size()));
      a_nonzeros_ += a_entries.size();
      b_nonzeros_ += b_entries.size();
      int64_t multiplies = 0;
      z = multiply(a_entries, b_entries, decode_tile(z.data(), static_cast<int64_t>(z.size())),
                   multiplies);
      // The timing uses the plan's counts: the data must agree with them.
      if (static_cast<int64_t>(z.size()) != step.z_out_words || multiplies != step.effectual) {
        throw SimulationError(std::string(name()) + ": the step made " +
                              std::to_string(multiplies) + " multiplies and a " +
                              std::to_string(z.size()) + "-word output tile, the plan counted " +
                              std::to_string(step.effectual) + " and " +
                              std::to_string(step.z_out_words));
      }
    } else {
      a_nonzeros_ += static_cast<uint64_t>(step.a.nnz);
      b_nonzeros_ += static_cast<uint64_t>(step.b.nnz);
    }
    if (step.z_out_words > 0) {
      access(tlm::TLM_WRITE_COMMAND, p, Tensor::outputs, command.output_slot, tile.z_out,
             tile.z_address, begin, z, writes, refetch_wait);
    }

    const auto lanes = static_cast<uint64_t>(shape_.rows * shape_.cols);
    const auto effectual = static_cast<uint64_t>(step.effectual);
    const uint64_t mac_cycles = (effectual + lanes - 1) / lanes;
    const uint64_t total = std::max({mac_cycles, to_cycles(reads), to_cycles(writes)});
    count_tile(effectual, lanes * total);
    cycles_.add(total, total - mac_cycles);
    ComputeTime time;
    time.macs = effectual;
    time.streaming = mac_cycles;
    command.time = tile_time(time, total, refetch_wait);
    record_tile(cycle_at(begin), command.time);
    delay = begin + cycles(total);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

 private:
  // Partial output tile = earlier partial sums + A x B, with an entry wherever a multiply meets.
  static std::vector<int32_t> multiply(const std::vector<TileEntry>& a,
                                       const std::vector<TileEntry>& b,
                                       const std::vector<TileEntry>& partial, int64_t& multiplies) {
    std::map<std::pair<int32_t, int32_t>, int32_t> out;
    for (const TileEntry& e : partial) out[{e.row, e.col}] = e.value;
    // B's entries are sorted by row: find each A column's row of B by binary search.
    for (const TileEntry& x : a) {
      auto it = std::lower_bound(b.begin(), b.end(), x.col,
                                 [](const TileEntry& e, int32_t row) { return e.row < row; });
      for (; it != b.end() && it->row == x.col; ++it) {
        out[{x.row, it->col}] += x.value * it->value;
        ++multiplies;
      }
    }
    std::vector<TileEntry> sorted;
    sorted.reserve(out.size());
    for (const auto& [at, v] : out) sorted.push_back({at.first, at.second, v});
    return encode_entries(sorted);
  }

  // One buffer access through the sparse decoder, issued at `begin`; adds its duration, and
  // the part of it spent waiting for memory to `refetch_wait`.
  void access(tlm::tlm_command cmd, tlm::tlm_generic_payload& command, Tensor tensor, int slot,
              const Box& box, uint64_t address, const sc_core::sc_time& begin,
              std::vector<int32_t>& values, sc_core::sc_time& port_time, uint64_t& refetch_wait) {
    // Issued when the step begins, after the port's earlier transfers of this step.
    sc_core::sc_time d = begin + port_time;
    const Fed fed = access_operand(cmd, command, tensor, slot, box, box.volume() * kWordBytes,
                                   address, extension_of(command).functional, values, d);
    port_time = d - begin;
    refetch_wait += fed.refetch_wait;
  }

  systolic::ArrayShape shape_;
  uint64_t& a_nonzeros_;
  uint64_t& b_nonzeros_;
  TileCycleCounters cycles_;
};

}  // namespace

TESSERA_REGISTER(PeArray, intersect, IntersectArray,
                 "MAC lanes doing only the effectual multiplies of sparse tiles",
                 {int_param("rows", 16, "lanes", "rows of MAC lanes"),
                  int_param("cols", 16, "lanes", "columns of MAC lanes")});

}  // namespace tessera
