#include "models/dram/ddr/channel.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace tessera::ddr {
namespace {

uint64_t after(uint64_t t, int64_t gap) {
  return gap > 0 ? t + static_cast<uint64_t>(gap) : t;
}

// The largest and second largest of one value per rank, so the largest over the ranks but one.
struct Largest {
  uint64_t first = 0, second = 0;
  int at = -1;  // the rank of the largest
  void add(uint64_t value, int rank) {
    if (value >= first) {
      second = first;
      first = value;
      at = rank;
    } else {
      second = std::max(second, value);
    }
  }
  [[nodiscard]] uint64_t other_than(int rank) const { return rank == at ? second : first; }
};

}  // namespace

Channel::Channel(const Device& device, Policies policies, PowerDown power_down, Service service)
    : d_(device),
      policies_(std::move(policies)),
      in_order_(policies_.scheduler->in_order()),
      closes_hit_rows_(policies_.scheduler->closes_rows_with_hits()),
      open_page_(!policies_.page->close_after_column(0)),
      power_down_(power_down),
      burst_(device.burst_cycles()),
      service_(service) {
  const int rl = d_.read_latency(), wl = d_.write_latency();
  read_to_read_l_ = std::max(burst_, d_.tCCD_L);
  read_to_read_s_ = std::max(burst_, d_.tCCD_S);
  write_to_write_l_ = read_to_read_l_;
  write_to_write_s_ = read_to_read_s_;
  write_to_read_l_ = wl + burst_ + d_.tWTR_L;
  write_to_read_s_ = wl + burst_ + d_.tWTR_S;
  // The write's data may only follow the read's last beat after a bus turnaround.
  read_to_write_ = std::max(0, rl + burst_ + d_.tRTRS - wl);
  read_to_pre_ = d_.AL + d_.tRTP;
  write_to_pre_ = wl + burst_ + d_.tWR;

  // Energy per operation as Micron's power note (TN-41-01) and DRAMSim3 compute it: the current
  // above the background it replaces, times the time it lasts. mA x V x ns = pJ.
  const double scale = d_.VDD * d_.tck_ns * d_.devices_per_rank();
  act_pj_ = (d_.IDD0 - d_.IDD3N) * d_.tRAS * scale;
  pre_pj_ = (d_.IDD0 - d_.IDD2N) * d_.tRP * scale;
  rd_pj_ = (d_.IDD4R - d_.IDD3N) * burst_ * scale;
  wr_pj_ = (d_.IDD4W - d_.IDD3N) * burst_ * scale;
  ref_pj_ = (d_.IDD5AB - d_.IDD3N) * d_.tRFC * scale;
  active_pj_per_cycle_ = d_.IDD3N * scale;
  idle_pj_per_cycle_ = d_.IDD2N * scale;
  apd_pj_per_cycle_ = d_.IDD3P * scale;
  ppd_pj_per_cycle_ = d_.IDD2P * scale;
  sr_pj_per_cycle_ = d_.IDD6 * scale;

  banks_.resize(static_cast<size_t>(d_.ranks) * static_cast<size_t>(d_.banks_per_rank()));
  groups_.resize(static_cast<size_t>(d_.ranks) * static_cast<size_t>(d_.bankgroups));
  ranks_.resize(static_cast<size_t>(d_.ranks));
  floors_.resize(ranks_.size());
  for (size_t i = 0; i < banks_.size(); ++i) {
    banks_[i].rank = static_cast<int>(i) / d_.banks_per_rank();
    banks_[i].group = static_cast<int>(i) / d_.banks_per_group;
  }
  for (int r = 0; r < d_.ranks; ++r) {
    ranks_[static_cast<size_t>(r)].refresh_due = policies_.refresh->first_due(r);
  }
  refresh_changed();
  for (const CommandKind k : {CommandKind::activate, CommandKind::precharge, CommandKind::read,
                              CommandKind::write, CommandKind::refresh}) {
    for (const bool hit : {false, true}) {
      // Turns issue their column commands first, then row commands (a refresh's the oldest).
      priority_[static_cast<int>(k)][hit ? 1 : 0] =
          service_ == Service::streams ? (hit ? 0 : 1) : policies_.scheduler->priority(k, hit);
    }
  }
  // The priorities' ranks, for candidates packed into one number (candidate()).
  std::vector<int> levels;
  for (const auto& kind : priority_) levels.insert(levels.end(), std::begin(kind), std::end(kind));
  std::sort(levels.begin(), levels.end());
  for (int k = 0; k < kCommandKinds; ++k) {
    for (int hit = 0; hit < 2; ++hit) {
      const auto order = static_cast<uint64_t>(
          std::lower_bound(levels.begin(), levels.end(), priority_[k][hit]) - levels.begin());
      priority_bits_[k][hit] = order << (kAgeBits + kSlotBits);
    }
  }
  // Device files are read with at most this many (device.cpp).
  if (d_.queue_size > (1 << kSlotBits)) {
    throw std::logic_error("DRAM channel: a queue of more than " + std::to_string(1 << kSlotBits) +
                           " requests");
  }
  requests_.resize(static_cast<size_t>(d_.queue_size));
  for (int i = d_.queue_size - 1; i >= 0; --i) free_slots_.push_back(i);
  busy_index_.assign(banks_.size(), -1);
}

void Channel::add(const Location& at, bool write, uint64_t arrival, uint64_t transfer) {
  last_arrival_ = std::max(last_arrival_, arrival);
  waiting_.push_back({request_at(at, write, last_arrival_, transfer)});
  track(transfer, 1);
}

void Channel::add_run(const AddressMap& map, uint64_t address, uint64_t count, bool write,
                      uint64_t arrival, uint64_t transfer) {
  if (count == 0) return;
  last_arrival_ = std::max(last_arrival_, arrival);
  waiting_.push_back(
      {request_at(map.decode(address), write, last_arrival_, transfer), &map, address, count});
  track(transfer, count);
}

void Channel::track(uint64_t transfer, uint64_t count) {
  if (transfer == 0) return;
  if (Transfer* t = find_transfer(transfer)) {
    t->left += count;
    return;
  }
  transfers_.push_back({transfer, count, 0});
}

Channel::Transfer* Channel::find_transfer(uint64_t id) {
  // Few transfers are in flight at once; the newest are the likeliest.
  for (size_t i = transfers_.size(); i-- > 0;) {
    if (transfers_[i].id == id) return &transfers_[i];
  }
  return nullptr;
}

void Channel::drop_waiting(size_t i, uint64_t n) {
  Waiting& w = waiting_[i];
  if (n == 0) return;
  if (n >= w.left) throw std::logic_error("DRAM channel: a waiting run dropped whole");
  w.left -= n;
  w.address += n * static_cast<uint64_t>(d_.burst_bytes());
  locate(w.next, w.map->decode(w.address));
}

size_t Channel::arrived_entries() const {
  size_t n = 0;
  while (n < waiting_.size() && waiting_[n].next.arrival <= now_) ++n;
  return n;
}

void Channel::erase_waiting(size_t i) {
  // Entries are few and the one leaving is near the front: the ones before it move up a place
  // (cheaper than a deque's general erase).
  for (size_t k = i; k > 0; --k) waiting_[k] = waiting_[k - 1];
  waiting_.pop_front();
}

void Channel::take_waiting(size_t i, Request& into) {
  Waiting& w = waiting_[i];
  into = w.next;
  if (--w.left == 0) {
    erase_waiting(i);
    return;
  }
  w.address += static_cast<uint64_t>(d_.burst_bytes());
  locate(w.next, w.map->decode(w.address));
}

void Channel::admit() {
  while (!waiting_.empty() && !free_slots_.empty() && waiting_.front().next.arrival <= now_) {
    const int slot = free_slots_.back();
    free_slots_.pop_back();
    Request& r = requests_[static_cast<size_t>(slot)];
    // Named transfers that have arrived take turns; anything else enters in order.
    if (waiting_.front().next.transfer == 0) {
      take_waiting(0, r);
    } else {
      next_waiting_ = turn();
      const bool last = waiting_[next_waiting_].left == 1;
      take_waiting(next_waiting_, r);
      if (!last) ++next_waiting_;
    }
    r.age = next_age_++;
    r.next = -1;
    r.prev = banks_[static_cast<size_t>(r.bank)].tail;
    if (period_ > 0) {
      period_admitted_.push_back({r.bank, r.row, r.write, r.arrival, r.transfer});
      const Bank& b = banks_[static_cast<size_t>(r.bank)];
      watch_replayable_ = watch_replayable_ && b.open_row == r.row &&
                          (r.write ? b.wr_ready : b.rd_ready) <= now_ &&
                          ranks_[static_cast<size_t>(r.rank)].queued > 0;
    }
    if (replaying_) {
      replaying_ = replay_admits(r);
      ++replay_admitted_;
    }
    Rank& rank = ranks_[static_cast<size_t>(r.rank)];
    if (rank.queued++ == 0 && !rank.refresh_pending) wake(r.rank, now_, true);
    Bank& b = banks_[static_cast<size_t>(r.bank)];
    if (b.open_row == r.row) ++(r.write ? b.write_hits : b.read_hits);
    if (b.oldest[kind_of(b, r)] < 0) b.oldest[kind_of(b, r)] = slot;
    if (b.tail >= 0) {
      requests_[static_cast<size_t>(b.tail)].next = slot;
    } else {
      b.head = slot;
      busy_index_[static_cast<size_t>(r.bank)] = static_cast<int>(busy_banks_.size());
      busy_banks_.push_back(r.bank);
    }
    b.tail = slot;
    ++b.queued;
    ++queued_;
  }
}

void Channel::note_refresh_due() {
  if (now_ < refresh_soonest_) return;
  for (size_t i = 0; i < ranks_.size(); ++i) {
    Rank& r = ranks_[i];
    if (r.refresh_pending || r.refresh_due > now_) continue;
    if (r.queued == 0) {  // asleep, perhaps: in self-refresh the rank refreshes itself
      const Sleep s = sleep_by(r, r.refresh_due);
      if (s.self_refresh > 0) {
        r.refresh_grid = r.refresh_due;
        enter_self_refresh(static_cast<int>(i), s, r.refresh_due);
        continue;
      }
      wake(static_cast<int>(i), r.refresh_due, false);
    }
    r.refresh_pending = true;
  }
  refresh_changed();
}

void Channel::refresh_changed() {
  refresh_soonest_ = kNever;
  refresh_pending_ = false;
  for (const Rank& r : ranks_) {
    refresh_pending_ = refresh_pending_ || r.refresh_pending;
    if (!r.refresh_pending) refresh_soonest_ = std::min(refresh_soonest_, r.refresh_due);
  }
}

Channel::Sleep Channel::sleep_by(const Rank& r, uint64_t t) const {
  Sleep s;
  if (r.self_refresh) {
    s.self_refresh = t - std::min(t, r.self_refresh_since);
    return s;
  }
  // Power-down starts after the idle threshold, or right after a refresh the rank woke for.
  const uint64_t pd = power_down_.powerdown_cycles;
  const uint64_t sr = power_down_.self_refresh_cycles;
  uint64_t sr_start = kNever;
  if (sr > 0) {
    sr_start = std::max(r.busy_until + sr, r.refresh_until);
    if (t > sr_start) s.self_refresh = t - sr_start;
  }
  if (pd > 0) {
    const uint64_t pd_start = std::max(r.busy_until + pd, r.refresh_until);
    const uint64_t pd_end = std::min(t, sr_start);
    if (pd_end > pd_start) s.powerdown = pd_end - pd_start;
  }
  return s;
}

void Channel::enter_self_refresh(int rank, const Sleep& s, uint64_t t) {
  Rank& r = ranks_[static_cast<size_t>(rank)];
  const uint64_t since = t - s.self_refresh;
  (r.open_banks > 0 ? r.apd_cycles : r.ppd_cycles) += s.powerdown;
  if (low_power_log_ != nullptr && s.powerdown > 0) {
    low_power_log_->push_back({since - s.powerdown, since, rank, false});
  }
  // The controller closes every row before self-refresh entry.
  const int per_rank = d_.banks_per_rank();
  for (int i = 0; i < per_rank; ++i) {
    const int bank = rank * per_rank + i;
    if (banks_[static_cast<size_t>(bank)].open_row >= 0) precharge(bank, since, true);
  }
  r.self_refresh = true;
  r.self_refresh_since = since;
  r.refresh_due = kNever;
  refresh_changed();
}

void Channel::wake(int rank, uint64_t t, bool for_request) {
  Rank& r = ranks_[static_cast<size_t>(rank)];
  if (power_down_.powerdown_cycles == 0 && power_down_.self_refresh_cycles == 0) return;
  Sleep s = sleep_by(r, t);
  if (!r.self_refresh && s.self_refresh > 0) {
    // No refresh fell due since it slept: it entered self-refresh all the same.
    r.refresh_grid = r.refresh_due;
    enter_self_refresh(rank, s, t);
    s.powerdown = 0;
  }
  uint64_t exit = 0;
  if (r.self_refresh) {
    r.sr_cycles += s.self_refresh;
    r.self_refresh = false;
    if (low_power_log_ != nullptr) low_power_log_->push_back({r.self_refresh_since, t, rank, true});
    // Refresh resumes on its own grid: the first slot after the exit.
    const auto interval = static_cast<uint64_t>(d_.tREFI);
    r.refresh_due =
        r.refresh_grid + (t - std::min(t, r.refresh_grid) + interval - 1) / interval * interval;
    refresh_changed();
    exit = static_cast<uint64_t>(d_.tXS);
    ++stats_.self_refresh_exits;
  } else if (s.powerdown > 0) {
    (r.open_banks > 0 ? r.apd_cycles : r.ppd_cycles) += s.powerdown;
    if (low_power_log_ != nullptr) low_power_log_->push_back({t - s.powerdown, t, rank, false});
    exit = static_cast<uint64_t>(d_.tXP);
    ++stats_.powerdown_exits;
  } else {
    return;
  }
  // Every command to the rank waits the exit.
  const uint64_t ready = t + exit;
  const int per_rank = d_.banks_per_rank();
  for (int i = 0; i < per_rank; ++i) {
    Bank& b =
        banks_[static_cast<size_t>(rank) * static_cast<size_t>(per_rank) + static_cast<size_t>(i)];
    for (uint64_t* x : {&b.act_ready, &b.pre_ready, &b.rd_ready, &b.wr_ready}) {
      *x = std::max(*x, ready);
    }
  }
  for (uint64_t* x : {&r.act.ready, &r.rd_ready, &r.wr_ready}) *x = std::max(*x, ready);
  // Woken for a refresh, the rank is not busy: its idle time runs on toward self-refresh.
  if (for_request) busy(rank, ready);
}

void Channel::busy(int rank, uint64_t t) {
  Rank& r = ranks_[static_cast<size_t>(rank)];
  r.busy_until = std::max(r.busy_until, t);
}

uint64_t Channel::drain() {
  target_ = nullptr;
  run();
  return stats_.last_completion;
}

uint64_t Channel::settle(uint64_t transfer) {
  const auto it = std::find_if(transfers_.begin(), transfers_.end(),
                               [&](const Transfer& t) { return t.id == transfer; });
  if (it == transfers_.end()) return 0;
  target_ = &*it;
  run();
  target_ = nullptr;
  const uint64_t done = it->done;
  transfers_.erase(it);
  return done;
}

void Channel::run() {
  if (service_ == Service::streams) {
    run_streams();
    return;
  }
  while ((queued_ > 0 || !waiting_.empty()) && (target_ == nullptr || target_->left > 0)) {
    admit();
    note_refresh_due();
    const uint64_t due = refresh_soonest_;
    const bool pending = refresh_pending_;
    const bool room = !free_slots_.empty();
    const uint64_t next_arrival =
        room && !waiting_.empty() ? waiting_.front().next.arrival : kNever;
    if (queued_ == 0 && !pending) {
      advance(std::min(due, next_arrival));
      forget_repeats();
      continue;
    }
    Choice c;
    if (replaying_) c = replay_choice();
    if (!replaying_) c = choose();
    // A refresh falling due or a request arriving by then may change what is best.
    const uint64_t event = std::min(due, next_arrival);
    if (event <= c.cycle) {
      advance(event);
      forget_repeats();
      continue;
    }
    if (c.cycle == kNever) throw std::logic_error("DRAM channel: no command can issue");
    advance(c.cycle);
    issue(c);
    advance(c.cycle + 1);  // one command per cycle on the command bus
    if (c.kind == CommandKind::read || c.kind == CommandKind::write) {
      after_column(c);
    } else {
      forget_repeats();
    }
  }
}

void Channel::advance(uint64_t t) {
  if (t <= now_) return;
  stats_.queue_occupancy_sum += queued_ * (t - now_);
  now_ = t;
}

void Channel::work_out_floors() const {
  // What the other ranks' column commands impose (tRTRS): the largest over the other ranks.
  Largest rd, wr;
  for (int r = 0; r < d_.ranks; ++r) {
    rd.add(ranks_[static_cast<size_t>(r)].other_rd_ready, r);
    wr.add(ranks_[static_cast<size_t>(r)].other_wr_ready, r);
  }
  for (int r = 0; r < d_.ranks; ++r) {
    const Rank& rank = ranks_[static_cast<size_t>(r)];
    Floors& f = floors_[static_cast<size_t>(r)];
    f.read = std::max(std::max(now_, rank.rd_ready), rd.other_than(r));
    f.write = std::max(std::max(now_, rank.wr_ready), wr.other_than(r));
    f.activate = activate_floor(rank);
  }
}

Channel::Choice Channel::choose() const {
  work_out_floors();
  Choice best;
  if (in_order_) {  // the oldest request alone; each bank's oldest is its head
    int oldest = -1;
    for (const int bank : busy_banks_) {
      const int head = banks_[static_cast<size_t>(bank)].head;
      if (oldest < 0 ||
          requests_[static_cast<size_t>(head)].age < requests_[static_cast<size_t>(oldest)].age) {
        oldest = head;
      }
    }
    if (oldest >= 0 &&
        !ranks_[static_cast<size_t>(requests_[static_cast<size_t>(oldest)].rank)].refresh_pending) {
      consider_request(oldest, best);
    }
  } else {
    Candidate first = kNoCandidate;
    for (const int bank : busy_banks_) first = std::min(first, consider_bank(bank));
    if (first != kNoCandidate) best = choice_of(first);
  }
  // A refresh's commands count as the oldest: they go first among those of their cycle and
  // priority.
  consider_refreshes(best);
  return best;
}

Channel::Candidate Channel::candidate(uint64_t cycle, CommandKind kind, bool hit, int slot) const {
  const uint64_t low = priority_bits_[static_cast<int>(kind)][hit ? 1 : 0] |
                       requests_[static_cast<size_t>(slot)].age << kSlotBits |
                       static_cast<uint64_t>(slot);
  return static_cast<Candidate>(cycle) << 64 | low;
}

Channel::Choice Channel::choice_of(Candidate c) const {
  Choice best;
  best.request = static_cast<int>(static_cast<uint64_t>(c) & ((uint64_t{1} << kSlotBits) - 1));
  const Request& q = requests_[static_cast<size_t>(best.request)];
  const Bank& b = banks_[static_cast<size_t>(q.bank)];
  const bool hit = q.row == b.open_row;
  best.kind = hit              ? (q.write ? CommandKind::write : CommandKind::read)
              : b.open_row < 0 ? CommandKind::activate
                               : CommandKind::precharge;
  best.cycle = static_cast<uint64_t>(c >> 64);
  best.age = q.age;
  best.rank = q.rank;
  best.bank = q.bank;
  best.priority = priority(best.kind, hit);
  return best;
}

// All queued reads of a bank's open row would issue at the same cycle, and so would all its
// writes, and all its other requests (the same ACT or PRE): only the oldest of each can win.
// This runs once per busy bank and command: each candidate is one number, and the best is the
// smallest, without branching on which is better.
Channel::Candidate Channel::consider_bank(int bank) const {
  Candidate best = kNoCandidate;
  const Bank& b = banks_[static_cast<size_t>(bank)];
  const auto rank = static_cast<size_t>(b.rank);
  if (ranks_[rank].refresh_pending) return best;
  const Floors& f = floors_[rank];
  const Group& g = groups_[static_cast<size_t>(b.group)];
  if (const int slot = b.oldest[kRead]; slot >= 0) {
    const uint64_t cycle = std::max(std::max(f.read, b.rd_ready), g.rd_ready);
    best = std::min(best, candidate(cycle, CommandKind::read, true, slot));
  }
  if (const int slot = b.oldest[kWrite]; slot >= 0) {
    const uint64_t cycle = std::max(std::max(f.write, b.wr_ready), g.wr_ready);
    best = std::min(best, candidate(cycle, CommandKind::write, true, slot));
  }
  if (const int slot = b.oldest[kOther]; slot >= 0) {
    if (b.open_row < 0) {
      const uint64_t cycle = std::max(std::max(f.activate, b.act_ready), g.act_ready);
      best = std::min(best, candidate(cycle, CommandKind::activate, false, slot));
    } else if (closes_hit_rows_ || b.read_hits + b.write_hits == 0) {
      const uint64_t cycle = std::max(now_, b.pre_ready);
      best = std::min(best, candidate(cycle, CommandKind::precharge, false, slot));
    }
  }
  return best;
}

void Channel::consider_request(int slot, Choice& best) const {
  const Request& q = requests_[static_cast<size_t>(slot)];
  const Bank& b = banks_[static_cast<size_t>(q.bank)];
  Choice c;
  c.request = slot;
  c.age = q.age;
  c.rank = q.rank;
  c.bank = q.bank;
  if (b.open_row == q.row) {
    c.kind = q.write ? CommandKind::write : CommandKind::read;
    c.cycle = column_ready(q);
    c.priority = priority(c.kind, true);
  } else if (b.open_row < 0) {
    const Rank& r = ranks_[static_cast<size_t>(q.rank)];
    c.kind = CommandKind::activate;
    c.cycle = std::max(
        {activate_floor(r), b.act_ready, groups_[static_cast<size_t>(q.bankgroup)].act_ready});
    c.priority = priority(c.kind, false);
  } else {
    if (!closes_hit_rows_ && b.read_hits + b.write_hits > 0) return;
    c.kind = CommandKind::precharge;
    c.cycle = std::max(now_, b.pre_ready);
    c.priority = priority(c.kind, false);
  }
  if (before(c, best)) best = c;
}

void Channel::consider_refreshes(Choice& best) const {
  if (!refresh_pending_) return;
  for (int r = 0; r < d_.ranks; ++r) {
    if (!ranks_[static_cast<size_t>(r)].refresh_pending) continue;
    const Choice c = refresh_command(r, 0);
    if (before(c, best)) best = c;
  }
}

Channel::Choice Channel::refresh_command(int rank, int from) const {
  const int per_rank = d_.banks_per_rank();
  const auto first = static_cast<size_t>(rank) * static_cast<size_t>(per_rank);
  Choice c;
  c.rank = rank;
  c.kind = CommandKind::refresh;
  c.cycle = now_;
  for (int i = from; i < per_rank; ++i) {  // close the open banks first
    const Bank& b = banks_[first + static_cast<size_t>(i)];
    if (b.open_row < 0) continue;
    c.kind = CommandKind::precharge;
    c.bank = rank * per_rank + i;
    c.cycle = std::max(now_, b.pre_ready);
    break;
  }
  for (int i = 0; i < per_rank && c.kind == CommandKind::refresh; ++i) {
    // tRP after the last PRE, tRC after the last ACT
    c.cycle = std::max(c.cycle, banks_[first + static_cast<size_t>(i)].act_ready);
  }
  c.priority = priority(c.kind, false);
  return c;
}

uint64_t Channel::column_ready(const Request& q) const {
  const Bank& b = banks_[static_cast<size_t>(q.bank)];
  const Group& g = groups_[static_cast<size_t>(q.bankgroup)];
  const Floors& f = floors_[static_cast<size_t>(q.rank)];
  return q.write ? std::max({f.write, b.wr_ready, g.wr_ready})
                 : std::max({f.read, b.rd_ready, g.rd_ready});
}

void Channel::issue(const Choice& c) {
  const uint64_t t = c.cycle;
  if (c.request < 0) {  // refresh: close a bank or refresh the rank
    if (c.kind == CommandKind::refresh) {
      refresh(c.rank, t);
    } else {
      precharge(c.bank, t, false);
    }
    return;
  }
  Request& q = requests_[static_cast<size_t>(c.request)];
  switch (c.kind) {
    case CommandKind::activate:
      if (!q.counted) ++stats_.row_misses;
      q.counted = true;
      activate(q.bank, q.row, t);
      break;
    case CommandKind::precharge:
      if (!q.counted) ++stats_.row_conflicts;
      q.counted = true;
      precharge(q.bank, t, false);
      busy(q.rank, t);
      break;
    default: column(c.request, t); break;
  }
}

void Channel::activate(int bank, int64_t row, uint64_t t) {
  Bank& b = banks_[static_cast<size_t>(bank)];
  b.open_row = row;
  recount(b);
  const int rank = bank / d_.banks_per_rank();
  const int group = bank / d_.banks_per_group;
  b.rd_ready = t + static_cast<uint64_t>(d_.tRCD_read);
  b.wr_ready = t + static_cast<uint64_t>(d_.tRCD_write);
  b.pre_ready = std::max(b.pre_ready, t + static_cast<uint64_t>(d_.tRAS));
  b.act_ready = std::max(b.act_ready, t + static_cast<uint64_t>(d_.tRC));
  Group& g = groups_[static_cast<size_t>(group)];
  g.act_ready = std::max(g.act_ready, t + static_cast<uint64_t>(d_.tRRD_L));
  Rank& r = ranks_[static_cast<size_t>(rank)];
  r.act.record(t, static_cast<uint64_t>(d_.tRRD_S));
  rank_open(r, t);
  busy(rank, t);
  ++stats_.activates;
  log(t, CommandKind::activate, bank, row, false);
}

void Channel::precharge(int bank, uint64_t t, bool automatic) {
  Bank& b = banks_[static_cast<size_t>(bank)];
  const int64_t row = b.open_row;
  b.open_row = -1;
  recount(b);
  // A turn's rows stay open until one of its banks closes.
  const uint64_t bit = uint64_t{1} << (static_cast<unsigned>(bank) % 64);
  serving_.rows_open = serving_.rows_open && (serving_.banks & bit) == 0;
  upcoming_.rows_open = upcoming_.rows_open && (upcoming_.banks & bit) == 0;
  b.act_ready = std::max(b.act_ready, t + static_cast<uint64_t>(d_.tRP));
  rank_close(ranks_[static_cast<size_t>(bank / d_.banks_per_rank())], t);
  ++stats_.precharges;
  log(t, CommandKind::precharge, bank, row, automatic);
}

void Channel::column(int index, uint64_t t) {
  // The slot is freed here but not reused before the next admission.
  const Request& q = requests_[static_cast<size_t>(index)];
  unlink(index);
  Bank& b = banks_[static_cast<size_t>(q.bank)];
  --(q.write ? b.write_hits : b.read_hits);
  serve(q, t, b.read_hits + b.write_hits);
}

void Channel::serve(const Request& q, uint64_t t, int queued_row_hits) {
  const uint64_t done = column_constraints(q.bank, q.bankgroup, q.rank, q.write, t);
  Bank& b = banks_[static_cast<size_t>(q.bank)];
  if (q.write) {
    ++stats_.writes;
    if (!q.counted) ++stats_.write_row_hits;
  } else {
    ++stats_.reads;
    if (!q.counted) ++stats_.read_row_hits;
    const uint64_t latency = done - q.arrival;
    stats_.read_latency_sum += latency;
    stats_.read_latency_max = std::max(stats_.read_latency_max, latency);
  }
  stats_.last_completion = std::max(stats_.last_completion, done);
  if (q.transfer != 0) {
    if (Transfer* served = find_transfer(q.transfer)) {
      --served->left;
      served->done = std::max(served->done, done);
    }
  }
  busy(q.rank, done);
  log(t, q.write ? CommandKind::write : CommandKind::read, q.bank, q.row, false);
  // The column command may carry an auto-precharge (closed page): the device precharges as soon
  // as tRAS, tRTP or tWR allow, without a command.
  if (!open_page_ && policies_.page->close_after_column(queued_row_hits)) {
    precharge(q.bank, b.pre_ready, true);
  }
}

uint64_t Channel::column_constraints(int bank, int bankgroup, int rank, bool write, uint64_t t) {
  Bank& b = banks_[static_cast<size_t>(bank)];
  Group& g = groups_[static_cast<size_t>(bankgroup)];
  Rank& r = ranks_[static_cast<size_t>(rank)];
  const int rl = d_.read_latency(), wl = d_.write_latency();
  if (write) {
    b.pre_ready = std::max(b.pre_ready, t + static_cast<uint64_t>(write_to_pre_));
    g.wr_ready = std::max(g.wr_ready, t + static_cast<uint64_t>(write_to_write_l_));
    g.rd_ready = std::max(g.rd_ready, t + static_cast<uint64_t>(write_to_read_l_));
    r.wr_ready = std::max(r.wr_ready, t + static_cast<uint64_t>(write_to_write_s_));
    r.rd_ready = std::max(r.rd_ready, t + static_cast<uint64_t>(write_to_read_s_));
    r.other_wr_ready = std::max(r.other_wr_ready, after(t, burst_ + d_.tRTRS));
    r.other_rd_ready = std::max(r.other_rd_ready, after(t, wl + burst_ + d_.tRTRS - rl));
    return data_end(true, t);
  }
  b.pre_ready = std::max(b.pre_ready, t + static_cast<uint64_t>(read_to_pre_));
  g.rd_ready = std::max(g.rd_ready, t + static_cast<uint64_t>(read_to_read_l_));
  g.wr_ready = std::max(g.wr_ready, t + static_cast<uint64_t>(read_to_write_));
  r.rd_ready = std::max(r.rd_ready, t + static_cast<uint64_t>(read_to_read_s_));
  r.wr_ready = std::max(r.wr_ready, t + static_cast<uint64_t>(read_to_write_));
  r.other_rd_ready = std::max(r.other_rd_ready, after(t, burst_ + d_.tRTRS));
  r.other_wr_ready = std::max(r.other_wr_ready, t + static_cast<uint64_t>(read_to_write_));
  return data_end(false, t);
}

void Channel::recount(Bank& b) const {
  b.read_hits = b.write_hits = 0;
  b.oldest[kRead] = b.oldest[kWrite] = b.oldest[kOther] = -1;
  for (int s = b.head; s >= 0; s = requests_[static_cast<size_t>(s)].next) {
    const Request& q = requests_[static_cast<size_t>(s)];
    if (q.row == b.open_row) ++(q.write ? b.write_hits : b.read_hits);
    if (b.oldest[kind_of(b, q)] < 0) b.oldest[kind_of(b, q)] = s;
  }
}

void Channel::unlink(int slot) {
  const Request& q = requests_[static_cast<size_t>(slot)];
  Bank& b = banks_[static_cast<size_t>(q.bank)];
  const int prev = q.prev;
  (prev < 0 ? b.head : requests_[static_cast<size_t>(prev)].next) = q.next;
  if (q.next >= 0) requests_[static_cast<size_t>(q.next)].prev = prev;
  // The next oldest of its kind (a row hit, since only column commands leave the queue).
  const int kind = kind_of(b, q);
  if (b.oldest[kind] == slot) {
    b.oldest[kind] = -1;
    for (int s = q.next; s >= 0; s = requests_[static_cast<size_t>(s)].next) {
      if (kind_of(b, requests_[static_cast<size_t>(s)]) == kind) {
        b.oldest[kind] = s;
        break;
      }
    }
  }
  if (b.tail == slot) b.tail = prev;
  --b.queued;
  --queued_;
  --ranks_[static_cast<size_t>(q.rank)].queued;
  free_slots_.push_back(slot);
  if (b.queued == 0) {  // leaves the busy list: the last busy bank takes its place
    const int at = busy_index_[static_cast<size_t>(q.bank)];
    busy_banks_[static_cast<size_t>(at)] = busy_banks_.back();
    busy_index_[static_cast<size_t>(busy_banks_.back())] = at;
    busy_banks_.pop_back();
    busy_index_[static_cast<size_t>(q.bank)] = -1;
  }
}

void Channel::refresh(int rank, uint64_t t) {
  Rank& r = ranks_[static_cast<size_t>(rank)];
  const int per_rank = d_.banks_per_rank();
  const uint64_t end = t + static_cast<uint64_t>(d_.tRFC);
  for (int i = 0; i < per_rank; ++i) {
    Bank& b =
        banks_[static_cast<size_t>(rank) * static_cast<size_t>(per_rank) + static_cast<size_t>(i)];
    b.act_ready = std::max(b.act_ready, end);
  }
  r.refresh_pending = false;
  r.refresh_due += static_cast<uint64_t>(d_.tREFI);
  refresh_changed();
  r.refresh_until = end;
  // IDD5 is measured above active standby: the rank counts as active while it refreshes.
  rank_open(r, t);
  rank_close(r, end);
  ++stats_.refreshes;
  log(t, CommandKind::refresh, rank * per_rank, -1, false);
}

void Channel::rank_open(Rank& r, uint64_t t) {
  if (r.open_banks == 0) {
    if (t >= r.active_until) {  // a new active period; the last one has ended
      r.active_cycles += r.active_until - r.active_start;
      r.active_start = t;
    }
    r.active_until = kNever;
  }
  ++r.open_banks;
}

void Channel::rank_close(Rank& r, uint64_t t) {
  --r.open_banks;
  r.last_close = std::max(r.last_close, t);
  if (r.open_banks == 0) r.active_until = r.last_close;
}

void Channel::log(uint64_t t, CommandKind kind, int bank, int64_t row, bool automatic) {
  if (log_ == nullptr) return;
  const int per_rank = d_.banks_per_rank();
  const int in_rank = bank % per_rank;
  IssuedCommand c{
      t,   kind,     bank / per_rank, in_rank / d_.banks_per_group, in_rank % d_.banks_per_group,
      row, automatic};
  if (kind == CommandKind::refresh) c.bankgroup = c.bank = -1;
  log_->push_back(c);
}

ChannelStats Channel::stats(uint64_t until) const {
  ChannelStats s = stats_;
  // Count times energy, not a running sum: the same to the last bit however the commands were
  // counted (one by one, or a skipped stream's repeats at once).
  s.act_pj = static_cast<double>(s.activates) * act_pj_;
  s.pre_pj = static_cast<double>(s.precharges) * pre_pj_;
  s.rd_pj = static_cast<double>(s.reads) * rd_pj_;
  s.wr_pj = static_cast<double>(s.writes) * wr_pj_;
  s.ref_pj = static_cast<double>(s.refreshes) * ref_pj_;
  until = std::max(until, s.last_completion);
  for (const Rank& r : ranks_) {
    uint64_t active = r.active_cycles;
    const uint64_t end = std::min(until, r.active_until);
    if (end > r.active_start) active += end - r.active_start;
    active = std::min(active, until);
    uint64_t idle = until - active;
    uint64_t apd = r.apd_cycles, ppd = r.ppd_cycles, sr = r.sr_cycles;
    // Past power-down with a bank open replaced active standby; the rest replaced precharge
    // standby (banks close before self-refresh).
    uint64_t from_active = apd, from_idle = ppd + sr;
    if (r.queued == 0 && !r.refresh_pending) {  // asleep at the end, banks as they are
      const Sleep z = sleep_by(r, until);
      (r.open_banks > 0 ? apd : ppd) += z.powerdown;
      sr += z.self_refresh;
      (r.open_banks > 0 ? from_active : from_idle) += z.powerdown + z.self_refresh;
    }
    from_active = std::min(from_active, active);
    from_idle = std::min(from_idle, idle);
    active -= from_active;
    idle -= from_idle;
    s.active_standby_cycles += active;
    s.precharge_standby_cycles += idle;
    s.active_powerdown_cycles += apd;
    s.precharge_powerdown_cycles += ppd;
    s.self_refresh_cycles += sr;
    s.active_standby_pj += static_cast<double>(active) * active_pj_per_cycle_;
    s.precharge_standby_pj += static_cast<double>(idle) * idle_pj_per_cycle_;
    s.active_powerdown_pj += static_cast<double>(apd) * apd_pj_per_cycle_;
    s.precharge_powerdown_pj += static_cast<double>(ppd) * ppd_pj_per_cycle_;
    s.self_refresh_pj += static_cast<double>(sr) * sr_pj_per_cycle_;
  }
  s.background_pj = s.active_standby_pj + s.precharge_standby_pj + s.active_powerdown_pj +
                    s.precharge_powerdown_pj + s.self_refresh_pj;
  return s;
}

}  // namespace tessera::ddr
