// An independent statement of the DDR protocol for the tests: which command may issue when, given
// every command before it, written pairwise from the device's timing parameters (JEDEC-style
// "from command A to command B" rules) rather than from the controller's bookkeeping. It serves
// as a checker of the controller's command log and as the legality test of a per-cycle reference
// controller.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "models/dram/ddr/channel.h"
#include "models/dram/ddr/device.h"

namespace tessera::ddr::test {

class ProtocolState {
 public:
  explicit ProtocolState(const Device& d)
      : d_(d),
        burst_(d.burst_cycles()),
        banks_(static_cast<size_t>(d.ranks * d.banks_per_rank())),
        ranks_(static_cast<size_t>(d.ranks)) {}

  // "" when `c` may issue at c.cycle after everything applied so far, else the rule it breaks.
  [[nodiscard]] std::string violation(const IssuedCommand& c) const {
    const int64_t t = static_cast<int64_t>(c.cycle);
    const Rank& r = ranks_[static_cast<size_t>(c.rank)];
    if (!c.automatic && t <= last_bus_cycle_) return "two commands in one cycle on the command bus";
    if (c.kind == CommandKind::refresh) {
      for (int i = 0; i < d_.banks_per_rank(); ++i) {
        const Bank& b = banks_[static_cast<size_t>(c.rank * d_.banks_per_rank() + i)];
        if (b.open) return "REF with a bank open";
        if (t < b.pre + d_.tRP) return "PRE to REF < tRP";
        if (t < b.act + d_.tRC) return "ACT to REF < tRC";
      }
      if (t < r.ref + d_.tRFC) return "REF to REF < tRFC";
      return "";
    }
    const Bank& b = bank(c);
    if (t < r.ref + d_.tRFC) return "REF to " + name(c.kind) + " < tRFC";
    switch (c.kind) {
      case CommandKind::activate: {
        if (b.open) return "ACT to an open bank";
        if (t < b.act + d_.tRC) return "ACT to ACT (same bank) < tRC";
        if (t < b.pre + d_.tRP) return "PRE to ACT < tRP";
        if (t < group(c).act + d_.tRRD_L) return "ACT to ACT (same bank group) < tRRD_L";
        if (t < r.act + d_.tRRD_S) return "ACT to ACT (same rank) < tRRD_S";
        if (r.acts.size() >= 4 && t < r.acts[r.acts.size() - 4] + d_.tFAW) {
          return "five ACTs within tFAW";
        }
        return "";
      }
      case CommandKind::precharge:
        if (!b.open) return "PRE to a closed bank";
        if (t < b.act + d_.tRAS) return "ACT to PRE < tRAS";
        if (t < b.rd + d_.AL + d_.tRTP) return "RD to PRE < AL + tRTP";
        if (t < b.wr + d_.write_latency() + burst_ + d_.tWR) return "WR to PRE < WL + BL/2 + tWR";
        return "";
      default: {
        const bool write = c.kind == CommandKind::write;
        if (!b.open || b.row != c.row) return name(c.kind) + " to a row that is not open";
        if (t < b.act + (write ? d_.tRCD_write : d_.tRCD_read)) return "ACT to column < tRCD";
        const Group& g = group(c);
        const int64_t ccd_l = std::max<int64_t>(burst_, d_.tCCD_L);
        const int64_t ccd_s = std::max<int64_t>(burst_, d_.tCCD_S);
        const int64_t wl = d_.write_latency(), rl = d_.read_latency();
        if (write) {
          if (t < g.wr + ccd_l) return "WR to WR (same bank group) < tCCD_L";
          if (t < r.wr + ccd_s) return "WR to WR (same rank) < tCCD_S";
        } else {
          if (t < g.rd + ccd_l) return "RD to RD (same bank group) < tCCD_L";
          if (t < r.rd + ccd_s) return "RD to RD (same rank) < tCCD_S";
          if (t < g.wr + wl + burst_ + d_.tWTR_L) return "WR to RD (same bank group) < tWTR_L";
          if (t < r.wr + wl + burst_ + d_.tWTR_S) return "WR to RD (same rank) < tWTR_S";
        }
        // The data bus carries bursts in command order without overlap; a turnaround between
        // ranks or from reading to writing leaves tRTRS idle.
        const int64_t start = t + (write ? wl : rl);
        for (const Burst& o : bursts_) {
          const bool turnaround = o.rank != c.rank || (!o.write && write);
          if (start < o.end + (turnaround ? d_.tRTRS : 0)) {
            return "data bus: burst starts before an earlier one ends (plus tRTRS on a turnaround)";
          }
        }
        return "";
      }
    }
  }

  void apply(const IssuedCommand& c) {
    const int64_t t = static_cast<int64_t>(c.cycle);
    if (!c.automatic) last_bus_cycle_ = std::max(last_bus_cycle_, t);
    Rank& r = ranks_[static_cast<size_t>(c.rank)];
    if (c.kind == CommandKind::refresh) {
      r.ref = t;
      return;
    }
    Bank& b = banks_[static_cast<size_t>(index(c))];
    Group& g = groups_[static_cast<size_t>(c.rank * d_.bankgroups + c.bankgroup)];
    switch (c.kind) {
      case CommandKind::activate:
        b.open = true;
        b.row = c.row;
        b.act = g.act = r.act = t;
        r.acts.push_back(t);
        if (r.acts.size() > 4) r.acts.pop_front();
        break;
      case CommandKind::precharge:
        b.open = false;
        b.pre = t;
        break;
      default: {
        const bool write = c.kind == CommandKind::write;
        (write ? b.wr : b.rd) = t;
        (write ? g.wr : g.rd) = t;
        (write ? r.wr : r.rd) = t;
        const int64_t start = t + (write ? d_.write_latency() : d_.read_latency());
        bursts_.push_back({start, start + burst_, c.rank, write});
        if (bursts_.size() > 8) bursts_.pop_front();
        break;
      }
    }
  }

  bool open(int rank, int bank_in_rank, int64_t* row = nullptr) const {
    const Bank& b = banks_[static_cast<size_t>(rank * d_.banks_per_rank() + bank_in_rank)];
    if (row) *row = b.row;
    return b.open;
  }

 private:
  static constexpr int64_t kLongAgo = -(int64_t{1} << 40);
  struct Bank {
    bool open = false;
    int64_t row = -1, act = kLongAgo, pre = kLongAgo, rd = kLongAgo, wr = kLongAgo;
  };
  struct Group {
    int64_t act = kLongAgo, rd = kLongAgo, wr = kLongAgo;
  };
  struct Rank {
    int64_t act = kLongAgo, rd = kLongAgo, wr = kLongAgo, ref = kLongAgo;
    std::deque<int64_t> acts;
  };
  struct Burst {
    int64_t start, end;
    int rank;
    bool write;
  };

  static std::string name(CommandKind k) {
    switch (k) {
      case CommandKind::activate: return "ACT";
      case CommandKind::precharge: return "PRE";
      case CommandKind::read: return "RD";
      case CommandKind::write: return "WR";
      case CommandKind::refresh: return "REF";
    }
    return "?";
  }
  [[nodiscard]] int index(const IssuedCommand& c) const {
    return (c.rank * d_.bankgroups + c.bankgroup) * d_.banks_per_group + c.bank;
  }
  [[nodiscard]] const Bank& bank(const IssuedCommand& c) const {
    return banks_[static_cast<size_t>(index(c))];
  }
  [[nodiscard]] const Group& group(const IssuedCommand& c) const {
    return groups_[static_cast<size_t>(c.rank * d_.bankgroups + c.bankgroup)];
  }

  Device d_;
  int64_t burst_;
  std::vector<Bank> banks_;
  std::vector<Group> groups_ = std::vector<Group>(static_cast<size_t>(d_.ranks * d_.bankgroups));
  std::vector<Rank> ranks_;
  std::deque<Burst> bursts_;
  int64_t last_bus_cycle_ = -1;
};

// Checks a whole log (in any order; it is sorted by cycle, automatic precharges carried at the
// cycle the device performs them). Returns "" or the first violation with its command.
inline std::string check_protocol(const Device& d, std::vector<IssuedCommand> log) {
  std::stable_sort(log.begin(), log.end(), [](const IssuedCommand& a, const IssuedCommand& b) {
    return a.cycle < b.cycle;
  });
  ProtocolState state(d);
  for (size_t i = 0; i < log.size(); ++i) {
    const std::string v = state.violation(log[i]);
    if (!v.empty()) {
      return "command " + std::to_string(i) + " at cycle " + std::to_string(log[i].cycle) +
             " (rank " + std::to_string(log[i].rank) + ", group " +
             std::to_string(log[i].bankgroup) + ", bank " + std::to_string(log[i].bank) + "): " + v;
    }
    state.apply(log[i]);
  }
  return "";
}

}  // namespace tessera::ddr::test
