// dram: ddr — a cycle-level DRAM (DDR3/4, LPDDR4, HBM2, GDDR6 from DRAMSim3 device files): banks,
// rows, refresh and every timing constraint, scheduled by the controller in models/dram/ddr/.
// One memory transaction (a whole box) is one TLM call: it is split into bursts at consecutive
// addresses, and the bursts are queued at the transaction's arrival. An initiator that can wait
// (may_defer) gets a deferred completion, and the bursts are served when it settles it, with
// those of every transfer queued by then; otherwise they are served at once. Either way the
// completion is the last data beat. No SystemC event is used per burst or per DRAM cycle.
#include <cmath>
#include <iostream>
#include <optional>

#include "models/dram/ddr/memory_system.h"
#include "models/dram/ddr/policies.h"
#include "models/dram/ddr/presets.h"
#include "models/dram/interface.h"
#include "models/functional_store.h"
#include "sim/numbers.h"
#include "sim/registry.h"

namespace tessera {
namespace {

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& p : ddr::presets()) names.emplace_back(p.name);
  return names;
}

ddr::Device configured_device(const ParamValues& p) {
  // "none" (the default) reads the preset.
  const std::string ini = p.get_string("ini") == "none" ? "" : p.get_string("ini");
  ddr::LoadedDevice loaded = ini.empty()
                                 ? ddr::load_preset(p.get_string("preset"), p.where("preset"))
                                 : ddr::load_device_ini(ini);
  // A user's file may hold keys tessera does not model: say so once, when it is loaded.
  if (!ini.empty()) {
    for (const auto& note : loaded.notes)
      std::cerr << "tessera: note: " << ini << ": " << note << "\n";
  }
  ddr::Device d = loaded.device;
  if (const int64_t channels = p.get_int("channels"); channels > 0) {
    if ((channels & (channels - 1)) != 0) {
      throw InputError(p.where("channels"),
                       "must be a power of two, got " + std::to_string(channels));
    }
    d.channels = static_cast<int>(channels);
  }
  const std::string& mapping = p.get_string("address_mapping");
  if (mapping != "device") d.address_mapping = mapping;
  return d;
}

class DdrDram : public Dram {
 public:
  DdrDram(const sc_core::sc_module_name& name, const ParamValues& p)
      : Dram(name, p),
        memory_(make_memory(p)),
        device_at_(p.get_string("ini") == "none" ? p.where("preset") : p.where("ini")),
        reads_(stats().counter("reads", "bursts", "read bursts")),
        writes_(stats().counter("writes", "bursts", "write bursts")),
        read_bytes_(stats().counter("read_byte", "bytes", "bytes read by transactions")),
        write_bytes_(stats().counter("write_byte", "bytes", "bytes written by transactions")),
        read_row_hits_(stats().counter("read_row_hits", "bursts", "reads to an open row")),
        write_row_hits_(stats().counter("write_row_hits", "bursts", "writes to an open row")),
        row_misses_(stats().counter("row_misses", "bursts", "accesses to a closed bank")),
        row_conflicts_(
            stats().counter("row_conflicts", "bursts", "accesses to a bank with another row open")),
        activates_(stats().counter("activates", "commands", "ACT commands")),
        precharges_(
            stats().counter("precharges", "commands", "PRE commands (and auto-precharges)")),
        refreshes_(stats().counter("refreshes", "commands", "REF commands")),
        read_latency_(stats().counter("read_latency_dram_cycles", "DRAM cycles",
                                      "sum over read bursts of arrival to last data beat")),
        act_fj_(stats().measured_energy("act", "activations, from IDD0 over tRAS")),
        pre_fj_(stats().measured_energy("pre", "precharges, from IDD0 over tRP")),
        rd_fj_(stats().measured_energy("rd", "read bursts, from IDD4R")),
        wr_fj_(stats().measured_energy("wr", "write bursts, from IDD4W")),
        ref_fj_(stats().measured_energy("ref", "refreshes, from IDD5AB over tRFC")),
        background_fj_(stats().measured_energy(
            "background", "standby, power-down and self-refresh (the five states below)")),
        active_standby_cycles_(
            stats().counter("active_standby_cycles", "rank-cycles", "a bank open, awake (IDD3N)")),
        precharge_standby_cycles_(stats().counter("precharge_standby_cycles", "rank-cycles",
                                                  "all banks closed, awake (IDD2N)")),
        active_powerdown_cycles_(stats().counter("active_powerdown_cycles", "rank-cycles",
                                                 "power-down with a bank open (IDD3P)")),
        precharge_powerdown_cycles_(stats().counter("precharge_powerdown_cycles", "rank-cycles",
                                                    "power-down, all banks closed (IDD2P)")),
        self_refresh_cycles_(
            stats().counter("self_refresh_cycles", "rank-cycles", "self-refresh (IDD6)")),
        powerdown_exits_(stats().counter("powerdown_exits", "exits", "wake-ups paying tXP")),
        self_refresh_exits_(stats().counter("self_refresh_exits", "exits", "wake-ups paying tXS")),
        active_standby_fj_(stats().counter("active_standby_fj", "fJ", "part of background")),
        precharge_standby_fj_(stats().counter("precharge_standby_fj", "fJ", "part of background")),
        active_powerdown_fj_(stats().counter("active_powerdown_fj", "fJ", "part of background")),
        precharge_powerdown_fj_(
            stats().counter("precharge_powerdown_fj", "fJ", "part of background")),
        self_refresh_fj_(stats().counter("self_refresh_fj", "fJ", "part of background")) {
    const ddr::Device& d = memory_.device();
    tck_ps_ = d.tck_ns * 1e3;
    period_ps_ = static_cast<double>(period().value()) /
                 static_cast<double>(sc_core::sc_time(1, sc_core::SC_PS).value());
    bytes_per_cycle_ = d.peak_gbps() * period_ps_ / 1e3;
    counts_bytes_in(read_bytes_, write_bytes_);
    stats().before_snapshot([this] { update_counters(); });
  }

  [[nodiscard]] double peak_bytes_per_cycle() const override { return bytes_per_cycle_; }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    TileExtension& ext = extension_of(p);
    const uint64_t arrival = cycle_at(delay);
    const bool write = !p.is_read();
    const auto bytes = static_cast<uint64_t>(ext.bytes);
    const auto burst = static_cast<uint64_t>(memory_.device().burst_bytes());
    const uint64_t address = p.get_address();
    const uint64_t first = address / burst;
    const uint64_t count = bytes == 0 ? 0
                                      : ceil_div(static_cast<int64_t>(address % burst + bytes),
                                                 static_cast<int64_t>(burst));
    if ((first + count) * burst > memory_.capacity_bytes()) {
      throw InputError(device_at_, "the workload addresses byte " +
                                       std::to_string((first + count) * burst) +
                                       ", beyond the DRAM's capacity of " +
                                       std::to_string(memory_.capacity_bytes()) + " bytes");
    }
    // The DRAM runs on its own clock: arrival rounded up to a DRAM cycle, completion back up to
    // an accelerator cycle.
    const auto dram_arrival =
        static_cast<uint64_t>(std::ceil(static_cast<double>(arrival) * period_ps_ / tck_ps_));
    if (this->timeline() != nullptr) record_commands(true);
    const Queued queued{++transfers_, arrival, dram_arrival, bytes, count, write};
    memory_.add_run(first * burst, count, write, dram_arrival, queued.id);
    (write ? write_bytes_ : read_bytes_) += bytes;
    if (p.get_data_ptr() != nullptr) store_.transfer(p, ext.box);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    // The requests wait in the queues with those of the other transfers in flight; served only
    // when the initiator needs the completion, they compete with every transfer issued by then.
    if (ext.may_defer && count > 0) {
      ext.completion.defer([this, queued](Completion& c) { finish(queued, c); });
      return;
    }
    Completion now;
    finish(queued, now);
    delay = delay_until(now.cycle);
    ext.transfer_time = now.time;
  }

  unsigned debug_transport(tlm::tlm_generic_payload& p) override {
    return store_.debug(p, extension_of(p).box);
  }

 private:
  // A transfer queued in the memory system.
  struct Queued {
    uint64_t id, arrival, dram_arrival, bytes, count;
    bool write;
  };

  // Serves the transfer's requests (and those before them); sets its completion.
  void finish(const Queued& t, Completion& c) {
    const uint64_t done = t.count == 0 ? t.dram_arrival : memory_.settle(t.id);
    const uint64_t finished = std::max(accelerator_cycle(done), t.arrival);
    if (Timeline* timeline = this->timeline()) {
      record_banks(*timeline);
      timeline->transfer(timeline_track(*timeline), t.write ? "write" : "read", t.arrival, finished,
                         t.bytes, {{"bytes", static_cast<int64_t>(t.bytes)}});
    }
    last_completion_ = std::max(last_completion_, done);
    // What the bytes need at peak bandwidth; the rest is the device's timing (rows, refresh,
    // turnarounds) and the requests queued ahead.
    const uint64_t took = finished - t.arrival;
    const auto at_peak =
        static_cast<uint64_t>(std::ceil(static_cast<double>(t.bytes) / bytes_per_cycle_));
    c.cycle = finished;
    c.time = {std::min(took, at_peak), took - std::min(took, at_peak), 0};
  }

  // The first accelerator cycle at or after DRAM cycle `dram_cycle` ends.
  [[nodiscard]] uint64_t accelerator_cycle(uint64_t dram_cycle) const {
    return static_cast<uint64_t>(
        std::ceil(static_cast<double>(dram_cycle) * tck_ps_ / period_ps_ - 1e-9));
  }

  // While a timeline records, each channel logs the commands it issues and its ranks' low-power
  // stays.
  void record_commands(bool on) {
    const int channels = memory_.device().channels;
    logs_.resize(static_cast<size_t>(channels));
    low_power_logs_.resize(static_cast<size_t>(channels));
    for (int c = 0; c < channels; ++c) {
      const auto i = static_cast<size_t>(c);
      memory_.channel(c).record_commands(on ? &logs_[i] : nullptr);
      memory_.channel(c).record_low_power(on ? &low_power_logs_[i] : nullptr);
    }
  }

  // A bank's track shows its row open (ACT to PRE, with the reads and writes to it) and its
  // refreshes; the logged commands become those spans.
  struct OpenRow {
    uint64_t since = 0;
    int64_t row = -1, reads = 0, writes = 0;
  };
  void record_banks(Timeline& t) {
    const ddr::Device& d = memory_.device();
    const int per_rank = d.banks_per_rank();
    const int per_channel = d.ranks * per_rank;
    open_.resize(static_cast<size_t>(d.channels) * static_cast<size_t>(per_channel));
    bank_tracks_.resize(open_.size());
    for (size_t c = 0; c < logs_.size(); ++c) {
      for (const ddr::IssuedCommand& cmd : logs_[c]) {
        const auto first = static_cast<int>(c) * per_channel + cmd.rank * per_rank;
        const int bank = first + cmd.bankgroup * d.banks_per_group + cmd.bank;
        switch (cmd.kind) {
          case ddr::CommandKind::activate:
            open_[static_cast<size_t>(bank)] = {cmd.cycle, cmd.row, 0, 0};
            break;
          case ddr::CommandKind::read: ++open_[static_cast<size_t>(bank)].reads; break;
          case ddr::CommandKind::write: ++open_[static_cast<size_t>(bank)].writes; break;
          case ddr::CommandKind::precharge: {
            OpenRow& o = open_[static_cast<size_t>(bank)];
            if (o.row >= 0) {
              t.span(bank_track(t, bank), "open", accelerator_cycle(o.since),
                     accelerator_cycle(cmd.cycle),
                     {{"row", o.row}, {"reads", o.reads}, {"writes", o.writes}});
            }
            o = {};
            break;
          }
          case ddr::CommandKind::refresh:
            for (int b = first; b < first + per_rank; ++b) {
              t.span(bank_track(t, b), "refresh", accelerator_cycle(cmd.cycle),
                     accelerator_cycle(cmd.cycle + static_cast<uint64_t>(d.tRFC)));
            }
            break;
        }
      }
      logs_[c].clear();
      for (const ddr::LowPowerStay& stay : low_power_logs_[c]) {
        t.span(rank_track(t, static_cast<int>(c) * d.ranks + stay.rank),
               stay.self_refresh ? "self-refresh" : "power-down", accelerator_cycle(stay.begin),
               accelerator_cycle(stay.end));
      }
      low_power_logs_[c].clear();
    }
  }

  // A rank's power state: awake, or which low-power state it is in.
  [[nodiscard]] uint32_t rank_track(Timeline& t, int flat) {
    rank_tracks_.resize(static_cast<size_t>(memory_.device().channels) *
                        static_cast<size_t>(memory_.device().ranks));
    auto& id = rank_tracks_[static_cast<size_t>(flat)];
    if (!id) {
      const int ranks = memory_.device().ranks;
      id = t.track(std::string(basename()) + ".ch" + std::to_string(flat / ranks) + ".rank" +
                       std::to_string(flat % ranks) + ".power",
                   TrackKind::state, {"awake", "power-down", "self-refresh"});
    }
    return *id;
  }

  // Declared once per bank: a refresh spans every bank of its rank.
  [[nodiscard]] uint32_t bank_track(Timeline& t, int flat) {
    auto& id = bank_tracks_[static_cast<size_t>(flat)];
    if (!id) id = t.track(bank_track_name(flat), TrackKind::state, {"closed", "open", "refresh"});
    return *id;
  }

  [[nodiscard]] std::string bank_track_name(int flat) const {
    const ddr::Device& d = memory_.device();
    const int per_rank = d.banks_per_rank(), per_channel = d.ranks * per_rank;
    const int in_rank = flat % per_rank;
    return std::string(basename()) + ".ch" + std::to_string(flat / per_channel) + ".rank" +
           std::to_string(flat % per_channel / per_rank) + ".bg" +
           std::to_string(in_rank / d.banks_per_group) + ".bank" +
           std::to_string(in_rank % d.banks_per_group);
  }

  // Thresholds in DRAM cycles; each must cover its exit penalty, or sleeping would cost more
  // time than the idle gap it fills.
  static ddr::PowerDown power_down(const ParamValues& p, const ddr::Device& d) {
    if (p.get_string("powerdown") == "off") return {};
    const int64_t pd = p.get_int("powerdown_cycles"), sr = p.get_int("self_refresh_cycles");
    if (pd < d.tXP) {
      throw InputError(p.where("powerdown_cycles"),
                       "must be at least tXP (" + std::to_string(d.tXP) +
                           " cycles, the power-down exit), got " + std::to_string(pd));
    }
    if (sr != 0 && (sr < d.tXS || sr <= pd)) {
      throw InputError(p.where("self_refresh_cycles"),
                       "must be 0 (no self-refresh) or at least tXS (" + std::to_string(d.tXS) +
                           " cycles, the self-refresh exit) and above powerdown_cycles (" +
                           std::to_string(pd) + "), got " + std::to_string(sr));
    }
    return {static_cast<uint64_t>(pd), static_cast<uint64_t>(sr)};
  }

  static ddr::MemorySystem make_memory(const ParamValues& p) {
    const ddr::Device d = configured_device(p);
    const ddr::Policies policies = ddr::make_policies(
        d, {p.get_string("scheduler"), p.get_string("page_policy"), p.get_string("refresh_policy")},
        {p.where("scheduler"), p.where("page_policy"), p.where("refresh_policy")});
    const ddr::Service service =
        p.get_string("controller") == "streams" ? ddr::Service::streams : ddr::Service::queue;
    // A turn is served in address order: no scheduler chooses among its requests.
    if (service == ddr::Service::streams && p.where("scheduler").file != "<default>") {
      throw InputError(p.where("scheduler"),
                       "a scheduler orders the requests of controller: queue; controller: streams "
                       "serves each turn in address order (set controller: queue to use one)");
    }
    try {
      return {d, policies, d.address_mapping, power_down(p, d), service};
    } catch (const std::invalid_argument& e) {
      throw InputError(p.where("address_mapping"), e.what());
    }
  }

  // Background energy runs up to the last data beat served so far.
  void update_counters() {
    const ddr::ChannelStats s = memory_.totals(last_completion_);
    reads_ = s.reads;
    writes_ = s.writes;
    read_row_hits_ = s.read_row_hits;
    write_row_hits_ = s.write_row_hits;
    row_misses_ = s.row_misses;
    row_conflicts_ = s.row_conflicts;
    activates_ = s.activates;
    precharges_ = s.precharges;
    refreshes_ = s.refreshes;
    read_latency_ = s.read_latency_sum;
    const auto fj = [](double pj) { return static_cast<uint64_t>(std::llround(pj * 1e3)); };
    act_fj_ = fj(s.act_pj);
    pre_fj_ = fj(s.pre_pj);
    rd_fj_ = fj(s.rd_pj);
    wr_fj_ = fj(s.wr_pj);
    ref_fj_ = fj(s.ref_pj);
    background_fj_ = fj(s.background_pj);
    active_standby_cycles_ = s.active_standby_cycles;
    precharge_standby_cycles_ = s.precharge_standby_cycles;
    active_powerdown_cycles_ = s.active_powerdown_cycles;
    precharge_powerdown_cycles_ = s.precharge_powerdown_cycles;
    self_refresh_cycles_ = s.self_refresh_cycles;
    powerdown_exits_ = s.powerdown_exits;
    self_refresh_exits_ = s.self_refresh_exits;
    active_standby_fj_ = fj(s.active_standby_pj);
    precharge_standby_fj_ = fj(s.precharge_standby_pj);
    active_powerdown_fj_ = fj(s.active_powerdown_pj);
    precharge_powerdown_fj_ = fj(s.precharge_powerdown_pj);
    self_refresh_fj_ = fj(s.self_refresh_pj);
  }

  ddr::MemorySystem memory_;
  SourceLocation device_at_;  // where the device was chosen, for a workload larger than it
  double tck_ps_ = 0, period_ps_ = 0, bytes_per_cycle_ = 0;
  uint64_t last_completion_ = 0;  // DRAM cycles
  uint64_t transfers_ = 0;        // transfers queued so far, which names each
  FunctionalStore store_;
  std::vector<std::vector<ddr::IssuedCommand>> logs_;  // per channel, while a timeline records
  std::vector<OpenRow> open_;                          // per bank
  std::vector<std::optional<uint32_t>> bank_tracks_;   // per bank, once declared
  std::vector<std::vector<ddr::LowPowerStay>> low_power_logs_;  // per channel, likewise
  std::vector<std::optional<uint32_t>> rank_tracks_;            // per rank, once declared
  uint64_t &reads_, &writes_, &read_bytes_, &write_bytes_;
  uint64_t &read_row_hits_, &write_row_hits_, &row_misses_, &row_conflicts_;
  uint64_t &activates_, &precharges_, &refreshes_, &read_latency_;
  uint64_t &act_fj_, &pre_fj_, &rd_fj_, &wr_fj_, &ref_fj_, &background_fj_;
  uint64_t &active_standby_cycles_, &precharge_standby_cycles_, &active_powerdown_cycles_;
  uint64_t &precharge_powerdown_cycles_, &self_refresh_cycles_, &powerdown_exits_;
  uint64_t &self_refresh_exits_, &active_standby_fj_, &precharge_standby_fj_;
  uint64_t &active_powerdown_fj_, &precharge_powerdown_fj_, &self_refresh_fj_;
};

}  // namespace

TESSERA_REGISTER(
    Dram, ddr, DdrDram,
    "cycle-level DRAM: banks, rows, refresh and timing from a DRAMSim3 device (preset or .ini)",
    {choice_param("preset", "DDR4-3200-x8", preset_names(),
                  "device preset (a DRAMSim3 file shipped in data/dram/)"),
     string_param("ini", "none",
                  "DRAMSim3 device .ini file, read instead of the preset; none: the preset"),
     choice_param("controller", "streams", {"streams", "queue"},
                  "streams: the transfers in flight take turns, a row set each, served in address "
                  "order; queue: one request queue, the scheduler picks each command"),
     string_param("scheduler", "frfcfs",
                  "request scheduler of controller: queue, a registered ddr_scheduler (config "
                  "--list), e.g. fcfs (in order) or frfcfs (row hits first)"),
     string_param("page_policy", "device",
                  "row buffer policy, a registered ddr_page_policy, e.g. open or closed; device: "
                  "the file's row_buf_policy"),
     string_param("refresh_policy", "device",
                  "when ranks refresh, a registered ddr_refresh_policy, e.g. staggered or "
                  "simultaneous; device: the file's refresh_policy"),
     string_param("address_mapping", "device",
                  "fields most significant first, e.g. rochrababgco; device: the file's"),
     int_param("channels", 0, "channels", "number of channels; 0: the file's", 0),
     choice_param("powerdown", "on", {"on", "off"},
                  "idle ranks enter power-down and self-refresh (IDD2P, IDD3P, IDD6; exits tXP, "
                  "tXS); off: they stay in standby"),
     int_param("powerdown_cycles", 64, "DRAM cycles",
               "idle cycles before a rank enters power-down (at least tXP)", 0),
     int_param("self_refresh_cycles", 16384, "DRAM cycles",
               "idle cycles before self-refresh (at least tXS); 0: never", 0)});

}  // namespace tessera
