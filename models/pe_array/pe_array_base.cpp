#include "models/pe_array/pe_array_base.h"

#include <algorithm>

#include "sim/error.h"

namespace tessera {

PeArrayBase::PeArrayBase(const sc_core::sc_module_name& name, ParamValues params,
                         const char* mac_description, const char* idle_description,
                         const char* tiles_description)
    : PeArray(name, std::move(params)),
      macs_(stats().counter("mac", "MACs", mac_description, true)),
      idle_(stats().counter("idle_pe_cycle", "PE-cycles", idle_description, true)),
      tiles_(stats().counter("tiles", "tiles", tiles_description)) {
  counts_macs_in(macs_);
}

void PeArrayBase::reject_layer(const Layer& layer, const std::string& trace_file,
                               const std::string& why) {
  throw InputError({trace_file, layer.line, "op"},
                   "layer '" + layer.name + "' is " + to_string(layer.op) + "; " + why);
}

ComputeTime PeArrayBase::tile_time(ComputeTime array, uint64_t total, uint64_t refetch_wait) {
  const uint64_t busy = array.streaming + array.fill_drain + array.imbalance;
  const uint64_t waiting = total - busy;  // total is the max of busy and the ports' time
  array.refetch = std::min(waiting, refetch_wait);
  array.port_stall = waiting - array.refetch;
  return array;
}

void PeArrayBase::record_tile(uint64_t begin, const ComputeTime& t) const {
  Timeline* timeline = this->timeline();
  if (timeline == nullptr) return;
  const uint32_t track = timeline_track(*timeline);
  const uint64_t busy_end = begin + t.streaming + t.fill_drain + t.imbalance;
  timeline->span(track, "busy", begin, busy_end,
                 {{"macs", static_cast<int64_t>(t.macs)},
                  {"fill_drain", static_cast<int64_t>(t.fill_drain)},
                  {"imbalance", static_cast<int64_t>(t.imbalance)}});
  timeline->span(track, "port stall", busy_end, busy_end + t.port_stall);
  timeline->span(track, "refetch wait", busy_end + t.port_stall,
                 busy_end + t.port_stall + t.refetch);
}

PeArrayBase::Fed PeArrayBase::access_operand(tlm::tlm_command cmd,
                                             tlm::tlm_generic_payload& command, Tensor tensor,
                                             int slot, const Box& box, int64_t bytes,
                                             uint64_t address, bool functional,
                                             std::vector<int32_t>& values,
                                             sc_core::sc_time& delay) {
  const auto& compute = family_extension<TileCompute>(command, name());
  TransactionWith<DecodedOperand> tr;
  tr.ext = extension_of(command);
  tr.forward_extensions(command);
  tr.ext.command = Command::operand;
  tr.ext.tensor = tensor;
  tr.ext.slot = slot;
  tr.ext.box = box;
  tr.ext.bytes = bytes;
  auto& decoded = tr.get<DecodedOperand>();
  decoded.layer = compute.layer;
  decoded.inputs_nonzero = compute.inputs_nonzero;
  decoded.input_blocks_nonzero = compute.input_blocks_nonzero;
  if (functional && cmd == tlm::TLM_READ_COMMAND) {
    values.assign(static_cast<size_t>(box.volume()), 0);
  }
  tr.prepare(cmd, address, functional ? values.data() : nullptr, functional ? values.size() : 0);
  operands->b_transport(tr.payload, delay);
  check_response(tr.payload, name());
  return {decoded, tr.ext.refetch_wait};
}

}  // namespace tessera
