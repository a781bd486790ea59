// tessera secure-schedule: picks authentication blocks per layer and tensor (see
// secure/secure_schedule.h), prints what each choice costs, and writes the trace with them.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/crypto/interface.h"
#include "secure/secure_schedule.h"
#include "secure/secure_search.h"
#include "sim/area.h"
#include "sim/atomic_file.h"
#include "sim/cli/command.h"
#include "sim/energy_table.h"
#include "sim/registry.h"
#include "sim/text_format.h"
#include "sim/top.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

// As the trace's security key gives it: elements, or bytes of a sparse layer's stream.
std::string block_name(const LayerBlocks& l, int64_t words) {
  if (words == Security::kTileBlocks) return "tile";
  return l.sparse ? std::to_string(words * 4) + "B" : std::to_string(words);
}

// inputs, weights, outputs; A, B, Z for a sparse layer.
const char* tensor_label(const LayerBlocks& l, Tensor t) {
  static constexpr const char* kSparse[] = {"A", "B", "Z"};
  return l.sparse ? kSparse[tensor_index(t)] : to_string(t);
}

std::string report_text(const Trace& trace, const SecureSchedule& s) {
  std::ostringstream o;
  o << "tessera secure-schedule: " << trace.name << " (" << to_string(s.matching) << " blocks, "
    << s.tag_bytes << "-byte tags; extra DRAM bytes = redundant + tags)\n\n";
  o << std::left << std::setw(16) << "layer" << std::setw(9) << "tensor" << std::right
    << std::setw(14) << "tile extra B" << std::setw(10) << "block" << std::setw(14) << "redundant B"
    << std::setw(12) << "tag B" << std::setw(14) << "re-encrypt B"
    << "\n";
  for (const LayerBlocks& l : s.layers) {
    for (const TensorBlocks& t : l.tensors) {
      const BlockTraffic& c = t.choice().traffic;
      o << std::left << std::setw(16) << l.name << std::setw(9) << tensor_label(l, t.tensor)
        << std::right << std::setw(14) << t.candidates[0].traffic.extra() << std::setw(10)
        << block_name(l, t.choice().words) << std::setw(14) << c.redundant() << std::setw(12)
        << c.tags() << std::setw(14) << (t.tensor == Tensor::inputs ? l.reencryption_bytes : 0)
        << "\n";
    }
  }
  int64_t tile_extra = 0;
  for (const LayerBlocks& l : s.layers) {
    for (const TensorBlocks& t : l.tensors) tile_extra += t.candidates[0].traffic.extra();
  }
  o << "\ntotals: tile blocks add " << tile_extra << " B of traffic (before re-encryption); "
    << "this schedule adds " << s.redundant_bytes() << " B redundant + " << s.tag_bytes_moved()
    << " B tags + " << s.reencryption_bytes()
    << " B re-encryption = " << s.redundant_bytes() + s.tag_bytes_moved() + s.reencryption_bytes()
    << " B\n";
  return o.str();
}

std::string report_json(const Trace& trace, const SecureSchedule& s) {
  nlohmann::ordered_json j;
  j["trace"] = trace.name;
  j["matching"] = to_string(s.matching);
  j["tag_bytes"] = s.tag_bytes;
  j["totals"] = {{"redundant_bytes", s.redundant_bytes()},
                 {"tag_bytes", s.tag_bytes_moved()},
                 {"reencryption_bytes", s.reencryption_bytes()}};
  j["layers"] = nlohmann::ordered_json::array();
  for (const LayerBlocks& l : s.layers) {
    nlohmann::ordered_json layer;
    layer["name"] = l.name;
    layer["consumes_previous"] = l.consumes_previous;
    layer["reencryption_bytes"] = l.reencryption_bytes;
    for (const TensorBlocks& t : l.tensors) {
      nlohmann::ordered_json tensor;
      tensor["auth_block"] = block_name(l, t.choice().words);
      tensor["candidates"] = nlohmann::ordered_json::array();
      for (const BlockCandidate& c : t.candidates) {
        tensor["candidates"].push_back({{"auth_block", block_name(l, c.words)},
                                        {"redundant_bytes", c.traffic.redundant()},
                                        {"tag_bytes", c.traffic.tags()}});
      }
      layer[tensor_label(l, t.tensor)] = tensor;
    }
    j["layers"].push_back(layer);
  }
  return j.dump(2) + "\n";
}

std::string block_words(int64_t words) {
  return words == Security::kTileBlocks ? "tile" : std::to_string(words);
}

std::string search_text(const Trace& trace, const SearchResult& r) {
  std::ostringstream o;
  o << "tessera secure-schedule --search: " << trace.name << " (" << to_string(r.mode)
    << ", objective " << to_string(r.objective) << ", top-" << r.top_k
    << " per layer, cross-layer step: " << r.method;
  if (r.method == "annealing") o << ", seed " << r.seed;
  o << ")\n\n";
  o << std::left << std::setw(14) << "layer" << std::right << std::setw(16) << "tile m,n,k"
    << std::setw(7) << "order" << std::setw(22) << "blocks in/w/out" << std::setw(11) << "compute"
    << std::setw(11) << "dram" << std::setw(11) << "crypto" << std::setw(11) << "cycles"
    << std::setw(9) << "bound" << std::setw(11) << "re-enc" << std::setw(14) << "energy uJ"
    << "\n";
  for (const LayerSchedule& l : r.layers) {
    if (!l.searched) {
      o << std::left << std::setw(14) << l.name << "  (vector unit: not searched)\n";
      continue;
    }
    const GemmExtents& t = l.plan.tile;
    std::string order;
    for (const GemmDim d : l.plan.order) order += to_string(d);
    o << std::left << std::setw(14) << l.name << std::right << std::setw(16)
      << (std::to_string(t[0]) + "," + std::to_string(t[1]) + "," + std::to_string(t[2]))
      << std::setw(7) << order << std::setw(22)
      << (block_words(l.blocks[0]) + "/" + block_words(l.blocks[1]) + "/" +
          block_words(l.blocks[2]))
      << std::setw(11) << l.compute_cycles << std::setw(11) << l.dram_cycles << std::setw(11)
      << l.crypto_cycles << std::setw(11) << l.cycles << std::setw(9) << l.binding << std::setw(11)
      << l.reencryption_cycles << std::setw(14) << std::fixed << std::setprecision(2)
      << (l.energy_pj + l.reencryption_energy_pj) / 1e6 << "\n";
  }
  int64_t reencryption = 0;
  double reencryption_pj = 0;
  for (const LayerSchedule& l : r.layers) {
    reencryption += l.reencryption_cycles;
    reencryption_pj += l.reencryption_energy_pj;
  }
  o << "\npredicted: " << r.total_cycles() << " cycles, " << std::fixed << std::setprecision(2)
    << r.total_energy_pj() / 1e6 << " uJ; of which re-encryption between layers: " << reencryption
    << " cycles, " << reencryption_pj / 1e6 << " uJ\n";
  return o.str();
}

// Per layer, for `tessera validate --against csv`: the cycles, energy and DRAM bytes `tessera run`
// simulates, the re-encryption of the layer's inputs included (the trace written with -o has the
// layer perform it).
std::string search_csv(const SearchResult& r) {
  std::ostringstream o;
  o << "layer,cycles,energy_pj,dram_bytes\n";
  for (const LayerSchedule& l : r.layers) {
    if (!l.searched) continue;
    o << l.name << "," << l.cycles + l.reencryption_cycles << "," << std::fixed
      << std::setprecision(1) << l.energy_pj + l.reencryption_energy_pj << ","
      << l.dram_bytes + l.reencryption_bytes << "\n";
  }
  return o.str();
}

CryptoSetup crypto_setup(const ArchConfig& config) {
  const ModuleConfig& crypto = config.module("crypto");
  // An authenticating engine whose kind is one of the AES-GCM engine kinds it prices.
  if (!Registry<CryptoEngine>::instance()
           .find(crypto.impl, {config.file, 0, "crypto.impl"})
           .facts.authenticates ||
      !crypto.params.declares("engine")) {
    throw InputError({config.file, 0, "crypto.impl"},
                     "--search prices AES-GCM engines, but this architecture's crypto is '" +
                         crypto.impl + "' (set crypto.impl: aes_gcm)");
  }
  CryptoSetup c;
  const std::string engine = crypto.params.get_string("engine");
  c.kind = find_engine_kind(engine);
  if (c.kind == nullptr) {
    throw InputError({config.file, 0, "crypto.engine"},
                     "unknown engine kind '" + engine + "' (pipelined, parallel or serial)");
  }
  c.engines = {crypto.params.get_int("inputs_engines"), crypto.params.get_int("weights_engines"),
               crypto.params.get_int("outputs_engines")};
  c.shared = crypto.params.get_bool("shared_engines");
  c.tag_bytes = std::stoi(crypto.params.get_string("tag_bits")) / 8;
  return c;
}

EnergyPrices energy_prices(const EnergyTable& table, const EngineKind& kind) {
  auto pj = [&](const std::string& component, const std::string& action) {
    const std::optional<double> v = table.pj(component, action);
    if (!v) throw InputError(table.where(component, action), "the search needs this entry");
    return *v;
  };
  EnergyPrices p;
  p.mac = pj("pe_array", "mac");
  p.idle_pe_cycle = pj("pe_array", "idle_pe_cycle");
  p.buffer_read_word = pj("buffer", "read_word");
  p.buffer_write_word = pj("buffer", "write_word");
  p.dram_read_byte = pj("dram", "read_byte");
  p.dram_write_byte = pj("dram", "write_byte");
  p.aes_block = pj("crypto", std::string("aes_block_") + kind.name);
  p.gf_multiply = pj("crypto", std::string("gf_multiply_") + kind.name);
  return p;
}

int secure_schedule_main(const Args& args) {
  ArchOptions arch;
  std::string trace_path, out_path, json_path, matching_name = "cross-layer", energy_path,
                                               predictions_path, objective = "latency";
  bool search = false, baseline = false, per_layer = false;
  size_t top_k = 6;
  uint64_t seed = 1;
  double area_budget = 0;
  po::options_description d("secure-schedule options");
  d.add_options()("help,h", "show this help")("trace", po::value(&trace_path), "trace YAML")(
      "output,o", po::value(&out_path), "write the trace with the chosen blocks to FILE")(
      "json", po::value(&json_path), "write every candidate's traffic as JSON to FILE")(
      "matching", po::value(&matching_name),
      "tile | per-layer | cross-layer (default): how blocks are chosen")(
      "search", po::bool_switch(&search),
      "search tilings and blocks together, pricing the crypto (see secure/secure_search.h)")(
      "baseline", po::bool_switch(&baseline),
      "with --search: rank tilings without crypto, choose blocks afterwards")(
      "per-layer", po::bool_switch(&per_layer),
      "with --search: each layer's best for itself, no cross-layer step")(
      "top-k", po::value(&top_k), "with --search: candidates kept per layer (default 6)")(
      "seed", po::value(&seed), "with --search: the annealing's seed (default 1)")(
      "objective", po::value(&objective),
      "with --search: latency (default) or edp, what the search minimises")(
      "predictions", po::value(&predictions_path),
      "with --search: write each layer's predicted cycles and energy as CSV to FILE")(
      "energy", po::value(&energy_path),
      "with --search: energy table YAML (default: the built-in table)")(
      "area-budget", po::value(&area_budget),
      "with --search: total chip area in mm^2; the buffer gets what the other parts (engines "
      "included) leave");
  add_arch_options(d, arch);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help") || trace_path.empty()) {
    std::cout << usage_text() << "\n" << d;
    return vm.count("help") ? 0 : kUsage;
  }
  if (!search &&
      (baseline || per_layer || vm.count("top-k") || vm.count("seed") || vm.count("objective") ||
       !predictions_path.empty() || !energy_path.empty() || vm.count("area-budget"))) {
    throw InputError({"--search", 0, ""},
                     "--baseline, --per-layer, --top-k, --seed, --objective, --predictions, "
                     "--energy and --area-budget go with --search");
  }
  if (search) {
    if (baseline && per_layer) {
      throw InputError({"--baseline", 0, ""}, "--baseline and --per-layer exclude each other");
    }
    if (vm.count("matching") || !json_path.empty()) {
      throw InputError({"--search", 0, ""},
                       "--search chooses blocks itself (no --matching or --json)");
    }
    if (top_k < 1) throw InputError({"--top-k", 0, std::to_string(top_k)}, "must be at least 1");
    if (objective != "latency" && objective != "edp") {
      throw InputError({"--objective", 0, objective}, "expected latency or edp");
    }
    if (vm.count("area-budget") && !(area_budget > 0)) {
      throw InputError({"--area-budget", 0, std::to_string(area_budget)},
                       "expected a positive area in mm^2");
    }
    const Trace trace = read_trace_file(trace_path);
    ArchConfig config = load_arch_options(arch);
    const CryptoSetup crypto = crypto_setup(config);
    std::string area_line;
    if (vm.count("area-budget")) {
      const BudgetSplit split =
          buffer_for_budget(config, AreaFigures::builtin(), area_budget, "--area-budget");
      ArchOptions sized = arch;
      sized.overrides.push_back("buffer.capacity_kib=" + std::to_string(split.buffer_kib));
      config = load_arch_options(sized);
      area_line = "area budget " + fixed(split.budget_mm2, 4) +
                  " mm^2: " + std::to_string(crypto_engine_count(config)) + " engines " +
                  fixed(split.engines_mm2, 4) + " mm^2, other fixed parts " +
                  fixed(split.fixed_mm2 - split.engines_mm2, 4) + " mm^2, buffer " +
                  std::to_string(split.buffer_kib) + " KiB " + fixed(split.buffer_mm2, 4) +
                  " mm^2\n";
    }
    const double area = total_area_mm2(component_area_mm2(config, AreaFigures::builtin()));
    const EnergyTable table =
        energy_path.empty() ? EnergyTable::builtin() : EnergyTable::load(energy_path);
    const EnergyPrices prices = energy_prices(table, *crypto.kind);
    SearchOptions options;
    options.mode = baseline    ? SearchMode::baseline
                   : per_layer ? SearchMode::per_layer
                               : SearchMode::cross_layer;
    options.top_k = top_k;
    options.objective = objective == "edp" ? Objective::edp : Objective::latency;
    options.seed = seed;
    const SearchResult r =
        search_secure_schedule(trace, architecture_facts(config), crypto, prices, options);
    const std::string text = search_text(trace, r) + area_line + "area: " + fixed(area, 4) +
                             " mm^2 (40 nm; DRAM off chip)\n";
    if (!out_path.empty()) {
      std::string note =
          "tilings and authentication blocks chosen by tessera secure-schedule "
          "--search (" +
          std::string(to_string(options.mode)) + ", " + r.method;
      if (r.method == "annealing") note += ", seed " + std::to_string(r.seed);
      write_file_atomically(out_path, write_trace_yaml(with_searched_schedule(trace, r),
                                                       note + ") from " + trace.file));
    }
    if (!predictions_path.empty()) write_file_atomically(predictions_path, search_csv(r));
    std::cout << text;
    const bool vector = std::any_of(trace.layers.begin(), trace.layers.end(),
                                    [](const Layer& l) { return l.vector.has_value(); });
    if (vector && !predictions_path.empty()) {
      std::cerr << "tessera: note: vector-unit layers are not searched and have no predictions; "
                   "tessera validate --against csv needs a prediction for every layer, so "
                   "validate a trace without them\n";
    }
    return 0;
  }
  Matching matching = Matching::cross_layer;
  if (matching_name == "tile") {
    matching = Matching::none;
  } else if (matching_name == "per-layer") {
    matching = Matching::per_layer;
  } else if (matching_name != "cross-layer") {
    throw InputError({"--matching", 0, matching_name}, "expected tile, per-layer or cross-layer");
  }
  const Trace trace = read_trace_file(trace_path);
  for (const Layer& layer : trace.layers) {
    if (layer.sparse && !out_path.empty()) {
      throw InputError({"-o", 0, out_path},
                       "layer '" + layer.name +
                           "' is sparse, and the trace writer does not write sparse layers (their "
                           "operands); copy the chosen blocks (printed, in bytes) under its "
                           "security key by hand");
    }
  }
  const ArchConfig config = load_arch_options(arch);
  const ModuleConfig& crypto = config.module("crypto");
  // The engine's tag length when it authenticates; SecureLoop's 64-bit tags otherwise.
  const bool authenticates = Registry<CryptoEngine>::instance()
                                 .find(crypto.impl, {config.file, 0, "crypto.impl"})
                                 .facts.authenticates;
  const int64_t tag_bytes = authenticates ? std::stoi(crypto.params.get_string("tag_bits")) / 8 : 8;
  const ArchitectureFacts facts = architecture_facts(config);
  const SecureSchedule s = plan_secure_schedule(trace, facts, tag_bytes, matching);
  if (!out_path.empty()) {
    write_file_atomically(
        out_path, write_trace_yaml(with_auth_blocks(trace, s),
                                   "authentication blocks chosen by tessera secure-schedule (" +
                                       std::string(to_string(matching)) + ") from " + trace.file));
  }
  if (!json_path.empty()) write_file_atomically(json_path, report_json(trace, s));
  std::cout << report_text(trace, s);
  const bool sparse = std::any_of(trace.layers.begin(), trace.layers.end(),
                                  [](const Layer& l) { return static_cast<bool>(l.sparse); });
  if (sparse && facts.tile_policy == TilePolicy::swiftiles) {
    std::cerr << "tessera: note: the tailors buffer's re-fetched bumped tails and spilled output "
                 "tails are not priced here (only the sparse controller's tile transfers)\n";
  }
  return 0;
}

}  // namespace

const Command secure_schedule_command{
    "secure-schedule",
    "tessera secure-schedule TRACE [--arch FILE] [-p module.param=value]... [-o OUT]\n"
    "                     [--json FILE] [--matching tile|per-layer|cross-layer]\n"
    "       tessera secure-schedule TRACE --search [--baseline|--per-layer] [--top-k N]\n"
    "                     [--seed S] [--objective latency|edp] [--arch FILE] [-o OUT]\n"
    "                     [--predictions CSV] [--energy FILE] [--area-budget MM2]\n",
    secure_schedule_main};

}  // namespace tessera::cli
