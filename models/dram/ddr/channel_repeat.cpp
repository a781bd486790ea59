// Skipping the repeats of a steady stream. A long transfer of consecutive bursts settles into a
// cycle: the controller issues the same column commands to the same banks, one period after
// another, each period later by the same number of cycles, with the queue refilled by requests
// of the same banks and rows. When two snapshots of the whole channel one period apart are equal
// relative to the current cycle (every constraint on column commands, open rows, the queue in
// age order), and the requests still to come repeat the period's, the next periods can only
// repeat it too, until a refresh falls due or the requests change. Those periods are applied at
// once: column constraints shift, a bank's PRE waits for its last column, ACT constraints stay,
// counts add up, and the command log (when kept) gets every command. The requests still to come
// are compared run by run, not burst by burst (repeating()).
// After a skip, or when the state differs only in which bank of a group each request is in, the
// period's decisions are replayed (below): the stream moving on to the next banks of its rows and
// the queue's last requests cost a little per command instead of a search.
// tests/models/ddr_protocol_test.cpp checks that logs and statistics are the same with and without
// skipping.
#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "models/dram/ddr/channel.h"

namespace tessera::ddr {
namespace {

constexpr size_t kLongestPeriod = 16;                 // column commands
constexpr int kFirstBackoff = 8, kLastBackoff = 256;  // column commands between attempts

}  // namespace

// Watches the next `p` column commands: a period, if the channel's state repeats after them.
void Channel::watch(int p) {
  replaying_ = false;
  period_ = p;
  watched_ = 0;
  snapshot(first_snapshot_);
  watch_replayable_ = true;
  first_stats_ = stats_;
  first_now_ = now_;
  period_columns_.clear();
  period_admitted_.clear();
  history_.clear();
}

void Channel::forget_repeats() {
  history_.clear();
  period_ = 0;
  replaying_ = false;
}

// Requests are queued, every one hits an open row, and no refresh is pending: only column
// commands can follow.
bool Channel::steady() const {
  for (const Rank& r : ranks_) {
    if (r.refresh_pending) return false;
  }
  size_t hits = 0;
  for (const int bank : busy_banks_) {
    const Bank& b = banks_[static_cast<size_t>(bank)];
    hits += static_cast<size_t>(b.read_hits + b.write_hits);
  }
  return queued_ > 0 && hits == queued_;
}

// Ages of queued requests are admission numbers, rarely far apart: ordered by placing each at
// its age, or by sorting when they are.
void Channel::in_age_order(std::vector<const Request*>& queue) const {
  if (queue.empty()) return;
  uint64_t low = UINT64_MAX, high = 0;
  for (const Request* q : queue) {
    low = std::min(low, q->age);
    high = std::max(high, q->age);
  }
  if (high - low >= 4 * queue.size()) {
    std::sort(queue.begin(), queue.end(),
              [](const Request* a, const Request* b) { return a->age < b->age; });
    return;
  }
  std::vector<const Request*>& at = age_scratch_;
  at.assign(high - low + 1, nullptr);
  for (const Request* q : queue) at[q->age - low] = q;
  queue.clear();
  for (const Request* q : at) {
    if (q != nullptr) queue.push_back(q);
  }
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
  in_age_order(queue);
  // Constraints on ACT and PRE are left out: while every queued request hits an open row only
  // column commands issue, so they cannot matter until the stream ends, and skip() leaves them
  // where the columns put them. A request's arrival and transfer are in: a repeat then serves
  // as many requests of each transfer as the period did, arrived when they did.
  v.resize(6 * banks_.size() + 2 * groups_.size() + 6 * ranks_.size() + 6 * queue.size());
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
    *out++ = static_cast<int64_t>(q->arrival);
    *out++ = static_cast<int64_t>(q->transfer);
  }
}

void Channel::after_column(const Choice& c) {
  if (!skip_repeats_) return;
  const Bank& b = banks_[static_cast<size_t>(c.bank)];
  if (b.open_row < 0) {  // auto-precharged: not a stream of hits
    forget_repeats();
    return;
  }
  if (replaying_) {
    replayed_column();
    return;
  }
  if (period_ > 0) {  // watching a period: at its end, compare and skip
    // The request served has left the queue, but its slot is not reused before the next admission.
    const Request& served = requests_[static_cast<size_t>(c.request)];
    period_columns_.push_back({c.cycle, c.bank, b.open_row, c.kind == CommandKind::write,
                               period_admitted_.size(), served.arrival, served.transfer});
    if (++watched_ < period_) return;
    uint64_t replay_delta = 0;
    bool skipped = false;
    const bool is_steady = steady();
    snapshot(snapshot_scratch_);
    if (is_steady && snapshot_scratch_ == first_snapshot_) {
      const uint64_t delta = now_ - first_now_;
      uint64_t last = 0;
      for (const Column& col : period_columns_) last = std::max(last, col.cycle);
      // Periods before a refresh falls due or another transfer arrives, and as many as the
      // requests still to come repeat.
      uint64_t periods = UINT64_MAX;
      for (const Rank& r : ranks_) {
        periods = std::min(periods, r.refresh_due > last ? (r.refresh_due - last - 1) / delta : 0);
      }
      const size_t per_period = period_admitted_.size();
      if (per_period > 0 && periods > 0) {
        periods = std::min(periods, periods_before_arrival(delta));
        const uint64_t limit =
            periods > UINT64_MAX / per_period ? UINT64_MAX : periods * per_period;
        periods = std::min<uint64_t>(periods, repeating(limit) / per_period);
      } else {
        periods = 0;
      }
      const ChannelStats& f = first_stats_;
      const bool columns_only =
          stats_.activates == f.activates && stats_.precharges == f.precharges &&
          stats_.refreshes == f.refreshes && stats_.powerdown_exits == f.powerdown_exits &&
          stats_.self_refresh_exits == f.self_refresh_exits;
      if (columns_only) {
        if (periods > 0) skip(periods);
        skipped = true;
        replay_delta = delta;
      }
    }
    // Not the same state, but the same decisions: replay them.
    if (!skipped && replayable()) {
      skipped = true;
      replay_delta = now_ - first_now_;
    }
    // A stream still settling is looked at less and less often, so that watching costs little.
    backoff_ = skipped ? kFirstBackoff : std::min(2 * backoff_, kLastBackoff);
    cooldown_ = skipped ? 0 : backoff_;
    forget_repeats();
    // Replaying needs the period's admissions to have hit their rows with their banks ready, as
    // the replayed ones must (their banks may differ).
    if (skipped && watch_replayable_) start_replay(replay_delta);
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
  // Two periods alike before a snapshot is taken: streams still settling rarely pass.
  for (size_t p = 1; p <= kLongestPeriod && 2 * p <= n; ++p) {
    const uint64_t delta = history_[n - 1].first - history_[n - 1 - p].first;
    bool repeats = true;
    for (size_t i = n; i-- > n - p && repeats;) {  // newest first: most fail at once
      repeats = history_[i].second == history_[i - p].second &&
                history_[i].first - history_[i - p].first == delta;
    }
    if (!repeats) continue;
    if (!steady()) return;
    watch(static_cast<int>(p));
    return;
  }
}

// Transfers that have arrived take turns into the queue (admit()), and one arriving joins them:
// a skip ends before the next one arrives, so that the turns it makes are those of now. Requests
// no transfer names enter in order, whenever they arrive.
uint64_t Channel::periods_before_arrival(uint64_t delta) const {
  if (!taking_turns()) return UINT64_MAX;
  const size_t arrived = arrived_entries();
  if (arrived == waiting_.size()) return UINT64_MAX;
  // The skipped periods' admissions are at most `periods * delta` after now.
  return (waiting_[arrived].next.arrival - now_ - 1) / delta;
}

void Channel::skip(uint64_t periods) {
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
    if (!col.write) stats_.read_latency_max = std::max(stats_.read_latency_max, done - col.arrival);
    if (Transfer* t = col.transfer != 0 ? find_transfer(col.transfer) : nullptr) {
      t->done = std::max(t->done, done);
    }
  }
  // Requests are served out of order, and the queued ones now stand for younger ones: which
  // request of a transfer is served when is not known, only how many. The queue holds as many of
  // each transfer after a period as before (the snapshots compare transfers), so each served
  // what it admitted, and it keeps requests to come (repeating() leaves every run its last).
  for (const Admitted& a : period_admitted_) {
    Transfer* t = a.transfer != 0 ? find_transfer(a.transfer) : nullptr;
    if (t == nullptr) continue;
    if (t->left <= periods) throw std::logic_error("DRAM channel: a transfer ended in a skip");
    t->left -= periods;
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
  skip_admissions(admitted);
  columns_skipped_ += periods * period_columns_.size();
  for (const int bank : busy_banks_) {
    for (int s = banks_[static_cast<size_t>(bank)].head; s >= 0;
         s = requests_[static_cast<size_t>(s)].next) {
      requests_[static_cast<size_t>(s)].age += admitted;
    }
  }
  next_age_ += admitted;
}

}  // namespace tessera::ddr

namespace tessera::ddr {

// Replaying a period's decisions. Once the channel's state has repeated one period later (and
// perhaps many periods were skipped), the scheduler's next decisions are the period's again as
// long as what it decides on repeats: for each column command, the oldest queued request of the
// same rank, bank group and direction, at the same cycle one period later. Which bank a request
// is in does not matter while it hits the open row and its bank's own ACT and wake-up
// constraints are past, so a stream moving on to the next banks of the same rows (a box's next
// row segment) repeats too, and so do the queue's last requests when nothing has arrived to admit.
// The commands are issued and counted as usual; only the search for the next one is saved. Each
// admitted request is checked against the period's (admit() calls replay_admits()), and any
// difference, a refresh falling due or a missing request ends the replay where it is.
void Channel::start_replay(uint64_t delta) {
  // Closed page: a bank's last column closes its row, which changes what follows.
  if (!open_page_ || period_columns_.empty()) return;
  replaying_ = true;
  replay_delta_ = delta;
  replay_next_ = 0;
  replay_admitted_ = 0;
  replay_offset_ = now_ - first_now_;  // the period just seen (or skipped to), one period on
  replay_banks_ = busy_digest();
  replay_moved_ = false;
}

// The busy banks in any order, as one number (a change is all that is looked for).
uint64_t Channel::busy_digest() const {
  uint64_t sum = 0, mixed = 0;
  for (const int bank : busy_banks_) {
    const auto b = static_cast<uint64_t>(bank) + 1;
    sum += b;
    mixed ^= b * 0x9E3779B97F4A7C15ULL;
  }
  return sum ^ mixed ^ (busy_banks_.size() << 56);
}

bool Channel::replay_admits(const Request& r) const {
  const size_t per_period = period_admitted_.size();
  if (replay_admitted_ >= per_period) return false;
  const Admitted& p = period_admitted_[replay_admitted_];
  const Bank& b = banks_[static_cast<size_t>(r.bank)];
  return r.bankgroup == p.bank / d_.banks_per_group && r.write == p.write && b.open_row == r.row &&
         (r.write ? b.wr_ready : b.rd_ready) <= now_ &&
         ranks_[static_cast<size_t>(r.rank)].queued > 0;
}

Channel::Choice Channel::replay_choice() {
  Choice c;
  const Column& col = period_columns_[replay_next_];
  // Admitted as in the period, or fewer because nothing has arrived to admit (an arrival ends the
  // replay, in run()).
  if (replay_admitted_ != col.admitted_before &&
      !(replay_admitted_ < col.admitted_before && !arrived())) {
    replaying_ = false;
    return c;
  }
  const uint64_t t = col.cycle + replay_offset_;
  bool due = false;
  for (const Rank& r : ranks_) due = due || r.refresh_pending || r.refresh_due <= t;
  const int first_bank = col.bank / d_.banks_per_group * d_.banks_per_group;
  const int kind = col.write ? kWrite : kRead;
  int slot = -1;
  for (int bank = first_bank; bank < first_bank + d_.banks_per_group; ++bank) {
    const int s = banks_[static_cast<size_t>(bank)].oldest[kind];
    if (s >= 0 && (slot < 0 || requests_[static_cast<size_t>(s)].age <
                                   requests_[static_cast<size_t>(slot)].age)) {
      slot = s;
    }
  }
  if (due || slot < 0 || t < now_) {
    replaying_ = false;
    return c;
  }
  const Request& q = requests_[static_cast<size_t>(slot)];
  // The command's own constraints allow it then (they do, when the period repeats).
  const Bank& b = banks_[static_cast<size_t>(q.bank)];
  const Group& g = groups_[static_cast<size_t>(q.bankgroup)];
  const Rank& r = ranks_[static_cast<size_t>(q.rank)];
  uint64_t ready = col.write ? std::max({b.wr_ready, g.wr_ready, r.wr_ready})
                             : std::max({b.rd_ready, g.rd_ready, r.rd_ready});
  for (const Rank& o : ranks_) {
    if (&o != &r) ready = std::max(ready, col.write ? o.other_wr_ready : o.other_rd_ready);
  }
  if (ready > t) {
    replaying_ = false;
    return c;
  }
  c.cycle = t;
  c.request = slot;
  c.age = q.age;
  c.kind = col.write ? CommandKind::write : CommandKind::read;
  c.rank = q.rank;
  c.bank = q.bank;
  c.priority = priority(c.kind, true);
  return c;
}

void Channel::replayed_column() {
  ++columns_replayed_;
  if (++replay_next_ < period_columns_.size()) return;
  replay_next_ = 0;
  replay_admitted_ = 0;
  replay_offset_ += replay_delta_;
  // Once the queue has moved on to other banks and stays with them for a period, the stream may
  // repeat exactly again: watch the next period at once, so that its repeats can be skipped.
  const uint64_t banks = busy_digest();
  const bool same = banks == replay_banks_;
  replay_banks_ = banks;
  if (!same) replay_moved_ = true;
  if (!same || !replay_moved_ || waiting_.empty()) return;
  if (steady()) watch(static_cast<int>(period_columns_.size()));
}

}  // namespace tessera::ddr

namespace tessera::ddr {

// What the scheduler's column decisions depend on while every queued request hits its open row
// and its bank's own constraints are past, read from a snapshot(): the bank group and rank
// constraints on column commands, and the queue in age order as (bank group, direction). Which
// bank of its group a request is in does not matter then. False when that does not hold.
bool Channel::decisions(const std::vector<int64_t>& snap, std::vector<int64_t>& v) const {
  v.clear();
  const size_t banks = banks_.size(), groups = groups_.size(), ranks = ranks_.size();
  const int64_t* in = snap.data();
  int64_t hits = 0, queued = 0;
  for (size_t b = 0; b < banks; ++b, in += 6) {  // open row, rd, wr, read hits, write hits, queued
    if (in[5] > 0 && (in[1] != 0 || in[2] != 0)) return false;
    hits += in[3] + in[4];
    queued += in[5];
  }
  if (hits != queued) return false;
  v.insert(v.end(), in, in + 2 * groups);  // rd, wr
  in += 2 * groups;
  for (size_t r = 0; r < ranks; ++r, in += 6) {  // rd, wr, other rd, other wr, open banks, refresh
    if (in[5] != 0) return false;
    v.insert(v.end(), in, in + 4);
  }
  // bank, row, write, counted, arrival, transfer
  for (; in < snap.data() + snap.size(); in += 6) {
    v.push_back(2 * (in[0] / d_.banks_per_group) + in[2]);
  }
  return true;
}

// At the end of a watched period of column commands only: the decisions repeat if what they
// depend on is the same as at its start. Either the queue is the same (requests admitted as
// many as served, each hitting its row, their bank's constraints past), or nothing was admitted
// and nothing has arrived to be: the queue lost the period's requests and is the start's queue
// without its youngest (a periodic queue losing its oldest), which cannot change the period's
// decisions until a request the period needs is missing, when the replay stops, or a request
// arrives, when run() stops it.
bool Channel::replayable() {
  if (!watch_replayable_ || !open_page_) return false;
  const ChannelStats& f = first_stats_;
  if (stats_.activates != f.activates || stats_.precharges != f.precharges ||
      stats_.refreshes != f.refreshes || stats_.powerdown_exits != f.powerdown_exits ||
      stats_.self_refresh_exits != f.self_refresh_exits) {
    return false;
  }
  std::vector<int64_t>& now = decisions_scratch_;
  if (!decisions(first_snapshot_, first_decisions_) || !decisions(snapshot_scratch_, now)) {
    return false;
  }
  if (now == first_decisions_) return true;
  const size_t served = period_columns_.size();
  return period_admitted_.empty() && !arrived() && now.size() + served == first_decisions_.size() &&
         std::equal(now.begin(), now.end(), first_decisions_.begin());
}

}  // namespace tessera::ddr

namespace tessera::ddr {

// How many of the requests still to come (at most `limit`) repeat the period's admissions, in
// the order they would enter the queue: in order while the first names no transfer; else taking
// turns, the arrived runs a request each from the one whose turn it is, or the arrived single
// requests from it on and then from the first. The turns are followed while they stay the same:
// no run gives its last request, and in turns of runs the period is whole rounds.
uint64_t Channel::repeating(uint64_t limit) const {
  const size_t per_period = period_admitted_.size();
  uint64_t matched = 0;
  if (!taking_turns()) {
    for (const Waiting& w : waiting_) {
      if (w.next.transfer != 0 || matched >= limit) break;
      const uint64_t n = matching(w, matched % per_period, 1, limit - matched);
      matched += n;
      if (n < w.left) break;
    }
    return matched;
  }
  const size_t arrived = arrived_entries();
  const size_t first = turn();
  size_t runs = 0;
  for (size_t e = 0; e < arrived; ++e) runs += waiting_[e].map != nullptr ? 1 : 0;
  if (runs == 0) {
    for (size_t i = 0; i < arrived && matched < limit; ++i) {
      if (matching(waiting_[(first + i) % arrived], matched % per_period, 1, 1) == 0) break;
      ++matched;
    }
    return matched;
  }
  if (runs != arrived || per_period % arrived != 0) return 0;
  // Run e's c-th request is admission (e - first) mod arrived + c * arrived from now.
  uint64_t until = UINT64_MAX;  // the first admission that differs or would end a run
  for (size_t e = 0; e < arrived; ++e) {
    const Waiting& w = waiting_[e];
    const size_t offset = (e + arrived - first) % arrived;
    const uint64_t n = matching(w, offset, arrived, std::min(w.left - 1, limit / arrived + 1));
    until = std::min(until, offset + n * arrived);
  }
  return std::min(until, limit);
}

// A run of consecutive bursts is not decoded burst by burst. The period's admissions it is
// compared with repeat every `cycle` of its requests; its first cycle is compared one by one.
// When a cycle spans 2^k bytes, request i + cycle lies 2^k bytes after request i, so the two
// decode alike until the addresses cross a boundary of the lowest bank, rank, channel or row bit
// at or above k: the first such crossing ends the matches.
uint64_t Channel::matching(const Waiting& w, size_t offset, size_t stride, uint64_t cap) const {
  const size_t per_period = period_admitted_.size();
  const auto bytes = static_cast<uint64_t>(d_.burst_bytes());
  const auto same = [&](const Request& a, uint64_t c) {
    const Admitted& p = period_admitted_[(offset + c * stride) % per_period];
    return a.bank == p.bank && a.row == p.row && a.write == p.write && a.arrival == p.arrival &&
           a.transfer == p.transfer;
  };
  const uint64_t cycle = per_period / std::gcd(stride, per_period);
  const uint64_t span = cycle * bytes;
  const bool closed = w.map != nullptr && (span & (span - 1)) == 0;
  const uint64_t by_one = std::min(cap, closed ? std::min(w.left, cycle) : w.left);
  for (uint64_t c = 0; c < by_one; ++c) {
    const Request a = c == 0 ? w.next
                             : request_at(w.map->decode(w.address + c * bytes), w.next.write,
                                          w.next.arrival, w.next.transfer);
    if (!same(a, c)) return c;
  }
  if (by_one == w.left || by_one == cap) return by_one;
  int k = 0;
  while ((uint64_t{1} << k) < span) ++k;
  const uint64_t high = w.map->location_mask() >> k;
  uint64_t first_miss = w.left;
  if (high != 0) {
    int z = 0;
    while (((high >> z) & 1) == 0) ++z;
    const uint64_t z_span = uint64_t{1} << z;
    // Request r (r < cycle) and those a multiple of the cycle after it share the bits below k;
    // the high part h = address >> k first changes a field bit after 2^z - h % 2^z cycles. The
    // cycle's requests have at most two high parts (they span 2^k bytes).
    for (uint64_t r = 0; r < cycle; ++r) {
      const uint64_t h = (w.address + r * bytes) >> k;
      first_miss = std::min(first_miss, (z_span - h % z_span) * cycle + r);
    }
  }
  return std::min({first_miss, w.left, cap});
}

void Channel::skip_admissions(uint64_t n) {
  if (n == 0) return;
  if (!taking_turns()) {  // in order, from entries that name no transfer (repeating())
    while (n > 0) {
      if (n < waiting_.front().left) {
        drop_waiting(0, n);
        return;
      }
      n -= waiting_.front().left;
      waiting_.pop_front();
    }
    return;
  }
  const size_t arrived = arrived_entries();
  const size_t first = turn();
  const auto at = [&](size_t i) { return waiting_.begin() + static_cast<std::ptrdiff_t>(i); };
  if (waiting_.front().map == nullptr) {  // single requests: the turn stays where it is
    const uint64_t to_end = std::min<uint64_t>(n, arrived - first);
    waiting_.erase(at(first), at(first + to_end));
    waiting_.erase(at(0), at(n - to_end));
    next_waiting_ = n <= arrived - first ? first : 0;
    return;
  }
  // Whole rounds of runs: each gives as many, and the turn ends past the last one's that gave.
  for (size_t e = 0; e < arrived; ++e) drop_waiting(e, n / arrived);
  next_waiting_ = (first + arrived - 1) % arrived + 1;
}

}  // namespace tessera::ddr
