// A per-cycle reference for the streams service (models/dram/ddr/channel_stream.cpp): the same
// rules, stated plainly, stepping every cycle and asking the protocol (ddr_protocol.h) whether a
// command may issue now. The channel's next-event decisions and its closed-form skips of steady
// stripes must give the same command log. Power-down is not modelled here (the channel's own
// tests compare it with and without skipping).
#pragma once

#include <algorithm>
#include <deque>
#include <utility>
#include <vector>

#include "models/dram/ddr/address_map.h"
#include "models/dram/ddr/policies.h"
#include "tests/models/ddr_protocol.h"

namespace tessera::ddr::test {

class StreamReference {
 public:
  StreamReference(const Device& d, Policies policies, const AddressMap& map)
      : d_(d), policies_(std::move(policies)), map_(map), state_(d) {
    for (int r = 0; r < d.ranks; ++r) {
      due_.push_back(policies_.refresh->first_due(r));
      pending_.push_back(false);
    }
  }

  // A transfer of `count` consecutive bursts from `address`, named `transfer` (nonzero).
  void add_run(uint64_t address, uint64_t count, bool write, uint64_t arrival, uint64_t transfer) {
    last_arrival_ = std::max(last_arrival_, arrival);
    entries_.push_back({address, count, write, last_arrival_, transfer});
  }

  // Runs until every burst is served; returns the log. `last` gets the last data beat.
  std::vector<IssuedCommand> run(uint64_t& last) {
    last = 0;
    for (uint64_t c = 0; serving_.active || !entries_.empty(); ++c) {
      if (!serving_.active && arrived(c)) serving_ = take(c);
      if (serving_.active && !upcoming_.active && arrived(c)) upcoming_ = take(c);
      for (int r = 0; r < d_.ranks; ++r) pending_[r] = pending_[r] || due_[r] <= c;
      step(c, last);
    }
    return log_;
  }

 private:
  struct Entry {
    uint64_t address, left;
    bool write;
    uint64_t arrival, transfer;
  };
  struct Position {
    int rank, bank;  // bank: within its rank
    int64_t row;
    uint64_t left;
  };
  struct Turn {
    bool active = false, write = false;
    uint64_t left = 0;
    size_t next = 0;
    std::vector<Position> positions;
  };

  [[nodiscard]] bool arrived(uint64_t c) const {
    return !entries_.empty() && entries_.front().arrival <= c;
  }

  // The next transfer in turn that has arrived gives its bursts up to the end of their row set.
  Turn take(uint64_t c) {
    const size_t i = next_ < entries_.size() && entries_[next_].arrival <= c ? next_ : 0;
    Entry& e = entries_[i];
    const auto burst = static_cast<uint64_t>(d_.burst_bytes());
    const uint64_t set = map_.row_set_bytes() / burst;
    const uint64_t n = std::min(e.left, set - e.address / burst % set);
    const uint64_t stripe = std::min(map_.stripe_bytes() / burst, n);
    Turn t;
    t.active = true;
    t.write = e.write;
    t.left = n;
    for (uint64_t k = 0; k < stripe; ++k) {
      const Location at = map_.decode(e.address + k * burst);
      t.positions.push_back({at.rank, at.bankgroup * d_.banks_per_group + at.bank, at.row,
                             (n - k + stripe - 1) / stripe});
    }
    e.address += n * burst;
    e.left -= n;
    if (e.left == 0) {
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      next_ = i;
    } else {
      next_ = i + 1;
    }
    return t;
  }

  [[nodiscard]] IssuedCommand command(uint64_t c, CommandKind k, const Position& p) const {
    return {c, k, p.rank, p.bank / d_.banks_per_group, p.bank % d_.banks_per_group, p.row, false};
  }

  [[nodiscard]] bool serving_uses(int rank, int bank) const {
    return std::any_of(
        serving_.positions.begin(), serving_.positions.end(),
        [&](const Position& p) { return p.rank == rank && p.bank == bank && p.left > 0; });
  }

  // The first row command the turns need, in the order of their bursts; false if none may go.
  bool row_command(uint64_t c, IssuedCommand& out) const {
    for (const Turn* t : {&serving_, &upcoming_}) {
      if (!t->active) return false;
      for (size_t j = 0; j < t->positions.size(); ++j) {
        const Position& p = t->positions[(t->next + j) % t->positions.size()];
        int64_t open_row = -1;
        const bool open = state_.open(p.rank, p.bank, &open_row);
        if (p.left == 0 || (open && open_row == p.row)) continue;
        if (pending_[static_cast<size_t>(p.rank)]) continue;
        if (open && t == &upcoming_ && serving_uses(p.rank, p.bank)) return false;
        out = command(c, open ? CommandKind::precharge : CommandKind::activate, p);
        if (open) out.row = open_row;
        return true;
      }
    }
    return false;
  }

  void step(uint64_t c, uint64_t& last) {
    // The serving turn's next burst first.
    if (serving_.active) {
      const Position& p = serving_.positions[serving_.next];
      int64_t open_row = -1;
      if (!pending_[static_cast<size_t>(p.rank)] && state_.open(p.rank, p.bank, &open_row) &&
          open_row == p.row) {
        const IssuedCommand cmd =
            command(c, serving_.write ? CommandKind::write : CommandKind::read, p);
        if (state_.violation(cmd).empty()) {
          issue(cmd);
          column(c, last);
          return;
        }
      }
    }
    // Then a refresh due: its rank's first open bank closes, then REF.
    for (int r = 0; r < d_.ranks; ++r) {
      if (!pending_[static_cast<size_t>(r)]) continue;
      IssuedCommand cmd{c, CommandKind::refresh, r, -1, -1, -1, false};
      for (int b = 0; b < d_.banks_per_rank(); ++b) {
        int64_t row = -1;
        if (state_.open(r, b, &row)) {
          cmd = command(c, CommandKind::precharge, {r, b, row, 0});
          break;
        }
      }
      if (!state_.violation(cmd).empty()) continue;
      issue(cmd);
      if (cmd.kind == CommandKind::refresh) {
        pending_[static_cast<size_t>(r)] = false;
        due_[static_cast<size_t>(r)] += static_cast<uint64_t>(d_.tREFI);
      }
      return;
    }
    // Then the turns' first row command, if it may go now.
    IssuedCommand cmd;
    if (row_command(c, cmd) && state_.violation(cmd).empty()) issue(cmd);
  }

  void issue(const IssuedCommand& cmd) {
    state_.apply(cmd);
    log_.push_back(cmd);
  }

  void column(uint64_t c, uint64_t& last) {
    Position& p = serving_.positions[serving_.next];
    --p.left;
    --serving_.left;
    serving_.next = (serving_.next + 1) % serving_.positions.size();
    const int latency = serving_.write ? d_.write_latency() : d_.read_latency();
    last = std::max(last, c + static_cast<uint64_t>(latency + d_.burst_cycles()));
    // Closed page: the row closes once no burst of either turn wants it.
    uint64_t hits = 0;
    for (const Turn* t : {&serving_, &upcoming_}) {
      if (!t->active) continue;
      for (const Position& o : t->positions) {
        if (o.rank == p.rank && o.bank == p.bank && o.row == p.row) hits += o.left;
      }
    }
    if (policies_.page->close_after_column(static_cast<int>(hits))) {
      IssuedCommand pre = command(c, CommandKind::precharge, p);
      pre.automatic = true;
      while (!state_.violation(pre).empty()) ++pre.cycle;
      issue(pre);
    }
    if (serving_.left == 0) {
      serving_ = std::move(upcoming_);
      upcoming_ = Turn{};
    }
  }

  Device d_;
  Policies policies_;
  AddressMap map_;
  ProtocolState state_;
  std::vector<uint64_t> due_;
  std::vector<bool> pending_;
  std::deque<Entry> entries_;
  size_t next_ = 0;  // the entry whose turn is next
  uint64_t last_arrival_ = 0;
  Turn serving_, upcoming_;
  std::vector<IssuedCommand> log_;
};

}  // namespace tessera::ddr::test
