// Import of SCALE-Sim v2 inputs: topology CSVs (conv or GEMM) and .cfg architecture presets,
// turned into a tessera trace and architecture that reproduce SCALE-Sim's compute cycle count.
//
// SCALE-Sim pads nothing and lets the last window overhang the input by less than a stride:
//   ofmap = ceil((ifmap - filter + stride) / stride)
// Imported conv layers carry that size as an explicit `output`. A GEMM row "M, N, K" is SCALE-Sim's
// ifmap M x K, one K-wide filter, 1 channel, N filters, stride 1: tessera's gemm m=M, n=N, k=K.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "traces/layer.h"

namespace tessera {

// Reads a topology CSV: a header line, then one layer per row. Conv rows are
//   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,
//   Strides
// and GEMM rows (gemm = true) are `Layer, M, N, K`. Extra columns, trailing commas, blank rows,
// rows of only separators and spaces around fields are tolerated, as in SCALE-Sim's own files.
// Layers get precision 8 and no mapping; the trace name is the file's stem.
// A name repeated in the file (SCALE-Sim allows it) gets the first free suffix _2, _3, ...; each
// rename is appended to `renamed` when given, as "line N: 'old' -> 'new'".
// Throws InputError naming the file, the 1-based CSV line and the column.
[[nodiscard]] Trace read_scalesim_topology(const std::string& path, bool gemm,
                                           std::vector<std::string>* renamed = nullptr);

// The parts of a SCALE-Sim .cfg that matter for compute cycles. Defaults are SCALE-Sim's
// configs/scale.cfg.
struct ScaleSimConfig {
  std::string file;  // where it was read from; empty for the defaults
  std::string run_name;
  int64_t array_height = 32;  // rows
  int64_t array_width = 32;   // columns
  int64_t ifmap_sram_kb = 64;
  int64_t filter_sram_kb = 64;
  int64_t ofmap_sram_kb = 64;
  Dataflow dataflow = Dataflow::os;
  std::vector<int64_t> bandwidth_words = {10};  // words/cycle; SCALE-Sim allows a list
  // Keys that were read but have no effect in tessera (offsets, MemoryBanks, ...), as written
  // and in file order, so the caller can report them once.
  std::vector<std::string> ignored_keys;

  [[nodiscard]] int64_t buffer_kib() const {
    return ifmap_sram_kb + filter_sram_kb + ofmap_sram_kb;
  }
};

// Reads an INI-style .cfg (`[section]`, `key: value` or `key = value`, '#'/';' comment lines).
// Keys are matched case-insensitively, as Python's configparser does. Throws InputError for a
// missing required key (ArrayHeight, ArrayWidth, the three SRAM sizes, Dataflow) or a bad value.
[[nodiscard]] ScaleSimConfig read_scalesim_config(const std::string& path);

// tessera's architecture YAML for a SCALE-Sim config: a systolic array with SCALE-Sim's timing,
// one buffer as large as the three SRAMs and wide enough never to stall the array, ideal DRAM.
[[nodiscard]] std::string scalesim_arch_yaml(const ScaleSimConfig& cfg);

// Sets every layer's mapping so tessera's folds are SCALE-Sim's: spatial tile dims of exactly
// min(extent, array side), the streamed dim T innermost and chunked to fit the buffer, and the
// config's dataflow. Throws InputError when not even a one-element-deep chunk fits.
void add_scalesim_mappings(Trace& trace, const ScaleSimConfig& cfg);

struct ScaleSimImport {
  std::string trace_yaml;
  std::string arch_yaml;
  std::vector<std::string> ignored_keys;    // config keys with no effect in tessera
  std::vector<std::string> renamed_layers;  // repeated layer names made unique
};

// The whole import: topology (+ optional cfg, else scale.cfg's defaults) to the two YAML texts.
[[nodiscard]] ScaleSimImport import_scalesim(const std::string& topology,
                                             const std::optional<std::string>& cfg, bool gemm);

}  // namespace tessera
