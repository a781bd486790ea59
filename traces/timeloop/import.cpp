// The whole Timeloop import: the three files read and checked, one tessera layer with the
// mapping's tile, loop order and dataflow, and an architecture whose array, buffer and DRAM are
// the Timeloop architecture's, each value commented with where it came from.
#include <cmath>
#include <filesystem>
#include <sstream>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/timeloop/timeloop_import.h"
#include "traces/trace_writer.h"

namespace tessera::timeloop {
namespace {

namespace fs = std::filesystem;

std::string file_name(const std::string& path) {
  return fs::path(path).filename().string();
}

// The case's name: the problem file's stem, or its folder's name for a plain problem.yaml.
std::string layer_name(const Problem& p) {
  const fs::path path = fs::absolute(fs::path(p.file)).lexically_normal();
  const std::string stem = path.stem().string();
  const std::string folder = path.parent_path().filename().string();
  return stem == "problem" && !folder.empty() ? folder : stem;
}

// A matmul (1x1 filter, one output column, one image, no stride) is written as op gemm; any
// other shape as a conv whose input is what Timeloop's projection gives:
// (P-1)*stride + (R-1)*dilation + 1 with dilation 1.
Layer make_layer(const Problem& p, int word_bits, const Translation& t) {
  const std::map<char, int64_t>& b = p.bounds;
  Layer layer;
  layer.name = layer_name(p);
  layer.precision_bits = word_bits;
  ConvShape& s = layer.shape;
  s.channels = b.at('C');
  s.filters = b.at('M');
  s.batch = b.at('N');
  s.filter_h = b.at('R');
  s.filter_w = b.at('S');
  s.stride_h = p.stride_h;
  s.stride_w = p.stride_w;
  s.out_h = b.at('P');
  s.out_w = b.at('Q');
  s.in_h = (s.out_h - 1) * s.stride_h + s.filter_h;
  s.in_w = (s.out_w - 1) * s.stride_w + s.filter_w;
  const bool matmul = s.filter_h == 1 && s.filter_w == 1 && s.out_w == 1 && s.batch == 1 &&
                      (s.stride_h == 1 || s.out_h == 1);
  if (matmul) {
    layer.op = Op::gemm;
    s.stride_h = s.stride_w = 1;
    s.in_h = s.out_h;
    s.in_w = 1;
  }
  layer.mapping.dataflow = Dataflow::ws;
  layer.mapping.buffer_tile = t.buffer_tile;
  layer.mapping.loop_order = t.loop_order;
  return layer;
}

// Words per cycle of a level: shared_bandwidth (reads and writes together), else the smaller of
// read_bandwidth and write_bandwidth; nothing when the file sets no limit.
std::optional<double> bandwidth_words(const StorageLevel& l) {
  if (l.shared_bw) return l.shared_bw;
  if (l.read_bw && l.write_bw) return std::min(*l.read_bw, *l.write_bw);
  return l.read_bw ? l.read_bw : l.write_bw;
}

std::string bandwidth_source(const StorageLevel& l) {
  if (l.shared_bw) return "shared_bandwidth";
  if (l.read_bw && l.write_bw) return "min(read_bandwidth, write_bandwidth)";
  return l.read_bw ? "read_bandwidth" : "write_bandwidth";
}

InputError at_attribute(const Arch& a, const StorageLevel& l, const std::string& key,
                        const std::string& message) {
  const auto it = l.attribute_lines.find(key);
  return {{a.file, it == l.attribute_lines.end() ? l.line : it->second, l.name + "." + key},
          message};
}

std::string arch_yaml(const Arch& a, const Translation& t) {
  const StorageLevel& dram = a.levels[0];
  const StorageLevel& glb = a.levels[1];
  const int64_t word_bytes = glb.word_bits / 8;

  if (glb.depth == 0 || glb.width_bits == 0) {
    throw at_attribute(a, glb, glb.depth == 0 ? "depth" : "width",
                       "missing: the global buffer's capacity is depth x width");
  }
  const double capacity_bytes = static_cast<double>(glb.depth) * glb.width_bits / 8;
  if (std::fmod(capacity_bytes, 1024) != 0 || capacity_bytes > 0x1p40) {
    throw at_attribute(a, glb, "depth",
                       "depth x width = " + shortest_text(capacity_bytes) +
                           " bytes: tessera's buffer capacity is a whole number of KiB");
  }
  const std::optional<double> glb_words = bandwidth_words(glb);
  if (!glb_words) {
    throw at_attribute(a, glb, "read_bandwidth",
                       "no bandwidth: tessera's buffer moves banks x bank_width_bytes per cycle, "
                       "give read_bandwidth/write_bandwidth or shared_bandwidth");
  }
  const double glb_bytes = *glb_words * static_cast<double>(word_bytes);
  if (glb_bytes != std::floor(glb_bytes) || glb_bytes > 0x1p30) {
    throw at_attribute(a, glb, glb.shared_bw ? "shared_bandwidth" : "read_bandwidth",
                       shortest_text(*glb_words) + " words/cycle = " + shortest_text(glb_bytes) +
                           " bytes/cycle: tessera's buffer moves a whole number of bytes");
  }
  const auto bytes = static_cast<int64_t>(glb_bytes);
  const bool split_banks = bytes % glb.n_banks == 0;
  const int64_t banks = split_banks ? glb.n_banks : 1;

  const std::optional<double> dram_words = bandwidth_words(dram);
  const double gbps = dram_words ? *dram_words * word_bytes * a.clock_mhz / 1e3 : 0;

  std::ostringstream o;
  o << "# Imported from Timeloop architecture " << file_name(a.file) << ".\n"
    << "system:\n"
    << "  clock_mhz: " << shortest_text(a.clock_mhz) << "  # "
    << (a.clock_line != 0 ? "1 / global_cycle_seconds" : "1 GHz: the file gives no cycle time")
    << "\n"
    << "controller:\n  impl: tiled\n"
    << "pe_array:\n  impl: systolic\n"
    << "  rows: " << t.rows << "  # the mesh axis the mapping puts C on: " << t.rows_axis << " of "
    << a.pes << " " << a.compute_name << "s, meshX " << a.mesh_x << "\n"
    << "  cols: " << t.cols << "  # the axis of M: " << t.cols_axis << "\n"
    << "  dataflow: ws  # weight stationary: C on rows, M on columns, N P Q streamed\n"
    << "  timing: physical\n"
    << "buffer:\n  impl: buffet  # " << glb.name << "\n"
    << "  capacity_kib: " << static_cast<int64_t>(capacity_bytes / 1024) << "  # depth "
    << glb.depth << " x width " << glb.width_bits << " bits\n"
    << "  banks: " << banks << "  # "
    << (split_banks ? "n_banks" : "one bank: n_banks does not divide the bandwidth") << "\n"
    << "  bank_width_bytes: " << bytes / banks << "  # banks x this = " << bandwidth_source(glb)
    << " " << shortest_text(*glb_words) << " words/cycle x " << word_bytes << " byte/word\n"
    << "  double_buffered: false  # Timeloop does not double-buffer: the whole tile must fit\n"
    << "sparse:\n  impl: dense\n"
    << "dram:\n  impl: ideal  # " << dram.name << ": Timeloop's DRAM is a bandwidth, no timing\n"
    << "  bandwidth_gbps: " << shortest_text(gbps) << "  # ";
  if (dram_words) {
    o << bandwidth_source(dram) << " " << shortest_text(*dram_words) << " words/cycle x "
      << word_bytes << " byte/word x " << shortest_text(a.clock_mhz) << " MHz";
  } else {
    o << "unlimited: the file gives no bandwidth";
  }
  o << "\n  latency_ns: 0  # Timeloop counts no DRAM latency\n"
    << "crypto:\n  impl: none\n";
  return o.str();
}

}  // namespace

Import import_timeloop(const std::string& problem_path, const std::string& arch_path,
                       const std::string& mapping_path) {
  const Arch arch = read_arch(arch_path);
  const Problem problem = read_problem(problem_path);
  const Mapping mapping = read_mapping(mapping_path, problem, arch);
  const Translation t = translate(problem, arch, mapping);

  Trace trace;
  trace.name = layer_name(problem);
  trace.layers.push_back(make_layer(problem, static_cast<int>(arch.levels[0].word_bits), t));
  Import out;
  out.arch_yaml = arch_yaml(arch, t);
  out.trace_yaml = write_trace_yaml(
      trace, "Imported from Timeloop " + file_name(problem_path) + ", " + file_name(arch_path) +
                 " and " + file_name(mapping_path) +
                 ".\nbuffer_tile and loop_order are the DRAM level's loops; the global buffer's "
                 "loops are tessera's ws folds.");
  for (const std::string& w : t.warnings) out.warnings.push_back(mapping_path + ": " + w);
  return out;
}

}  // namespace tessera::timeloop
