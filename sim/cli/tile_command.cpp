// `tessera tile`: the tile size Swiftiles picks for each sparse layer of a trace, how many tiles
// it predicts and how many actually overbook, against an exhaustive search over every size.
// Wall-clock times go to stderr, apart from the simulated results on stdout.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sim/cli/sparse_arch.h"
#include "sparse/swiftiles.h"
#include "sparse/tiling.h"
#include "traces/sparse_operands.h"
#include "traces/trace_reader.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

int tile_main(const Args& args) {
  ArchOptions arch;
  std::string trace_path, target_text = "0.1";
  po::options_description d("tile options");
  d.add_options()("help,h", "show this help")("trace", po::value(&trace_path), "trace YAML")(
      "target", po::value(&target_text), "fraction of B's tiles allowed to overbook (default 0.1)");
  add_arch_options(d, arch);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help") || trace_path.empty()) {
    std::cerr << usage_text();
    return vm.count("help") ? 0 : kUsage;
  }
  const double target = overbook_fraction(target_text, "--target");
  const Trace trace = read_trace_file(trace_path);
  const SparseTiling tiling = sparse_tiling_of(load_sparse_arch(arch, {}));
  const int64_t region = tiling.regions.b;

  std::cout << "B's region: " << region << " words; target overbooked fraction " << target_text
            << "\n";
  std::cout << "layer,probe,samples,swiftiles_tile,shape_mxkxn,predicted_fraction,actual_fraction,"
               "exhaustive_tile,exhaustive_fraction\n";
  int sparse_layers = 0;
  for (const Layer& layer : trace.layers) {
    if (!layer.sparse) continue;
    ++sparse_layers;
    const SparseMatrix& b = *layer.sparse->b;
    auto start = std::chrono::steady_clock::now();
    const SwiftilesEstimate e = swiftiles(b, region, target, kSwiftilesSeed);
    const double estimate_s = seconds_since(start);
    start = std::chrono::steady_clock::now();
    const int64_t best = exhaustive_tile(b, region, target);
    const double exhaustive_s = seconds_since(start);
    const double actual = tile_grid(b, e.tile, e.tile).fraction_over(region);
    const double best_actual = tile_grid(b, best, best).fraction_over(region);
    const SparseMatrix& a = *layer.sparse->a;
    const TileShape shape = cubic_tile(e.tile, a.rows, a.cols, b.cols);
    std::cout << layer.name << "," << e.probe << "," << e.samples << "," << e.tile << "," << shape.m
              << "x" << shape.k << "x" << shape.n << "," << fixed(e.predicted_fraction, 4) << ","
              << fixed(actual, 4) << "," << best << "," << fixed(best_actual, 4) << "\n";
    std::cerr << "wall-clock " << layer.name << ": swiftiles estimate " << fixed(estimate_s, 6)
              << " s, exhaustive search " << fixed(exhaustive_s, 6) << " s\n";
  }
  if (sparse_layers == 0) {
    throw InputError({trace_path, 0, "layers"}, "no spmspm or spmm layer to tile");
  }
  return 0;
}

}  // namespace

const Command tile_command{
    "tile", "tessera tile [--target F] TRACE [--arch FILE] [-p module.param=value]...\n",
    tile_main};

}  // namespace tessera::cli
