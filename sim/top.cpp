#include "sim/top.h"

#include <memory>
#include <optional>

#include "models/buffer/interface.h"
#include "models/controller/interface.h"
#include "models/crypto/interface.h"
#include "models/dram/interface.h"
#include "models/pe_array/interface.h"
#include "models/sparse/interface.h"
#include "models/vector/interface.h"
#include "sim/area.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

template <typename Family>
std::unique_ptr<Family> build(const ArchConfig& arch) {
  const ModuleConfig& m = arch.module(Family::kFamily);
  const auto& entry = Registry<Family>::instance().find(m.impl, {arch.file, 0, m.family});
  return entry.create(m.family.c_str(), m.params);
}

template <typename Family>
const typename Family::Facts& facts_of(const ArchConfig& arch) {
  const ModuleConfig& m = arch.module(Family::kFamily);
  return Registry<Family>::instance().find(m.impl, {arch.file, 0, m.family}).facts;
}

struct Accelerator {
  std::unique_ptr<Controller> controller;
  std::unique_ptr<PeArray> pe_array;
  std::unique_ptr<SparseDecoder> sparse;
  std::unique_ptr<Buffer> buffer;
  std::unique_ptr<CryptoEngine> crypto;
  std::unique_ptr<Dram> dram;
  std::unique_ptr<VectorUnit> vector;

  explicit Accelerator(const ArchConfig& arch)
      : controller(build<Controller>(arch)),
        pe_array(build<PeArray>(arch)),
        sparse(build<SparseDecoder>(arch)),
        buffer(build<Buffer>(arch)),
        crypto(build<CryptoEngine>(arch)),
        dram(build<Dram>(arch)),
        vector(build<VectorUnit>(arch)) {
    controller->to_buffer.bind(buffer->from_controller);
    controller->to_vector.bind(vector->compute);
    vector->operands.bind(buffer->from_vector);
    controller->to_pe_array.bind(pe_array->compute);
    pe_array->operands.bind(sparse->from_pe);
    sparse->to_buffer.bind(buffer->from_pe);
    buffer->to_memory.bind(crypto->from_buffer);
    crypto->to_dram.bind(dram->port);
  }

  [[nodiscard]] ArchitectureFacts facts(const ArchConfig& arch) const {
    ArchitectureFacts f;
    f.array = pe_array->shape();
    f.dataflow = pe_array->dataflow();
    f.buffer_capacity_bytes = buffer->capacity_bytes();
    f.double_buffered = buffer->double_buffered();
    f.buffer_port_bytes_per_cycle = buffer->port_bytes_per_cycle();
    f.dram_bytes_per_cycle = dram->peak_bytes_per_cycle();
    f.crypto_bytes_per_cycle = crypto->peak_bytes_per_cycle();
    f.crypto_authenticates = facts_of<CryptoEngine>(arch).authenticates;
    f.tile_policy = facts_of<Buffer>(arch).tile_policy;
    f.buffer_needs_next_use = facts_of<Buffer>(arch).needs_next_use;
    f.overbook_target = buffer->overbook_target();
    f.vector_ops_per_cycle = vector->ops_per_cycle();
    return f;
  }

  [[nodiscard]] std::vector<std::pair<const Component*, std::string>> components(
      const ArchConfig& arch) const {
    return {{controller.get(), arch.module("controller").impl},
            {pe_array.get(), arch.module("pe_array").impl},
            {sparse.get(), arch.module("sparse").impl},
            {buffer.get(), arch.module("buffer").impl},
            {crypto.get(), arch.module("crypto").impl},
            {dram.get(), arch.module("dram").impl},
            {vector.get(), arch.module("vector").impl}};
  }

  // What the reports take from every run, through the families' typed accessors.
  struct Counts {
    uint64_t macs = 0, dram_bytes_read = 0, dram_bytes_written = 0, vector_ops = 0;
  };
  [[nodiscard]] Counts counts() const {
    return {pe_array->macs(), dram->bytes_read(), dram->bytes_written(), vector->ops()};
  }

  // Refuses, before anything runs, a module that does not name the counters its family's
  // reports are made of.
  void check_counts(const ArchConfig& arch) const {
    const auto refuse = [&arch](const char* family, const char* what) {
      const ModuleConfig& m = arch.module(family);
      throw InputError({arch.file, 0, m.family + ".impl"},
                       std::string(family) + " implementation '" + m.impl +
                           "' does not name the counter" + what);
    };
    if (!pe_array->counts_macs()) refuse("pe_array", " of its MACs (PeArray::counts_macs_in)");
    if (!dram->counts_bytes()) refuse("dram", "s of its bytes (Dram::counts_bytes_in)");
    if (vector->ops_per_cycle() > 0 && !vector->counts_ops()) {
      refuse("vector", " of its operations (VectorUnit::counts_ops_in)");
    }
  }
};

}  // namespace

ArchitectureFacts architecture_facts(const ArchConfig& arch) {
  Component::set_clock_mhz(arch.system.get_real("clock_mhz"));
  const Accelerator acc(arch);
  return acc.facts(arch);
}

RunResult simulate(const Trace& trace, const ArchConfig& arch, const EnergyTable& energy,
                   const RunOptions& options) {
  return simulate([&trace](const ArchitectureFacts&) -> const Trace& { return trace; }, arch,
                  energy, options);
}

RunResult simulate(const TraceMaker& make_trace, const ArchConfig& arch, const EnergyTable& energy,
                   const RunOptions& options) {
  Component::set_clock_mhz(arch.system.get_real("clock_mhz"));
  Accelerator acc(arch);
  const auto parts = acc.components(arch);
  acc.check_counts(arch);
  // A missing energy-table row is an input error before anything runs, not after a layer.
  for (const auto& [module, impl] : parts) {
    ComponentResult declared;
    declared.name = module->basename();
    declared.impl = impl;
    declared.counters = module->stats().snapshot();
    check_energy_actions(energy, declared);
  }
  Workload w;
  w.facts = acc.facts(arch);
  const SparseDecoder& decoder = *acc.sparse;
  w.facts.compressed_weights = [&decoder](const Layer& layer,
                                          const GemmRange& r) -> std::optional<CompressedWeights> {
    const auto work = decoder.planned_weight_work(layer, r);
    if (!work) return std::nullopt;
    return CompressedWeights{ceil_div(work->stored_bits, 8), work->rows};
  };
  const Trace& trace = make_trace(w.facts);
  if (options.on_trace) options.on_trace(trace.layers.size());

  RunResult result;
  result.trace_name = trace.name;
  result.trace_file = trace.file;
  result.arch_file = arch.file;
  result.clock_mhz = arch.system.get_real("clock_mhz");
  const systolic::ArrayShape shape = acc.pe_array->shape();
  result.pes = static_cast<uint64_t>(shape.rows * shape.cols);
  result.dram_peak_bytes_per_cycle = w.facts.dram_bytes_per_cycle;

  std::vector<std::vector<CounterValue>> at_start(parts.size());
  Accelerator::Counts counts_at_start;
  uint64_t simulated_cycles = 0;
  std::optional<Timeline> timeline;
  if (options.timeline) {
    timeline.emplace(
        options.timeline, options.timeline_limit,
        trace.name + " on " + (arch.file.empty() ? "the default architecture" : arch.file),
        result.clock_mhz);
    Component::set_timeline(&*timeline);
  }
  // The modules stop recording however the run ends.
  struct Detach {
    Detach() = default;
    Detach(const Detach&) = delete;
    Detach& operator=(const Detach&) = delete;
    ~Detach() { Component::set_timeline(nullptr); }
  } const detach;
  size_t layer_index = 0;
  result.layers.reserve(trace.layers.size());
  w.trace = &trace;
  w.functional = options.functional;
  w.seed = options.seed;
  for (const Layer& layer : trace.layers) decoder.check_layer(layer, trace.file);
  w.events.on_step = options.on_step;
  w.events.on_start = [&](const Layer& layer) {
    if (timeline) {
      const bool selected =
          options.timeline_layers.empty() ||
          (layer_index < options.timeline_layers.size() && options.timeline_layers[layer_index]);
      timeline->begin_layer(layer.name, Component::now_cycle(), selected);
    }
    for (size_t i = 0; i < parts.size(); ++i) at_start[i] = parts[i].first->stats().snapshot();
    counts_at_start = acc.counts();
  };
  w.events.on_end = [&](const Layer& layer, uint64_t cycles, uint64_t stalls, uint64_t tiles,
                        const CycleCauses& causes) {
    if (causes.total() != cycles) {
      throw SimulationError("layer '" + layer.name + "': its cycle causes add up to " +
                            std::to_string(causes.total()) + ", not its " + std::to_string(cycles) +
                            " cycles");
    }
    if (timeline) timeline->end_layer(Component::now_cycle());
    ++layer_index;
    LayerResult l;
    l.name = layer.name;
    l.op = to_string(layer.op);
    l.cycles = cycles;
    l.stall_cycles = stalls;
    l.tiles = tiles;
    l.cycles_by_cause = causes;
    l.components.reserve(parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      ComponentResult c;
      c.name = parts[i].first->basename();
      c.impl = parts[i].second;
      c.counters = difference(parts[i].first->stats().snapshot(), at_start[i]);
      apply_energy(energy, c);
      l.components.push_back({c.name, c.total_energy_pj()});
    }
    const Accelerator::Counts now = acc.counts();
    l.macs = now.macs - counts_at_start.macs;
    l.dram_bytes_read = now.dram_bytes_read - counts_at_start.dram_bytes_read;
    l.dram_bytes_written = now.dram_bytes_written - counts_at_start.dram_bytes_written;
    l.vector_ops = now.vector_ops - counts_at_start.vector_ops;
    l.utilization = cycles == 0 ? 0.0
                                : static_cast<double>(l.macs) / (static_cast<double>(cycles) *
                                                                 static_cast<double>(result.pes));
    result.layers.push_back(std::move(l));
    simulated_cycles += cycles;
    if (options.on_layer_done) options.on_layer_done(result.layers.size(), simulated_cycles);
  };
  // The controller checks that it can replay each layer (and plans it) first: its message names
  // the architecture a layer needs.
  acc.controller->set_workload(std::move(w));
  for (const Layer& layer : trace.layers) acc.pe_array->check_layer(layer, trace.file);
  acc.crypto->set_attacks(options.attacks);

  sc_core::sc_start();
  if (acc.controller->failure()) std::rethrow_exception(acc.controller->failure());
  if (result.layers.size() != trace.layers.size()) {
    throw SimulationError("the simulation stopped before every layer finished");
  }
  const std::map<std::string, double> areas = component_area_mm2(arch, AreaFigures::builtin());
  for (const auto& [component, impl] : parts) {
    ComponentResult c;
    c.name = component->basename();
    c.impl = impl;
    c.counters = component->stats().snapshot();
    apply_energy(energy, c);
    const auto area = areas.find(c.name);
    c.area_mm2 = area == areas.end() ? 0 : area->second;
    result.components.push_back(std::move(c));
  }
  result.functional_checked = options.functional;
  if (timeline) {
    result.timeline_note = timeline->finish();
  }
  return result;
}

}  // namespace tessera
