// tessera secure-schedule: picks authentication blocks per layer and tensor (see
// crypto/secure_schedule.h), prints what each choice costs, and writes the trace with them.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto/secure_schedule.h"
#include "sim/atomic_file.h"
#include "sim/cli/command.h"
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

int run(const Args& args) {
  ArchOptions arch;
  std::string trace_path, out_path, json_path, matching_name = "cross-layer";
  po::options_description d("secure-schedule options");
  d.add_options()("help,h", "show this help")("trace", po::value(&trace_path), "trace YAML")(
      "output,o", po::value(&out_path), "write the trace with the chosen blocks to FILE")(
      "json", po::value(&json_path), "write every candidate's traffic as JSON to FILE")(
      "matching", po::value(&matching_name),
      "tile | per-layer | cross-layer (default): how blocks are chosen");
  add_arch_options(d, arch);
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help") || trace_path.empty()) {
    std::cout << usage_text() << "\n" << d;
    return vm.count("help") ? 0 : kUsage;
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
  // The engine's tag length when it is aes_gcm; SecureLoop's 64-bit tags otherwise.
  const int64_t tag_bytes =
      crypto.impl == "aes_gcm" ? std::stoi(crypto.params.get_string("tag_bits")) / 8 : 8;
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
    "                     [--json FILE] [--matching tile|per-layer|cross-layer]\n",
    run};

}  // namespace tessera::cli
