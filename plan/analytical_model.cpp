#include "plan/analytical_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "plan/loop_nest.h"
#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera::model {
namespace {

// Elements one tile moves between the buffer and the array, as the systolic array counts them
// (models/pe_array/systolic.cpp): the stationary operand once, the streamed one once per fold
// across the other spatial dim, partial sums once per fold along the reduction, but the first
// fold of a fresh output tile reads none.
struct OperandTraffic {
  int64_t weights = 0, inputs = 0, psum_reads = 0, psum_writes = 0;
};

OperandTraffic operand_traffic(Dataflow df, systolic::ArrayShape a, const TileClass& c) {
  const int64_t m = c.tile.m, n = c.tile.n, k = c.tile.k;
  const int64_t k_folds = ceil_div(k, a.rows);
  const int64_t acc = c.first_k ? 0 : 1;
  OperandTraffic t;
  switch (df) {
    case Dataflow::ws:
      t.weights = k * n;
      t.inputs = m * k * ceil_div(n, a.cols);
      t.psum_writes = m * n * k_folds;
      t.psum_reads = m * n * std::max<int64_t>(0, k_folds - 1 + acc);
      break;
    case Dataflow::is:
      t.weights = k * n * ceil_div(m, a.cols);
      t.inputs = m * k;
      t.psum_writes = m * n * k_folds;
      t.psum_reads = m * n * std::max<int64_t>(0, k_folds - 1 + acc);
      break;
    case Dataflow::os:
      t.weights = k * n * ceil_div(m, a.rows);
      t.inputs = m * k * ceil_div(n, a.cols);
      t.psum_writes = m * n;
      t.psum_reads = m * n * acc;
      break;
  }
  return t;
}

int64_t bytes_of(int64_t elements, int bits) {
  return ceil_div(elements * bits, 8);
}

// Port cycles of one access: each access is rounded up to whole cycles on its port.
int64_t port_cycles(int64_t bytes, int64_t port) {
  return port > 0 ? ceil_div(bytes, port) : 0;
}

// The array cycles of one tile: the folds' streamed extents, plus fill and drain if asked.
int64_t array_cycles(const ArchitectureFacts& f, Dataflow df, const TileClass& c, bool fill_drain) {
  if (fill_drain) {
    return systolic::tile_cycles(f.array, df, systolic::TimingModel::physical, c.tile, c.stream)
        .cycles;
  }
  const systolic::FoldSpace s = systolic::fold_space(df, c.tile);
  return ceil_div(s.rows, f.array.rows) * ceil_div(s.cols, f.array.cols) * s.t;
}

// What the tile classes add up to.
struct TileSums {
  int64_t compute = 0;
  int64_t port = 0;  // tessera: per tile, the busier of the read and write port
  int64_t pe_read_bits = 0, pe_write_bits = 0;
  int64_t read_words = 0, write_words = 0;  // PE-side accesses, 64-bit words per access
};

TileSums sum_tiles(const Layer& layer, const TilePlan& plan, const LoopNest& nest,
                   const ArchitectureFacts& f, bool fill_drain) {
  const int bits = layer.precision_bits;
  const int64_t port = f.buffer_port_bytes_per_cycle;
  TileSums s;
  for (const TileClass& c : nest.classes) {
    const OperandTraffic t = operand_traffic(plan.dataflow, f.array, c);
    const int64_t reads[] = {bytes_of(t.weights, bits), bytes_of(t.inputs, bits),
                             bytes_of(t.psum_reads, bits)};
    const int64_t write = bytes_of(t.psum_writes, bits);
    int64_t read_port = 0;
    for (const int64_t b : reads) {
      read_port += port_cycles(b, port);
      s.read_words += ceil_div(b, kEnergyWordBytes) * c.count;
    }
    s.write_words += ceil_div(write, kEnergyWordBytes) * c.count;
    s.port += std::max(read_port, port_cycles(write, port)) * c.count;
    s.compute += array_cycles(f, plan.dataflow, c, fill_drain) * c.count;
    s.pe_read_bits += (t.weights + t.inputs + t.psum_reads) * bits * c.count;
    s.pe_write_bits += t.psum_writes * bits * c.count;
  }
  return s;
}

// timeloop-model's level cycles: the worst of the read, write and shared (read + write)
// bandwidth demands slows the level down from the compute cycles, never speeds it up. Reads,
// writes and both together each see the level's one bandwidth here.
int64_t timeloop_level_cycles(int64_t compute, int64_t reads, int64_t writes, double bandwidth) {
  return std::max({compute, transfer_cycles(reads, bandwidth), transfer_cycles(writes, bandwidth),
                   transfer_cycles(reads + writes, bandwidth)});
}

void set_binding(LayerEstimate& e) {
  e.cycles = 0;
  for (const LevelCycles& l : e.levels) {
    if (l.cycles > e.cycles || e.binding.empty()) {
      e.cycles = std::max(e.cycles, l.cycles);
      e.binding = l.level;
    }
  }
}

}  // namespace

const char* to_string(Accounting a) {
  return a == Accounting::timeloop ? "timeloop" : "tessera";
}

int64_t transfer_cycles(int64_t bytes, double bytes_per_cycle) {
  if (bytes_per_cycle <= 0 || bytes == 0) return 0;
  const double q = static_cast<double>(bytes) / bytes_per_cycle;
  const double whole = std::round(q);
  if (std::abs(q - whole) <= 1e-12 * std::max(1.0, whole)) return static_cast<int64_t>(whole);
  return static_cast<int64_t>(std::ceil(q));
}

namespace {
// `e` done `times` over, one after another.
LayerEstimate repeated(LayerEstimate e, int64_t times) {
  if (times == 1) return e;
  e.tiles *= times;
  e.cycles *= times;
  for (LevelCycles& level : e.levels) {
    level.cycles *= times;
    level.bytes *= times;
  }
  Actions& a = e.actions;
  for (int64_t* count : {&a.macs, &a.idle_pe_cycles, &a.buffer_read_words, &a.buffer_write_words,
                         &a.dram_read_bytes, &a.dram_write_bytes}) {
    *count *= times;
  }
  return e;
}
}  // namespace

LayerEstimate estimate_layer(const Layer& layer, const TilePlan& plan,
                             const ArchitectureFacts& facts, const Options& options) {
  const LoopNest nest = loop_nest(layer, plan);
  const TileSums s = sum_tiles(layer, plan, nest, facts, options.fill_drain);
  const DramTraffic d = dram_traffic(layer, plan, nest);

  LayerEstimate e;
  e.name = layer.name;
  e.plan = plan;
  e.tiles = nest.steps();
  Actions& a = e.actions;
  a.macs = layer.macs();
  a.idle_pe_cycles = facts.array.rows * facts.array.cols * s.compute - a.macs;
  // PE-side accesses, plus the fills (writes) and write-backs (reads) of the memory side.
  a.buffer_read_words = s.read_words + d.written.words;
  a.buffer_write_words = s.write_words + d.fetched.words;
  a.dram_read_bytes = d.fetched.bytes;
  a.dram_write_bytes = d.written.bytes;
  const int64_t dram_bytes = d.fetched.bytes + d.written.bytes;

  e.levels.push_back({"compute", s.compute, 0});
  const int64_t pe_bytes = ceil_div(s.pe_read_bits, 8) + ceil_div(s.pe_write_bits, 8);
  if (options.accounting == Accounting::tessera) {
    e.levels.push_back({"buffer", s.port, pe_bytes});
    e.levels.push_back(
        {"dram", transfer_cycles(dram_bytes, facts.dram_bytes_per_cycle), dram_bytes});
    if (facts.crypto_bytes_per_cycle > 0) {
      e.levels.push_back(
          {"crypto", transfer_cycles(dram_bytes, facts.crypto_bytes_per_cycle), dram_bytes});
    }
  } else {
    // The buffer reads to the array and is written by its updates and by fills from DRAM
    // (write-backs are not counted); DRAM is read by fetches and written by write-backs.
    const int64_t buffer_reads = ceil_div(s.pe_read_bits, 8);
    const int64_t buffer_writes = ceil_div(s.pe_write_bits, 8) + d.fetched.bytes;
    const auto port = static_cast<double>(facts.buffer_port_bytes_per_cycle);
    e.levels.push_back({"buffer",
                        timeloop_level_cycles(s.compute, buffer_reads, buffer_writes, port),
                        buffer_reads + buffer_writes});
    e.levels.push_back({"dram",
                        timeloop_level_cycles(s.compute, d.fetched.bytes, d.written.bytes,
                                              facts.dram_bytes_per_cycle),
                        dram_bytes});
    if (facts.crypto_bytes_per_cycle > 0) {
      e.levels.push_back({"crypto",
                          timeloop_level_cycles(s.compute, d.fetched.bytes, d.written.bytes,
                                                facts.crypto_bytes_per_cycle),
                          dram_bytes});
    }
  }
  set_binding(e);
  return e;
}

std::vector<LayerEstimate> estimate_trace(const Trace& trace, const ArchitectureFacts& facts,
                                          const Options& options) {
  std::vector<LayerEstimate> out;
  out.reserve(trace.layers.size());
  // Layers with equal plan keys and names aside are equal: each shape is estimated once.
  std::map<PlanKey, LayerEstimate> done;
  for (const Layer& layer : trace.layers) {
    if (layer.sparse) {
      throw InputError({trace.file, layer.line, "op"},
                       "layer '" + layer.name + "' is " + to_string(layer.op) +
                           "; tessera model estimates dense layers only");
    }
    if (layer.vector) {
      throw InputError({trace.file, layer.line, "op"},
                       "layer '" + layer.name + "' is " + to_string(layer.op) +
                           ", a vector-unit layer; tessera model estimates the array's layers "
                           "only (tessera run simulates it)");
    }
    PlanKey key = plan_key(layer);
    auto it = done.find(key);
    if (it == done.end()) {
      // A grouped layer is its groups one after another, each the same dense GEMM.
      const Layer slice = layer.group_slice();
      const TilePlan plan = plan_layer(slice, facts, trace.file);
      it = done.emplace(std::move(key),
                        repeated(estimate_layer(slice, plan, facts, options), layer.shape.groups))
               .first;
    }
    out.push_back(it->second);
    out.back().name = layer.name;
  }
  return out;
}

}  // namespace tessera::model
