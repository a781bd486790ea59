// Skipping the repeats of a steady stream. A long transfer of consecutive bursts settles into a
// cycle: the controller issues the same column commands to the same banks, one period after
// another, each period later by the same number of cycles, with the queue refilled by requests
// of the same banks and rows. When two snapshots of the whole channel one period apart are equal
// relative to the current cycle (every constraint on column commands, open rows, the queue in
// age order), and the requests still to come repeat the period's, the next periods can only
// repeat it too, until a refresh falls due or the requests change. Those periods are applied at
// once: column constraints shift, a bank's PRE waits for its last column, ACT constraints stay,
// counts add up, and the command log (when kept) gets every command.
// tests/models/ddr_protocol_test.cpp checks that logs and statistics are the same with and without
// skipping.
#include <algorithm>

#include "models/dram/ddr/channel.h"

namespace tessera::ddr {
namespace {

constexpr size_t kLongestPeriod = 16;                 // column commands
constexpr int kFirstBackoff = 8, kLastBackoff = 256;  // column commands between attempts

}  // namespace

void Channel::forget_repeats() {
  history_.clear();
  period_ = 0;
}

// Every queued request hits an open row and they all arrived at the same cycle, by now, and no
// refresh is pending: only column commands can follow.
bool Channel::steady(uint64_t& arrival) const {
  for (const Rank& r : ranks_) {
    if (r.refresh_pending) return false;
  }
  size_t hits = 0, seen = 0;
  for (const int bank : busy_banks_) {
    const Bank& b = banks_[static_cast<size_t>(bank)];
    hits += static_cast<size_t>(b.read_hits + b.write_hits);
    for (int s = b.head; s >= 0; s = requests_[static_cast<size_t>(s)].next) {
      const Request& q = requests_[static_cast<size_t>(s)];
      if (seen++ == 0) arrival = q.arrival;
      if (q.arrival != arrival) return false;
    }
  }
  return seen > 0 && hits == queued_ && arrival <= now_;
}

void Channel::snapshot(std::vector<int64_t>& v) const {
  std::vector<const Request*>& queue = queue_scratch_;
  queue.clear();
  for (const int bank : busy_banks_) {
    const Bank& b = banks_[static_cast<size_t>(bank)];
    for (int s = b.head; s >= 0; s = requests_[static_cast<size_t>(s)].next) {
      queue.push_back(&requests_[static_cast<size_t>(s)]);
    }
  }
  std::sort(queue.begin(), queue.end(),
            [](const Request* a, const Request* b) { return a->age < b->age; });
  // Constraints on ACT and PRE are left out: while every queued request hits an open row only
  // column commands issue, so they cannot matter until the stream ends, and skip() leaves them
  // where the columns put them.
  v.resize(6 * banks_.size() + 2 * groups_.size() + 6 * ranks_.size() + 4 * queue.size());
  int64_t* out = v.data();
  const auto rel = [&](uint64_t t) { return t > now_ ? static_cast<int64_t>(t - now_) : 0; };
  for (const Bank& b : banks_) {
    *out++ = b.open_row;
    *out++ = rel(b.rd_ready);
    *out++ = rel(b.wr_ready);
    *out++ = b.read_hits;
    *out++ = b.write_hits;
    *out++ = b.queued;
  }
  for (const Group& g : groups_) {
    *out++ = rel(g.rd_ready);
    *out++ = rel(g.wr_ready);
  }
  for (const Rank& r : ranks_) {
    *out++ = rel(r.rd_ready);
    *out++ = rel(r.wr_ready);
    *out++ = rel(r.other_rd_ready);
    *out++ = rel(r.other_wr_ready);
    *out++ = r.open_banks;
    *out++ = r.refresh_pending ? 1 : 0;
  }
  for (const Request* q : queue) {
    *out++ = q->bank;
    *out++ = q->row;
    *out++ = q->write;
    *out++ = q->counted;
  }
}

void Channel::after_column(const Choice& c) {
  if (!skip_repeats_) return;
  const Bank& b = banks_[static_cast<size_t>(c.bank)];
  if (b.open_row < 0) {  // auto-precharged: not a stream of hits
    forget_repeats();
    return;
  }
  if (period_ > 0) {  // watching a period: at its end, compare and skip
    period_columns_.push_back({c.cycle, c.bank, b.open_row, c.kind == CommandKind::write});
    if (++watched_ < period_) return;
    uint64_t arrival = 0;
    bool skipped = false;
    if (steady(arrival) && (snapshot(snapshot_scratch_), snapshot_scratch_ == first_snapshot_)) {
      const uint64_t delta = now_ - first_now_;
      uint64_t last = 0;
      for (const Column& col : period_columns_) last = std::max(last, col.cycle);
      // Periods before a refresh falls due, and as many as the requests still to come repeat.
      uint64_t periods = UINT64_MAX;
      for (const Rank& r : ranks_) {
        periods = std::min(periods, r.refresh_due > last ? (r.refresh_due - last - 1) / delta : 0);
      }
      const size_t per_period = period_admitted_.size();
      size_t matched = 0;
      if (per_period > 0) {
        each_waiting([&](const Request& a) {
          const Admitted& p = period_admitted_[matched % per_period];
          if (matched / per_period >= periods || a.bank != p.bank || a.row != p.row ||
              a.write != p.write || a.arrival != arrival) {
            return false;
          }
          ++matched;
          return true;
        });
      }
      periods = per_period == 0 ? 0 : std::min<uint64_t>(periods, matched / per_period);
      const ChannelStats& f = first_stats_;
      const bool columns_only =
          stats_.activates == f.activates && stats_.precharges == f.precharges &&
          stats_.refreshes == f.refreshes && stats_.powerdown_exits == f.powerdown_exits &&
          stats_.self_refresh_exits == f.self_refresh_exits;
      if (periods > 0 && columns_only) {
        skip(periods, arrival);
        skipped = true;
      }
    }
    // A stream still settling is looked at less and less often, so that watching costs little.
    backoff_ = skipped ? kFirstBackoff : std::min(2 * backoff_, kLastBackoff);
    cooldown_ = skipped ? 0 : backoff_;
    forget_repeats();
    return;
  }
  if (cooldown_ > 0) {
    --cooldown_;
    return;
  }
  if (history_.size() == 8 * kLongestPeriod) {  // keep the last three longest periods
    history_.erase(history_.begin(), history_.end() - 3 * kLongestPeriod);
  }
  history_.emplace_back(c.cycle, c.bank);
  const size_t n = history_.size();
  // Three periods alike before a snapshot is taken: streams still settling rarely pass.
  for (size_t p = 1; p <= kLongestPeriod && 3 * p <= n; ++p) {
    const uint64_t delta = history_[n - 1].first - history_[n - 1 - p].first;
    bool repeats = true;
    for (size_t i = n; i-- > n - 2 * p && repeats;) {  // newest first: most fail at once
      repeats = history_[i].second == history_[i - p].second &&
                history_[i].first - history_[i - p].first == delta;
    }
    if (!repeats) continue;
    uint64_t arrival = 0;
    if (!steady(arrival)) return;
    period_ = static_cast<int>(p);
    watched_ = 0;
    snapshot(first_snapshot_);
    first_stats_ = stats_;
    first_now_ = now_;
    period_columns_.clear();
    period_admitted_.clear();
    history_.clear();
    return;
  }
}

void Channel::skip(uint64_t periods, uint64_t arrival) {
  const uint64_t delta = now_ - first_now_;
  const uint64_t shift = periods * delta;
  const ChannelStats& f = first_stats_;
  const uint64_t reads = stats_.reads - f.reads;
  stats_.reads += periods * reads;
  stats_.writes += periods * (stats_.writes - f.writes);
  stats_.read_row_hits += periods * (stats_.read_row_hits - f.read_row_hits);
  stats_.write_row_hits += periods * (stats_.write_row_hits - f.write_row_hits);
  stats_.queue_occupancy_sum += periods * (stats_.queue_occupancy_sum - f.queue_occupancy_sum);
  // Each repeat's reads finish `delta` later than the last one's, from the same arrival.
  stats_.read_latency_sum += periods * (stats_.read_latency_sum - f.read_latency_sum) +
                             delta * reads * periods * (periods + 1) / 2;
  for (const Column& col : period_columns_) {
    const int latency = col.write ? d_.write_latency() : d_.read_latency();
    const uint64_t done = col.cycle + shift + static_cast<uint64_t>(latency + burst_);
    stats_.last_completion = std::max(stats_.last_completion, done);
    if (!col.write) stats_.read_latency_max = std::max(stats_.read_latency_max, done - arrival);
  }
  if (log_ != nullptr) {
    for (uint64_t r = 1; r <= periods; ++r) {
      for (const Column& col : period_columns_) {
        log(col.cycle + r * delta, col.write ? CommandKind::write : CommandKind::read, col.bank,
            col.row, false);
      }
    }
  }
  // The column constraints move with the stream; those already past stay past. A bank's PRE
  // waits for its last column of the last period; ACT constraints stay where they are.
  for (Bank& b : banks_) {
    for (uint64_t* t : {&b.rd_ready, &b.wr_ready}) *t += shift;
  }
  for (const Column& col : period_columns_) {
    Bank& b = banks_[static_cast<size_t>(col.bank)];
    const int to_pre = col.write ? write_to_pre_ : read_to_pre_;
    b.pre_ready = std::max(b.pre_ready, col.cycle + shift + static_cast<uint64_t>(to_pre));
  }
  for (Group& g : groups_) {
    for (uint64_t* t : {&g.rd_ready, &g.wr_ready}) *t += shift;
  }
  for (Rank& r : ranks_) {
    for (uint64_t* t : {&r.rd_ready, &r.wr_ready, &r.other_rd_ready, &r.other_wr_ready}) {
      *t += shift;
    }
  }
  // A rank stays busy until the last data beat of its last column; one without columns in the
  // period keeps its own time, from which it falls asleep.
  for (const Column& col : period_columns_) {
    const int latency = col.write ? d_.write_latency() : d_.read_latency();
    busy(col.bank / d_.banks_per_rank(),
         col.cycle + shift + static_cast<uint64_t>(latency + burst_));
  }
  now_ += shift;
  // The requests served in the skipped periods leave the arrivals; those queued now stand for the
  // ones that would be queued then, younger by as many admissions.
  const uint64_t admitted = periods * period_admitted_.size();
  pop_waiting(admitted);
  for (const int bank : busy_banks_) {
    for (int s = banks_[static_cast<size_t>(bank)].head; s >= 0;
         s = requests_[static_cast<size_t>(s)].next) {
      requests_[static_cast<size_t>(s)].age += admitted;
    }
  }
  next_age_ += admitted;
}

}  // namespace tessera::ddr
