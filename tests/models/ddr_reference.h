// A per-cycle reference for the DDR channel controller: the same policies (models/dram/ddr/
// policies.h: a refresh first when due, then the commands the scheduler lets compete, in its
// order), but it steps every cycle and asks the protocol (ddr_protocol.h) whether each candidate
// command may issue now, instead of computing when it can. The controller's next-event jumps
// must give the same command log.
#pragma once

#include <deque>
#include <utility>
#include <vector>

#include "tests/models/ddr_protocol.h"

namespace tessera::ddr::test {

class ReferenceChannel {
 public:
  ReferenceChannel(const Device& d, Policies policies)
      : d_(d), policies_(std::move(policies)), state_(d) {
    for (int r = 0; r < d.ranks; ++r) {
      due_.push_back(policies_.refresh->first_due(r));
      pending_.push_back(false);
    }
  }

  void add(const Location& at, bool write, uint64_t arrival) {
    last_arrival_ = std::max(last_arrival_, arrival);
    arrivals_.push_back({last_arrival_, at.rank, at.bankgroup, at.bank, at.row, write});
  }

  // Runs until every request has been served; returns the log. `last` gets the last data beat.
  std::vector<IssuedCommand> run(uint64_t& last) {
    last = 0;
    for (uint64_t c = 0; !queue_.empty() || !arrivals_.empty(); ++c) {
      while (!arrivals_.empty() && queue_.size() < static_cast<size_t>(d_.queue_size) &&
             arrivals_.front().arrival <= c) {
        queue_.push_back(arrivals_.front());
        arrivals_.pop_front();
      }
      for (int r = 0; r < d_.ranks; ++r) pending_[r] = pending_[r] || due_[r] <= c;
      step(c, last);
    }
    return log_;
  }

 private:
  struct Req {
    uint64_t arrival;
    int rank, bankgroup, bank;
    int64_t row;
    bool write;
  };
  struct Candidate {
    IssuedCommand command;
    int request = -1;
    bool hit = false;
  };

  [[nodiscard]] int in_rank(const Req& q) const {
    return q.bankgroup * d_.banks_per_group + q.bank;
  }

  int queued_hits(int rank, int bank, int64_t row) const {
    int n = 0;
    for (const Req& q : queue_) n += q.rank == rank && in_rank(q) == bank && q.row == row;
    return n;
  }

  IssuedCommand command(uint64_t c, CommandKind k, int rank, int bank, int64_t row) const {
    return {c, k, rank, bank / d_.banks_per_group, bank % d_.banks_per_group, row, false};
  }

  void step(uint64_t c, uint64_t& last) {
    std::vector<Candidate> candidates;
    for (int r = 0; r < d_.ranks; ++r) {
      if (!pending_[r]) continue;
      Candidate ref{{c, CommandKind::refresh, r, -1, -1, -1, false}};
      for (int b = 0; b < d_.banks_per_rank(); ++b) {
        if (state_.open(r, b)) {
          ref.command = command(c, CommandKind::precharge, r, b, 0);
          break;
        }
      }
      candidates.push_back(ref);
    }
    for (size_t i = 0; i < queue_.size(); ++i) {
      if (policies_.scheduler->in_order() && i > 0) break;
      const Req& q = queue_[i];
      if (pending_[q.rank]) continue;
      int64_t open_row = -1;
      const bool open = state_.open(q.rank, in_rank(q), &open_row);
      Candidate k;
      k.request = static_cast<int>(i);
      if (open && open_row == q.row) {
        k.command =
            command(c, q.write ? CommandKind::write : CommandKind::read, q.rank, in_rank(q), q.row);
        k.hit = true;
      } else if (!open) {
        k.command = command(c, CommandKind::activate, q.rank, in_rank(q), q.row);
      } else {
        if (!policies_.scheduler->closes_rows_with_hits() &&
            queued_hits(q.rank, in_rank(q), open_row) > 0) {
          continue;
        }
        k.command = command(c, CommandKind::precharge, q.rank, in_rank(q), open_row);
      }
      candidates.push_back(k);
    }
    const Candidate* chosen = nullptr;
    for (const Candidate& k : candidates) {
      if (!state_.violation(k.command).empty()) continue;
      // The highest priority first, then the oldest: candidates are in age order (refresh first).
      if (chosen == nullptr ||
          policies_.scheduler->priority(k.command.kind, k.hit) <
              policies_.scheduler->priority(chosen->command.kind, chosen->hit)) {
        chosen = &k;
      }
    }
    if (chosen == nullptr) return;
    const Candidate k = *chosen;
    IssuedCommand cmd = k.command;
    if (cmd.kind == CommandKind::precharge && k.request < 0) {
      int64_t row = -1;
      state_.open(cmd.rank, cmd.bankgroup * d_.banks_per_group + cmd.bank, &row);
      cmd.row = row;
    }
    state_.apply(cmd);
    log_.push_back(cmd);
    if (cmd.kind == CommandKind::refresh) {
      pending_[cmd.rank] = false;
      due_[cmd.rank] += static_cast<uint64_t>(d_.tREFI);
    }
    if (k.request >= 0 && (cmd.kind == CommandKind::read || cmd.kind == CommandKind::write)) {
      const Req q = queue_[static_cast<size_t>(k.request)];
      queue_.erase(queue_.begin() + k.request);
      const int latency = q.write ? d_.write_latency() : d_.read_latency();
      last = std::max(last, c + static_cast<uint64_t>(latency + d_.burst_cycles()));
      if (policies_.page->close_after_column(queued_hits(q.rank, in_rank(q), q.row))) {
        IssuedCommand pre = command(c, CommandKind::precharge, q.rank, in_rank(q), q.row);
        pre.automatic = true;
        while (!state_.violation(pre).empty()) ++pre.cycle;
        state_.apply(pre);
        log_.push_back(pre);
      }
    }
  }

  Device d_;
  Policies policies_;
  ProtocolState state_;
  std::vector<uint64_t> due_;
  std::vector<bool> pending_;
  std::vector<Req> queue_;
  std::deque<Req> arrivals_;
  uint64_t last_arrival_ = 0;
  std::vector<IssuedCommand> log_;
};

}  // namespace tessera::ddr::test
