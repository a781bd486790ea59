#include "traces/scalesim_import.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/scalesim_text.h"
#include "traces/trace_writer.h"

namespace tessera {

using scalesim_detail::kMaxValue;
using scalesim_detail::lower;
using scalesim_detail::parse_int;
using scalesim_detail::positive_int;
using scalesim_detail::read_lines;
using scalesim_detail::split;
using scalesim_detail::trim;

namespace {

const std::vector<std::string> kConvColumns = {"Layer name",    "IFMAP Height", "IFMAP Width",
                                               "Filter Height", "Filter Width", "Channels",
                                               "Num Filter",    "Strides"};
const std::vector<std::string> kGemmColumns = {"Layer", "M", "N", "K"};

bool all_empty(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return f.empty(); });
}

// SCALE-Sim's output size: no padding, the last window may overhang by less than a stride.
int64_t scalesim_out(int64_t in, int64_t filter, int64_t stride) {
  return 1 + ceil_div(in - filter, stride);
}

void check_header(const std::string& path, const std::vector<std::string>& header, bool gemm) {
  const std::vector<std::string>& cols = gemm ? kGemmColumns : kConvColumns;
  size_t named = header.size();
  while (named > 0 && header[named - 1].empty()) --named;
  if (named > 1 && parse_int(header[1])) {
    throw InputError({path, 1, cols[0]},
                     "the first line looks like a layer row; a SCALE-Sim topology starts with a "
                     "header line");
  }
  const bool conv_header = named > 1 && lower(header[1]).find("ifmap") != std::string::npos;
  if (gemm && conv_header) {
    throw InputError({path, 1, header[1]},
                     "this is a convolution topology (IFMAP columns); import it without --gemm");
  }
  if (named < cols.size()) {
    std::string hint;
    if (!gemm && named >= 4 && lower(header[1]) == "m") hint = "; for a GEMM topology use --gemm";
    throw InputError({path, 1, cols[named]}, "header has " + std::to_string(named) +
                                                 " columns, a " + (gemm ? "GEMM" : "convolution") +
                                                 " topology needs " + std::to_string(cols.size()) +
                                                 hint);
  }
}

Layer parse_row(const std::string& path, int line, const std::vector<std::string>& f, bool gemm) {
  const std::vector<std::string>& cols = gemm ? kGemmColumns : kConvColumns;
  auto field = [&](size_t i) -> std::string { return i < f.size() ? f[i] : std::string(); };
  auto where = [&](size_t i) { return SourceLocation{path, line, cols[i]}; };
  auto number = [&](size_t i) { return positive_int(field(i), where(i)); };

  Layer layer;
  layer.line = line;
  layer.name = field(0);
  if (layer.name.empty()) throw InputError(where(0), "missing layer name");
  layer.precision_bits = 8;
  ConvShape& s = layer.shape;
  if (gemm) {
    const int64_t m = number(1), n = number(2), k = number(3);
    layer.op = Op::gemm;
    s.in_h = s.out_h = m;
    s.in_w = s.out_w = 1;
    s.channels = k;
    s.filters = n;
    return layer;
  }
  layer.op = Op::conv;
  s.in_h = number(1);
  s.in_w = number(2);
  s.filter_h = number(3);
  s.filter_w = number(4);
  s.channels = number(5);
  s.filters = number(6);
  s.stride_h = s.stride_w = number(7);
  if (s.filter_h > s.in_h) {
    throw InputError(where(3), "filter height " + std::to_string(s.filter_h) +
                                   " is larger than the IFMAP height " + std::to_string(s.in_h));
  }
  if (s.filter_w > s.in_w) {
    throw InputError(where(4), "filter width " + std::to_string(s.filter_w) +
                                   " is larger than the IFMAP width " + std::to_string(s.in_w));
  }
  s.out_h = scalesim_out(s.in_h, s.filter_h, s.stride_h);
  s.out_w = scalesim_out(s.in_w, s.filter_w, s.stride_w);
  if (static_cast<double>(s.channels) * s.filter_h * s.filter_w > static_cast<double>(kMaxValue)) {
    throw InputError(where(5), "channels x filter size is too large");
  }
  return layer;
}

// Each dim fits 31 bits; the MAC count (a product of three GEMM extents) must fit int64 with room.
void check_size(const std::string& path, const Layer& layer, const std::string& column) {
  const GemmExtents g = layer.gemm();
  const double macs = static_cast<double>(g[0]) * static_cast<double>(g[1]) * g[2];
  if (macs > 0x1p62) throw InputError({path, layer.line, column}, "layer is too large to simulate");
}

}  // namespace

Trace read_scalesim_topology(const std::string& path, bool gemm,
                             std::vector<std::string>* renamed) {
  const std::vector<std::string> lines = read_lines(path, "topology");
  const std::vector<std::string>& cols = gemm ? kGemmColumns : kConvColumns;

  size_t header_index = 0;
  while (header_index < lines.size() && trim(lines[header_index]).empty()) ++header_index;
  if (header_index == lines.size()) {
    throw InputError({path, static_cast<int>(std::max<size_t>(lines.size(), 1)), cols[0]},
                     "empty topology: no header line and no layers");
  }
  // SCALE-Sim's files are comma separated; a few hand-made ones use tabs.
  const std::string& header_line = lines[header_index];
  const char sep =
      header_line.find(',') == std::string::npos && header_line.find('\t') != std::string::npos
          ? '\t'
          : ',';
  check_header(path, split(header_line, sep), gemm);

  Trace trace;
  trace.file = path;
  trace.name = std::filesystem::path(path).stem().string();
  for (size_t i = header_index + 1; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const std::vector<std::string> fields = split(lines[i], sep);
    if (all_empty(fields)) continue;
    Layer layer = parse_row(path, line, fields, gemm);
    check_size(path, layer, cols[0]);
    trace.layers.push_back(std::move(layer));
  }
  if (trace.layers.empty()) {
    throw InputError({path, static_cast<int>(lines.size()), cols[0]},
                     "empty topology: the header is not followed by any layer");
  }
  // SCALE-Sim runs rows whatever their names; a trace needs unique ones. A repeated name gets the
  // first free suffix _2, _3, ... (free among all names in the file, so no rename collides).
  std::set<std::string> used;
  for (const Layer& layer : trace.layers) used.insert(layer.name);
  std::set<std::string> seen;
  for (Layer& layer : trace.layers) {
    if (seen.insert(layer.name).second) continue;
    std::string name;
    for (int n = 2; used.count(name = layer.name + "_" + std::to_string(n)) != 0; ++n) {
    }
    if (renamed != nullptr) {
      renamed->push_back("line " + std::to_string(layer.line) + ": '" + layer.name + "' -> '" +
                         name + "'");
    }
    used.insert(name);
    seen.insert(name);
    layer.name = name;
  }
  return trace;
}

ScaleSimImport import_scalesim(const std::string& topology,
                               const std::optional<std::string>& cfg_path, bool gemm) {
  const ScaleSimConfig cfg = cfg_path ? read_scalesim_config(*cfg_path) : ScaleSimConfig{};
  ScaleSimImport out;
  Trace trace = read_scalesim_topology(topology, gemm, &out.renamed_layers);
  add_scalesim_mappings(trace, cfg);
  const std::string from =
      cfg_path ? std::filesystem::path(*cfg_path).filename().string() : "scale.cfg's defaults";
  out.trace_yaml = write_trace_yaml(
      trace, "Imported from SCALE-Sim topology " +
                 std::filesystem::path(topology).filename().string() + " for " + from +
                 ".\nExplicit outputs and mappings reproduce SCALE-Sim's output sizes and folds.");
  out.arch_yaml = scalesim_arch_yaml(cfg);
  out.ignored_keys = cfg.ignored_keys;
  return out;
}

}  // namespace tessera
