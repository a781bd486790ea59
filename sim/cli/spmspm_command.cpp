// `tessera spmspm`: Z = A x B straight from Matrix Market files, without writing a trace, on the
// built-in sparse architecture (or --arch) with the buffer policy chosen by --buffer.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "models/buffer/interface.h"
#include "sim/atomic_file.h"
#include "sim/cli/attack_options.h"
#include "sim/cli/sparse_arch.h"
#include "sim/cli/timeline_options.h"
#include "sim/energy_table.h"
#include "sim/progress.h"
#include "sim/registry.h"
#include "sim/report.h"
#include "sim/top.h"
#include "traces/sparse_operands.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

uint64_t counter(const RunResult& r, const std::string& component, const std::string& name) {
  for (const auto& c : r.components) {
    if (c.name != component) continue;
    for (const auto& v : c.counters) {
      if (v.name == name) return v.value;
    }
  }
  return 0;
}

int spmspm_main(const Args& args) {
  ArchOptions arch;
  std::string a_path, b_path, buffer, target_text, energy_path, json_path;
  uint64_t seed = 1;
  po::options_description d("spmspm options");
  d.add_options()("help,h", "show this help")("a", po::value(&a_path), "A (Matrix Market)")(
      "b", po::value(&b_path), "B (Matrix Market; default: A, or A^T with --transpose)")(
      "transpose", "B is the transpose of A")("buffer", po::value(&buffer),
                                              "buffer implementation: buffet, prescient, "
                                              "tailors or any other registered one")(
      "target", po::value(&target_text), "fraction of tiles Swiftiles lets overbook (tailors)")(
      "energy", po::value(&energy_path), "energy table YAML (default: the built-in table)")(
      "json", po::value(&json_path), "write the JSON report to FILE")(
      "functional", "carry real values and check the product against a reference")(
      "seed", po::value(&seed), "seed of the functional-mode values (default 1)")(
      "quiet,q", "print no summary and no progress line");
  add_arch_options(d, arch);
  AttackOptions attacks;
  add_attack_options(d, attacks);
  TimelineOptions timeline;
  add_timeline_options(d, timeline);
  po::positional_options_description pos;
  pos.add("a", 1).add("b", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help")) {
    std::cout << usage_text() << "\n" << d;
    return 0;
  }
  if (a_path.empty() || buffer.empty() || (!b_path.empty() && vm.count("transpose"))) {
    std::cerr << "tessera spmspm: give A, at most one of B and --transpose, and --buffer\n"
              << usage_text();
    return kUsage;
  }
  // The buffer's registration says how it sizes sparse tiles.
  const TilePolicy policy =
      Registry<Buffer>::instance().find(buffer, {"--buffer", 0, "--buffer"}).facts.tile_policy;
  std::vector<std::string> extra{"buffer.impl=" + buffer};
  if (!target_text.empty()) {
    (void)overbook_fraction(target_text, "--target");
    if (policy != TilePolicy::swiftiles) {
      throw InputError({"--target", 0, "--target"},
                       "applies only to a buffer whose tiles Swiftiles sizes (tailors)");
    }
    extra.push_back("buffer.overbook_target=" + target_text);
  }

  // Everything is read and checked before anything is simulated or written.
  auto a = std::make_shared<const SparseMatrix>(read_matrix_market(a_path));
  std::shared_ptr<const SparseMatrix> b = a;
  if (vm.count("transpose")) b = std::make_shared<const SparseMatrix>(transpose(*a));
  if (!b_path.empty()) b = std::make_shared<const SparseMatrix>(read_matrix_market(b_path));
  if (a->cols != b->rows) {
    throw InputError({b_path, b->size_line, "size.rows"},
                     "mismatched dimensions: A is " + std::to_string(a->rows) + " x " +
                         std::to_string(a->cols) + ", B is " + std::to_string(b->rows) + " x " +
                         std::to_string(b->cols) + " (A's columns must equal B's rows)");
  }
  const ArchConfig config = load_sparse_arch(arch, extra);
  const SparseTiling tiling = sparse_tiling_of(config);
  const auto shape = choose_tile(*a, *b, tiling.policy, tiling.regions, tiling.target);
  const EnergyTable energy =
      energy_path.empty() ? EnergyTable::builtin() : EnergyTable::load(energy_path);

  Trace trace;
  trace.name = a->name + "_x_" + b->name;
  trace.file = a_path;
  trace.layers.push_back(spmspm_layer(trace.name, a, b));
  RunOptions options;
  options.functional = vm.count("functional") > 0;
  options.seed = seed;
  apply_attack_options(attacks, trace, options);
  apply_timeline_options(timeline, trace, options);
  ProgressLine progress("tiles", 0, vm.count("quiet") > 0);
  options.on_step = [&progress](uint64_t done, uint64_t steps) {
    progress.set_total(steps);
    progress.update(done);
  };
  const RunResult result = simulate(trace, config, energy, options);
  if (!result.timeline_note.empty()) {
    std::cerr << "tessera: note: " << timeline.path << ": " << result.timeline_note << "\n";
  }

  if (!json_path.empty()) {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(json_report(result));
    j["buffer"] = buffer;
    j["a"] = {{"name", a->name}, {"rows", a->rows}, {"cols", a->cols}, {"nnz", a->nnz()}};
    j["b"] = {{"name", b->name}, {"rows", b->rows}, {"cols", b->cols}, {"nnz", b->nnz()}};
    j["tile_shape"] = {{"m", shape->m}, {"k", shape->k}, {"n", shape->n}};
    j["tiles"] = result.layers.at(0).tiles;
    j["overbooked_tiles"] = counter(result, "buffer", "overbooked_tiles");
    j["bumped_words"] = counter(result, "buffer", "bumped_words");
    j["refetched_bytes"] = counter(result, "buffer", "refetched_bytes");
    write_file_atomically(
        json_path, j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  }
  if (!vm.count("quiet")) {
    std::cout << summary_text(result) << "tile shape    m " << shape->m << ", k " << shape->k
              << ", n " << shape->n << " (" << buffer << ")\n";
  }
  return 0;
}

}  // namespace

const Command spmspm_command{
    "spmspm",
    "tessera spmspm A.mtx [B.mtx | --transpose] --buffer buffet|prescient|tailors|IMPL\n"
    "                     [--target F] [--arch FILE] [-p module.param=value]... [--energy FILE]\n"
    "                     [--functional] [--seed N] [--json FILE] [--quiet]\n"
    "                     [--tamper L:T:BYTE[:BIT]] [--tamper-tag L:T:BYTE[:BIT]] [--replay L:T]\n"
    "                     [--timeline FILE.json|FILE.vcd] [--timeline-limit N]\n",
    spmspm_main};

}  // namespace tessera::cli
