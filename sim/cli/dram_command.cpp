// `tessera dram`: replays a DRAMSim3-format trace on one memory system, so that its results can be
// compared with other DRAM simulators.
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "models/dram/ddr/policies.h"
#include "models/dram/ddr/presets.h"
#include "models/dram/ddr/trace_replay.h"
#include "sim/atomic_file.h"
#include "sim/cli/command.h"
#include "traces/text_file.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

using ddr::ChannelStats;

// `s` covers `channels` channels; their queue occupancy is the mean of theirs.
nlohmann::ordered_json counts_json(const ChannelStats& s, const ddr::ReplayResult& r,
                                   const ddr::Device& d, int channels) {
  const double latency =
      s.reads == 0 ? 0 : static_cast<double>(s.read_latency_sum) / static_cast<double>(s.reads);
  const double bytes = static_cast<double>(s.reads + s.writes) * d.burst_bytes();
  const double total = s.act_pj + s.pre_pj + s.rd_pj + s.wr_pj + s.ref_pj + s.background_pj;
  return {
      {"reads", s.reads},
      {"writes", s.writes},
      {"read_row_hits", s.read_row_hits},
      {"write_row_hits", s.write_row_hits},
      {"row_misses", s.row_misses},
      {"row_conflicts", s.row_conflicts},
      {"activates", s.activates},
      {"precharges", s.precharges},
      {"refreshes", s.refreshes},
      {"avg_read_latency_cycles", latency},
      {"max_read_latency_cycles", s.read_latency_max},
      {"bandwidth_gbps", r.cycles == 0 ? 0 : bytes / (static_cast<double>(r.cycles) * d.tck_ns)},
      {"avg_queue_occupancy", r.cycles == 0 ? 0
                                            : static_cast<double>(s.queue_occupancy_sum) /
                                                  (static_cast<double>(r.cycles) * channels)},
      {"energy_pj",
       {{"act", s.act_pj},
        {"pre", s.pre_pj},
        {"rd", s.rd_pj},
        {"wr", s.wr_pj},
        {"ref", s.ref_pj},
        {"background", s.background_pj},
        {"total", total}}}};
}

std::string replay_json(const ddr::Device& d, const std::string& trace,
                        const ddr::ReplayResult& r) {
  nlohmann::ordered_json j;
  j["device"] = d.name;
  j["trace"] = trace;
  j["tck_ns"] = d.tck_ns;
  j["channels"] = d.channels;
  j["cycles"] = r.cycles;
  const nlohmann::ordered_json totals = counts_json(r.totals, r, d, d.channels);
  for (const auto& [key, value] : totals.items()) j[key] = value;
  j["per_channel"] = nlohmann::ordered_json::array();
  for (const ChannelStats& c : r.channels) j["per_channel"].push_back(counts_json(c, r, d, 1));
  return j.dump(2) + "\n";
}

std::string replay_text(const ddr::Device& d, const ddr::ReplayResult& r) {
  const nlohmann::ordered_json j = counts_json(r.totals, r, d, d.channels);
  std::string out = "tessera dram: " + d.name + ", " + std::to_string(d.channels) +
                    " channel(s), tCK " + nlohmann::json(d.tck_ns).dump() + " ns, peak " +
                    nlohmann::json(d.peak_gbps()).dump() + " GB/s\n";
  out += "  cycles                  " + std::to_string(r.cycles) + "\n";
  for (const auto& [key, value] : j.items()) {
    if (key == "energy_pj") continue;
    std::string name = key;
    name.resize(24, ' ');
    out += "  " + name + value.dump() + "\n";
  }
  out += "  energy pJ              ";
  for (const auto& [key, value] : j["energy_pj"].items()) out += " " + key + " " + value.dump();
  return out + "\n";
}

int dram(const Args& args) {
  std::string preset, ini, trace_path, json_path, scheduler, page, mapping, controller = "ini";
  po::options_description d("dram options");
  d.add_options()("help,h", "show this help")("preset", po::value(&preset),
                                              "device preset, e.g. DDR4-3200-x8")(
      "ini", po::value(&ini), "DRAMSim3 device .ini file")(
      "trace", po::value(&trace_path), "DRAMSim3 trace: ADDRESS READ|WRITE CYCLE per line")(
      "json", po::value(&json_path), "write the statistics as JSON to FILE")(
      "controller", po::value(&controller),
      "ini: the controller the device file describes (queues, write draining, as DRAMSim3); "
      "single-queue: one request queue and a next-event scheduler (the one `tessera run` uses)")(
      "scheduler", po::value(&scheduler),
      "single-queue only: a ddr_scheduler, e.g. fcfs or frfcfs (default frfcfs)")(
      "page-policy", po::value(&page),
      "a ddr_page_policy, e.g. open or closed (default: the device file's)")(
      "address-mapping", po::value(&mapping), "e.g. rochrababgco (default: the device file's)");
  po::positional_options_description pos;
  pos.add("trace", 1);
  const po::variables_map vm = parse(args, d, pos);
  if (vm.count("help")) {
    std::cout << usage_text() << "\n" << d;
    return 0;
  }
  if (preset.empty() == ini.empty()) {
    throw po::error("tessera dram needs exactly one of --preset NAME and --ini FILE");
  }
  if (trace_path.empty()) throw po::error("tessera dram needs --trace FILE");
  if (controller != "ini" && controller != "single-queue") {
    throw InputError({"--controller", 0, "controller"},
                     "expected ini or single-queue, got '" + controller + "'");
  }
  if (!scheduler.empty() && controller == "ini") {
    throw InputError({"--scheduler", 0, "scheduler"},
                     "only the single-queue controller takes a scheduler; the ini controller "
                     "schedules as the device file's queues do");
  }
  if (scheduler.empty()) scheduler = "frfcfs";
  if (!page.empty() && controller == "ini" && page != "open" && page != "closed") {
    throw InputError(
        {"--page-policy", 0, "page_policy"},
        "expected open or closed (the ini controller's two, as DRAMSim3's), got '" + page + "'");
  }
  const ddr::LoadedDevice loaded = preset.empty()
                                       ? ddr::load_device_ini(ini)
                                       : ddr::load_preset(preset, {"--preset", 0, "preset"});
  for (const auto& note : loaded.notes) std::cerr << "tessera dram: note: " << note << "\n";
  ddr::Device device = loaded.device;
  const ddr::Policies policies = ddr::make_policies(
      device, {scheduler, page.empty() ? "device" : page, "device"},
      {{"--scheduler", 0, "scheduler"}, {"--page-policy", 0, "page_policy"}, {}});
  if (!page.empty() && controller == "ini") device.open_page = page == "open";
  if (mapping.empty()) mapping = device.address_mapping;
  std::optional<ddr::MemorySystem> memory;
  try {
    memory.emplace(device, policies, mapping);
  } catch (const std::invalid_argument& e) {
    throw InputError({"--address-mapping", 0, "address_mapping"}, e.what());
  }
  const MappedTextFile text(trace_path, "trace");
  ddr::TraceReader trace(text.text(), trace_path, memory->capacity_bytes());
  const ddr::ReplayResult result =
      controller == "ini" ? ddr::replay_controllers(device, memory->address_map(), trace)
                          : ddr::replay(*memory, trace);
  if (!json_path.empty()) write_file_atomically(json_path, replay_json(device, trace_path, result));
  std::cout << replay_text(device, result);
  return 0;
}

}  // namespace

const Command dram_command{
    "dram",
    "tessera dram --preset NAME|--ini FILE --trace FILE [--json FILE] [--controller "
    "ini|single-queue]\n"
    "                     [--scheduler NAME] [--page-policy NAME]\n"
    "                     [--address-mapping FIELDS]\n",
    dram};

}  // namespace tessera::cli
