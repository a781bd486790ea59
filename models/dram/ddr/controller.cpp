#include "models/dram/ddr/controller.h"

#include <algorithm>

namespace tessera::ddr {
namespace {

// DRAMSim3 starts draining writes when more than this many are buffered and nothing else is
// queued for the device (a constant of its controller, not a key of the file).
constexpr size_t kWriteDrainThreshold = 8;
// A row that has served this many column commands may be closed for an older request to another
// row even while queued requests still hit it (DRAMSim3's starvation cap).
constexpr int kRowHitCap = 4;

// The bits of a 64-slot wheel mask turned by `by` slots: bit i moves to bit (i + by) % 64.
uint64_t rotate_left(uint64_t bits, uint64_t by) {
  by %= 64;
  return by == 0 ? bits : bits << by | bits >> (64 - by);
}

// The wheel's slots of the `count` cycles after `cycle` (count at most 64).
uint64_t slots_after(uint64_t cycle, uint64_t count) {
  const uint64_t run = count >= 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
  return rotate_left(run, cycle + 1);
}

void at_least(uint64_t& ready, uint64_t t, int gap) {
  ready = std::max(ready, t + static_cast<uint64_t>(std::max(0, gap)));
}

}  // namespace

Controller::Controller(const Device& device, Stepping stepping)
    : d_(device),
      every_cycle_(stepping == Stepping::every_cycle),
      open_page_(device.open_page),
      burst_(device.burst_cycles()),
      banks_per_rank_(device.banks_per_rank()),
      num_queues_(device.queue_structure == Device::QueueStructure::per_bank
                      ? device.ranks * device.banks_per_rank()
                      : device.ranks) {
  const int rl = d_.read_latency(), wl = d_.write_latency();
  read_delay_ = rl + burst_;
  const int write_delay = wl + burst_;
  const bool groups = d_.bankgroups > 1;  // without bank groups the short figures apply
  rr_s_ = std::max(burst_, d_.tCCD_S);
  rr_l_ = groups ? std::max(burst_, d_.tCCD_L) : rr_s_;
  rr_o_ = burst_ + d_.tRTRS;
  rw_ = rl + burst_ - wl + d_.tRTRS;
  rw_o_ = read_delay_ + burst_ + d_.tRTRS - write_delay;
  wr_s_ = write_delay + d_.tWTR_S;
  wr_l_ = groups ? write_delay + d_.tWTR_L : wr_s_;
  wr_o_ = write_delay + burst_ + d_.tRTRS - read_delay_;
  ww_s_ = rr_s_;
  ww_l_ = rr_l_;
  ww_o_ = burst_;
  read_to_pre_ = d_.AL + d_.tRTP;
  write_to_pre_ = wl + burst_ + d_.tWR;
  refresh_interval_ = static_cast<uint64_t>(
      d_.refresh_policy == Device::RefreshPolicy::rank_staggered ? d_.tREFI / d_.ranks : d_.tREFI);
  refresh_interval_ = std::max<uint64_t>(refresh_interval_, 1);
  next_refresh_ = refresh_interval_;

  const double scale = d_.VDD * d_.tck_ns * d_.devices_per_rank();
  act_pj_ = (d_.IDD0 - d_.IDD3N) * d_.tRAS * scale;
  pre_pj_ = (d_.IDD0 - d_.IDD2N) * d_.tRP * scale;
  rd_pj_ = (d_.IDD4R - d_.IDD3N) * burst_ * scale;
  wr_pj_ = (d_.IDD4W - d_.IDD3N) * burst_ * scale;
  ref_pj_ = (d_.IDD5AB - d_.IDD3N) * d_.tRFC * scale;
  active_pj_per_cycle_ = d_.IDD3N * scale;
  idle_pj_per_cycle_ = d_.IDD2N * scale;

  banks_.resize(static_cast<size_t>(d_.ranks) * static_cast<size_t>(banks_per_rank_));
  groups_.resize(static_cast<size_t>(d_.ranks) * static_cast<size_t>(d_.bankgroups));
  for (size_t i = 0; i < banks_.size(); ++i) {
    banks_[i].group = static_cast<int>(i) / d_.banks_per_group;
    banks_[i].rank = static_cast<int>(i) / banks_per_rank_;
  }
  ranks_.resize(static_cast<size_t>(d_.ranks));
  queues_.resize(static_cast<size_t>(num_queues_));
  queue_wait_.assign(static_cast<size_t>(num_queues_), 0);
  rank_queues_.assign(static_cast<size_t>(d_.ranks), 0);
  for (int q = 0; q < num_queues_; ++q) {
    queue_rank_.push_back(
        device.queue_structure == Device::QueueStructure::per_bank ? q / banks_per_rank_ : q);
    if (q < 64) rank_queues_[static_cast<size_t>(queue_rank_.back())] |= uint64_t{1} << q;
  }
  const auto capacity = static_cast<size_t>(d_.queue_size);
  read_queue_.reserve(capacity);
  write_buffer_.reserve(capacity);
}

bool Controller::will_accept(bool write) const {
  const auto capacity = static_cast<size_t>(d_.queue_size);
  if (d_.unified_queue) return read_queue_.size() < capacity;
  return write ? write_buffer_.size() < capacity : read_queue_.size() < capacity;
}

void Controller::add(uint64_t address, const Location& at, bool write) {
  stalled_until_ = 0;
  const int group = at.rank * d_.bankgroups + at.bankgroup;
  Request r{};
  r.address = address;
  r.added = clk_;
  r.bank = group * d_.banks_per_group + at.bank;
  r.rank = at.rank;
  r.group = group;
  r.row = at.row;
  r.column = at.column;
  r.write = write;
  if (write) {
    // A write to an address already buffered replaces its data: nothing more reaches the device.
    if (pending(address, queue_of(r), true) != nullptr) {
      ++stats_.writes;
      return;
    }
    (d_.unified_queue ? read_queue_ : write_buffer_).push_back(r);
    ++address_count_[address_slot(address)];
    return;
  }
  if (pending(address, queue_of(r), true) != nullptr) {  // the buffered write's data answers
    ++stats_.reads;
    stats_.read_latency_sum += 1;
    stats_.read_latency_max = std::max<uint64_t>(stats_.read_latency_max, 1);
    stats_.last_completion = std::max(stats_.last_completion, clk_ + 1);
    return;
  }
  if (Request* first = pending(address, queue_of(r), false)) {  // returns with the first
    ++first->merged;
    first->merged_added += clk_;
    return;
  }
  read_queue_.push_back(r);
  ++address_count_[address_slot(address)];
}

Controller::Request* Controller::pending(uint64_t address, int queue, bool write) {
  if (address_count_[address_slot(address)] == 0) return nullptr;
  const auto find = [&](std::vector<Request>& in) -> Request* {
    for (Request& r : in) {
      if (r.address == address && r.write == write) return &r;
    }
    return nullptr;
  };
  Request* r = find(write && !d_.unified_queue ? write_buffer_ : read_queue_);
  return r != nullptr ? r : find(queues_[static_cast<size_t>(queue)]);
}

bool Controller::done() const {
  return read_queue_.empty() && write_buffer_.empty() && queued_commands_ == 0 &&
         !std::any_of(ranks_.begin(), ranks_.end(),
                      [](const Rank& r) { return r.refresh_waiting; });
}

uint64_t Controller::next_event() const {
  if (!read_queue_.empty() || !write_buffer_.empty() || queued_commands_ > 0 ||
      !refresh_order_.empty()) {
    return std::max(clk_, stalled_until_);  // stalled_until_ stays 0 when stepping every cycle
  }
  if (every_cycle_) return clk_;
  // The next refresh: the first multiple of the interval from now on, never cycle 0.
  const uint64_t k = std::max<uint64_t>(1, (clk_ + refresh_interval_ - 1) / refresh_interval_);
  return k * refresh_interval_;
}

uint64_t Controller::next_change() const {
  // The commands looked at by the last pick (every queue but a refreshing rank's, which waits
  // for the refresh), the refresh waiting, and the next one's due time.
  uint64_t next = std::min(soonest_, next_refresh_);
  if (num_queues_ <= 64) next = std::min(next, soonest_wait());
  if (!refresh_order_.empty()) {
    const int rank = refresh_order_.front();
    for (int i = 0; i < banks_per_rank_; ++i) {
      const int bank = rank * banks_per_rank_ + i;
      const Bank& b = banks_[static_cast<size_t>(bank)];
      const uint64_t t = ready_at(b.open_row >= 0 ? kPre : kRef, bank);
      if (t > clk_) next = std::min(next, t);
    }
  }
  return next;
}

void Controller::run_until(uint64_t cycle) {
  while (clk_ < cycle) {
    const uint64_t e = next_event();
    if (e > clk_) {
      const uint64_t to = std::min(e, cycle);
      stats_.queue_occupancy_sum +=
          (read_queue_.size() + write_buffer_.size() + queued_commands_) * (to - clk_);
      clk_ = to;
      continue;
    }
    tick();
  }
}

int Controller::queue_of(const Request& r) const {
  return d_.queue_structure == Device::QueueStructure::per_bank ? r.bank : r.rank;
}

Controller::Cmd Controller::needed(const Request& r) const {
  const Bank& b = banks_[static_cast<size_t>(r.bank)];
  if (b.open_row < 0) return kAct;
  if (b.open_row != r.row) return kPre;
  return r.write ? kWrite : kRead;
}

bool Controller::ready(Cmd c, const Request& r) const {
  uint64_t at = ready_at(c, r.bank);
  if (c == kAct) {
    const std::vector<uint64_t>& faw = ranks_[static_cast<size_t>(r.rank)].faw;
    if (faw.size() >= 4) at = std::max(at, faw[faw.size() - 4] + static_cast<uint64_t>(d_.tFAW));
  }
  if (at <= clk_) return true;
  soonest_ = std::min(soonest_, at);
  return false;
}

bool Controller::precharge_allowed(const std::vector<Request>& q, size_t i) const {
  const Request& r = q[i];
  for (size_t j = 0; j < i; ++j) {
    if (q[j].bank == r.bank) return false;  // only the bank's oldest command may close its row
  }
  const Bank& b = banks_[static_cast<size_t>(r.bank)];
  if (b.column_commands >= kRowHitCap) return true;
  for (size_t j = i; j < q.size(); ++j) {
    if (q[j].bank == r.bank && q[j].row == b.open_row) return false;
  }
  return true;
}

int Controller::first_ready(const std::vector<Request>& q, Cmd& cmd) const {
  // The order rules come before the timing: a command they hold back can only go after this
  // queue changes, which looks at it again, so its timing need not count towards the wait.
  for (size_t i = 0; i < q.size(); ++i) {
    const Cmd c = needed(q[i]);
    if (c == kPre && !precharge_allowed(q, i)) continue;
    if (c == kWrite) {  // a write stays behind an older read of the same location
      bool behind_read = false;
      for (size_t j = 0; j < i && !behind_read; ++j) {
        behind_read = !q[j].write && q[j].bank == q[i].bank && q[j].row == q[i].row &&
                      q[j].column == q[i].column;
      }
      if (behind_read) continue;
    }
    if (!ready(c, q[i])) {
      // A per-bank queue's requests all wait for the same ACT of its closed bank.
      if (c == kAct && d_.queue_structure == Device::QueueStructure::per_bank) return -1;
      continue;
    }
    cmd = c;
    return static_cast<int>(i);
  }
  return -1;
}

void Controller::set_wait(int queue, uint64_t until) {
  queue_wait_[static_cast<size_t>(queue)] = until;
  if (num_queues_ > 64) return;
  const uint64_t bit = uint64_t{1} << queue;
  if (until <= clk_) {
    waiting_ &= ~bit;
    return;
  }
  waiting_ |= bit;
  if (until - swept_ < kWheelSlots) {
    wheel_[until % kWheelSlots] |= bit;
    wheel_used_ |= uint64_t{1} << (until % kWheelSlots);
  } else {
    far_ |= bit;
    far_min_ = std::min(far_min_, until);
  }
}

void Controller::expire_waits() {
  // A wheel slot holds waits ending within kWheelSlots cycles after the sweep, so each slot
  // passed since then is for exactly one cycle, now past. A queue's wait may have changed since
  // it was entered: queue_wait_ is the truth, an entry only says when to look.
  const auto expire = [&](uint64_t bits) {
    for (bits &= waiting_; bits != 0; bits &= bits - 1) {
      const int q = __builtin_ctzll(bits);
      if (queue_wait_[static_cast<size_t>(q)] <= clk_) waiting_ &= ~(uint64_t{1} << q);
    }
  };
  const uint64_t passed = std::min<uint64_t>(clk_ - swept_, kWheelSlots);
  for (uint64_t slots = wheel_used_ & slots_after(swept_, passed); slots != 0; slots &= slots - 1) {
    const int slot = __builtin_ctzll(slots);
    expire(wheel_[static_cast<size_t>(slot)]);
    wheel_[static_cast<size_t>(slot)] = 0;
    wheel_used_ &= ~(uint64_t{1} << slot);
  }
  swept_ = clk_;
  if (clk_ < far_min_) return;
  expire(far_);
  far_ &= waiting_;
  far_min_ = UINT64_MAX;
  for (uint64_t bits = far_; bits != 0; bits &= bits - 1) {
    far_min_ = std::min(far_min_, queue_wait_[static_cast<size_t>(__builtin_ctzll(bits))]);
  }
}

uint64_t Controller::soonest_wait() const {
  // The used slots in the order of their cycles: bit k of `order` is the cycle swept_ + 1 + k.
  uint64_t order = rotate_left(wheel_used_, kWheelSlots - (swept_ + 1) % kWheelSlots);
  order &= ~uint64_t{0} >> 1;  // the cycles up to swept_ + kWheelSlots - 1
  for (; order != 0; order &= order - 1) {
    const uint64_t t = swept_ + 1 + static_cast<uint64_t>(__builtin_ctzll(order));
    if (t >= far_min_) break;
    for (uint64_t bits = wheel_[t % kWheelSlots] & waiting_; bits != 0; bits &= bits - 1) {
      if (queue_wait_[static_cast<size_t>(__builtin_ctzll(bits))] == t) return t;
    }
  }
  return far_min_;
}

bool Controller::pick(int& queue, int& index, Cmd& cmd) {
  const int refreshing = refresh_order_.empty() ? -1 : refresh_order_.front();
  // Looks at one queue: true when it has a command ready (which then wins); else the queue waits
  // for the soonest of its commands (soonest_).
  const auto look = [&](int q) {
    soonest_ = UINT64_MAX;
    index = first_ready(queues_[static_cast<size_t>(q)], cmd);
    if (index < 0) {
      set_wait(q, soonest_);
      return false;
    }
    queue = queue_index_ = q;
    return true;
  };
  if (num_queues_ <= 64 && !every_cycle_) {
    // The queues still waiting are skipped without a look (next_change() counts their waits),
    // and so are the refreshing rank's.
    // No queue looked at leaves no wait of its own: next_change() then counts the wheel's.
    soonest_ = UINT64_MAX;
    expire_waits();
    uint64_t candidates = nonempty_ & ~waiting_;
    if (refreshing >= 0) candidates &= ~rank_queues_[static_cast<size_t>(refreshing)];
    // Round robin over the non-empty queues only, starting after the last one picked: an empty
    // queue has nothing to give, and a full circle leaves the position where it was.
    const int start = queue_index_ + 1 == num_queues_ ? 0 : queue_index_ + 1;
    const uint64_t from_start = candidates & (~uint64_t{0} << start);
    for (uint64_t part = from_start; part != 0; part &= part - 1) {
      if (look(__builtin_ctzll(part))) return true;
    }
    for (uint64_t part = candidates & ~from_start; part != 0; part &= part - 1) {
      if (look(__builtin_ctzll(part))) return true;
    }
    return false;
  }
  // Every queue in turn; the soonest of all their waits is left in soonest_ for next_change().
  uint64_t soonest = UINT64_MAX;
  for (int i = 0; i < num_queues_; ++i) {
    const int q = (queue_index_ + 1 + i) % num_queues_;
    if (queue_rank_[static_cast<size_t>(q)] == refreshing) continue;
    const uint64_t wait = queue_wait_[static_cast<size_t>(q)];
    if (wait > clk_ && !every_cycle_) {
      soonest = std::min(soonest, wait);
      continue;
    }
    if (look(q)) return true;
    soonest = std::min(soonest, soonest_);
  }
  soonest_ = soonest;
  return false;
}

void Controller::open_bank(int bank, int64_t row) {
  Bank& b = banks_[static_cast<size_t>(bank)];
  b.open_row = row;
  b.column_commands = 0;
  Rank& r = ranks_[static_cast<size_t>(bank / banks_per_rank_)];
  if (r.open_banks++ == 0) r.open_since = clk_;
}

void Controller::close_bank(int bank) {
  Bank& b = banks_[static_cast<size_t>(bank)];
  if (b.open_row < 0) return;
  b.open_row = -1;
  b.column_commands = 0;
  Rank& r = ranks_[static_cast<size_t>(bank / banks_per_rank_)];
  if (--r.open_banks == 0) r.active_cycles += clk_ - r.open_since;
}

// Each constraint is kept at the widest scope it applies to (a bank, its bank group, its rank,
// or the other ranks); a command's earliest cycle is the latest of its bank's scopes. Where a
// narrower scope gets a constraint at least as long at the same time (tRC over tRRD_L, tCCD_L
// over tCCD_S), applying the wider one to it as well changes nothing.
uint64_t Controller::ready_at(Cmd c, int bank) const {
  const Bank& b = banks_[static_cast<size_t>(bank)];
  const Rank& r = ranks_[static_cast<size_t>(b.rank)];
  return std::max(
      {b.ready[c], groups_[static_cast<size_t>(b.group)][c], r.ready[c], r.from_others[c]});
}

void Controller::update_timing(Cmd c, const Request& r) {
  const uint64_t t = clk_;
  Rank& rank = ranks_[static_cast<size_t>(r.rank)];
  switch (c) {
    case kRead:
    case kWrite: {
      const bool read = c == kRead;
      uint64_t* group = groups_[static_cast<size_t>(r.group)].data();
      at_least(group[kRead], t, read ? rr_l_ : wr_l_);
      at_least(group[kWrite], t, read ? rw_ : ww_l_);
      at_least(rank.ready[kRead], t, read ? rr_s_ : wr_s_);
      at_least(rank.ready[kWrite], t, read ? rw_ : ww_s_);
      for (size_t o = 0; o < ranks_.size(); ++o) {
        if (static_cast<int>(o) == r.rank) continue;
        at_least(ranks_[o].from_others[kRead], t, read ? rr_o_ : wr_o_);
        at_least(ranks_[o].from_others[kWrite], t, read ? rw_o_ : ww_o_);
      }
      Bank& b = banks_[static_cast<size_t>(r.bank)];
      at_least(b.ready[kPre], t, read ? read_to_pre_ : write_to_pre_);
      if (!open_page_) {  // the column command precharges the bank itself
        at_least(b.ready[kAct], t,
                 read ? d_.AL + burst_ + d_.tRTP + d_.tRP : write_to_pre_ + d_.tRP);
        at_least(b.ready[kRef], t, (read ? read_to_pre_ : write_to_pre_) + d_.tRP);
      }
      break;
    }
    case kAct: {
      Bank& b = banks_[static_cast<size_t>(r.bank)];
      at_least(b.ready[kAct], t, d_.tRC);
      at_least(b.ready[kRead], t, d_.tRCD_read - d_.AL);
      at_least(b.ready[kWrite], t, d_.tRCD_write - d_.AL);
      at_least(b.ready[kPre], t, d_.tRAS);
      at_least(groups_[static_cast<size_t>(r.group)][kAct], t,
               d_.bankgroups > 1 ? d_.tRRD_L : d_.tRRD_S);
      at_least(rank.ready[kAct], t, d_.tRRD_S);
      break;
    }
    case kPre: {
      Bank& b = banks_[static_cast<size_t>(r.bank)];
      at_least(b.ready[kAct], t, d_.tRP);
      at_least(b.ready[kRef], t, d_.tRP);
      if (d_.tPPD > 0) at_least(rank.ready[kPre], t, d_.tPPD);
      break;
    }
    case kRef:
      at_least(rank.ready[kAct], t, d_.tRFC);
      at_least(rank.ready[kRef], t, d_.tRFC);
      break;
    case kCmds: break;
  }
}

void Controller::issue(int queue, int index, Cmd cmd) {
  execute(queue, index, cmd);
  set_wait(queue, next_possible(queue));
}

uint64_t Controller::next_possible(int queue) const {
  // A per-bank queue's commands all go to its bank, which needs an ACT when closed and a PRE, RD
  // or WR when open: none of its commands can issue before the soonest of these is ready. (A
  // per-rank queue is simply looked at again.)
  if (d_.queue_structure != Device::QueueStructure::per_bank ||
      queues_[static_cast<size_t>(queue)].empty()) {
    return 0;
  }
  if (banks_[static_cast<size_t>(queue)].open_row < 0) return ready_at(kAct, queue);
  return std::min({ready_at(kPre, queue), ready_at(kRead, queue), ready_at(kWrite, queue)});
}

void Controller::execute(int queue, int index, Cmd cmd) {
  std::vector<Request>& q = queues_[static_cast<size_t>(queue)];
  const Request r = q[static_cast<size_t>(index)];
  Bank& b = banks_[static_cast<size_t>(r.bank)];
  update_timing(cmd, r);
  switch (cmd) {
    case kAct: {
      ++stats_.activates;
      stats_.act_pj += act_pj_;
      open_bank(r.bank, r.row);
      std::vector<uint64_t>& faw = ranks_[static_cast<size_t>(r.rank)].faw;
      faw.push_back(clk_);
      if (faw.size() > 4) faw.erase(faw.begin());
      return;
    }
    case kPre:
      ++stats_.precharges;
      ++stats_.row_conflicts;
      stats_.pre_pj += pre_pj_;
      close_bank(r.bank);
      return;
    case kRead:
    case kWrite: break;
    default: return;
  }
  const bool hit = b.column_commands > 0;
  ++b.column_commands;
  if (cmd == kRead) {
    if (hit) ++stats_.read_row_hits;
    stats_.rd_pj += rd_pj_;
    const uint64_t complete = clk_ + static_cast<uint64_t>(read_delay_);
    const uint64_t served = 1 + r.merged;
    stats_.reads += served;
    stats_.read_latency_sum += served * complete - r.added - r.merged_added;
    stats_.read_latency_max = std::max(stats_.read_latency_max, complete - r.added);
    stats_.last_completion = std::max(stats_.last_completion, complete);
  } else {
    if (hit) ++stats_.write_row_hits;
    ++stats_.writes;
    stats_.wr_pj += wr_pj_;
    stats_.last_completion =
        std::max(stats_.last_completion, clk_ + static_cast<uint64_t>(d_.write_latency() + burst_));
  }
  if (!hit) ++stats_.row_misses;
  if (!open_page_) {  // RDA / WRA
    ++stats_.precharges;
    stats_.pre_pj += pre_pj_;
    close_bank(r.bank);
  }
  --address_count_[address_slot(r.address)];
  q.erase(q.begin() + index);
  if (q.empty() && num_queues_ <= 64) nonempty_ &= ~(uint64_t{1} << queue);
  --queued_commands_;
}

bool Controller::finish_refresh() {
  const int rank = refresh_order_.front();
  int ready_banks = 0;
  for (int i = 0; i < banks_per_rank_; ++i) {
    const int bank = rank * banks_per_rank_ + i;
    Bank& b = banks_[static_cast<size_t>(bank)];
    if (b.open_row >= 0) {
      if (clk_ >= ready_at(kPre, bank)) {
        Request r{};
        r.bank = bank;
        r.rank = rank;
        r.group = bank / d_.banks_per_group;
        update_timing(kPre, r);
        ++stats_.precharges;
        stats_.pre_pj += pre_pj_;
        close_bank(bank);
        set_wait(queue_of(r), 0);
        return true;
      }
      continue;
    }
    if (clk_ >= ready_at(kRef, bank)) ++ready_banks;
  }
  if (ready_banks < banks_per_rank_) return false;
  Request r{};
  r.rank = rank;
  r.bank = -1;
  r.group = -1;
  update_timing(kRef, r);
  ++stats_.refreshes;
  stats_.ref_pj += ref_pj_;
  ranks_[static_cast<size_t>(rank)].refresh_waiting = false;
  refresh_order_.erase(refresh_order_.begin());
  return true;
}

void Controller::refresh_tick() {
  // Nothing is due before the next multiple of the interval (kept, not divided out every tick).
  if (clk_ < next_refresh_) return;
  const bool due_now = clk_ % refresh_interval_ == 0;
  next_refresh_ = (clk_ / refresh_interval_ + 1) * refresh_interval_;
  if (!due_now) return;
  const auto due = [&](int rank) {
    Rank& r = ranks_[static_cast<size_t>(rank)];
    if (r.refresh_waiting) return;  // not postponed twice: the one waiting covers it
    r.refresh_waiting = true;
    refresh_order_.push_back(rank);
  };
  if (d_.refresh_policy == Device::RefreshPolicy::rank_staggered) {
    due(next_refresh_rank_);
    next_refresh_rank_ = (next_refresh_rank_ + 1) % d_.ranks;
  } else {
    for (int rank = 0; rank < d_.ranks; ++rank) due(rank);
  }
}

bool Controller::schedule_transaction() {
  if (!d_.unified_queue && write_draining_ == 0 && !write_buffer_.empty()) {
    const bool full = write_buffer_.size() >= static_cast<size_t>(d_.queue_size);
    const bool quiet = queued_commands_ == 0;
    if (full || (quiet && write_buffer_.size() > kWriteDrainThreshold) ||
        (quiet && flushing_ && read_queue_.empty())) {
      write_draining_ = static_cast<int>(write_buffer_.size());
    }
  }
  return move_request(d_.unified_queue || write_draining_ == 0 ? read_queue_ : write_buffer_);
}

bool Controller::move_request(std::vector<Request>& from) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    std::vector<Request>& q = queues_[static_cast<size_t>(queue_of(*it))];
    if (q.size() >= static_cast<size_t>(d_.cmd_queue_size)) continue;
    if (!d_.unified_queue && it->write) {
      // A read of the address must see the old data first: the drain stops. With no command
      // queued and the read still in the read queue, the read moves instead: the drain would
      // restart the next cycle, stop at the same write, and nothing would ever move (DRAMSim3's
      // controller never ends such a trace).
      if (const Request* read = pending(it->address, queue_of(*it), false)) {
        write_draining_ = 0;
        const bool in_read_queue =
            read >= read_queue_.data() && read < read_queue_.data() + read_queue_.size();
        return in_read_queue && queued_commands_ == 0 ? move_request(read_queue_) : true;
      }
      --write_draining_;
    }
    q.push_back(*it);
    set_wait(queue_of(*it), 0);
    if (num_queues_ <= 64) nonempty_ |= uint64_t{1} << queue_of(*it);
    from.erase(it);
    ++queued_commands_;
    return true;
  }
  return false;
}

void Controller::tick() {
  const size_t refreshes_waiting = refresh_order_.size();
  const int draining = write_draining_;
  refresh_tick();
  int queue = -1, index = -1;
  Cmd cmd = kCmds;
  bool issued = !refresh_order_.empty() && finish_refresh();
  bool column = false;
  if (!issued && pick(queue, index, cmd)) {
    column = cmd == kRead || cmd == kWrite;
    issue(queue, index, cmd);
    issued = true;
  }
  // HBM: a second command in the same cycle when exactly one of the two is a column command.
  if (issued && d_.dual_command && pick(queue, index, cmd) &&
      (cmd == kRead || cmd == kWrite) != column) {
    issue(queue, index, cmd);
  }
  const bool moved = schedule_transaction();
  stats_.queue_occupancy_sum += read_queue_.size() + write_buffer_.size() + queued_commands_;
  const bool quiet = !issued && !moved && refresh_order_.size() == refreshes_waiting &&
                     write_draining_ == draining;
  stalled_until_ = quiet && !every_cycle_ ? next_change() : 0;
  ++clk_;
}

ChannelStats Controller::stats(uint64_t until) const {
  ChannelStats s = stats_;
  until = std::max(until, clk_);
  s.background_pj = 0;
  for (const Rank& r : ranks_) {
    uint64_t active = r.active_cycles;
    if (r.open_banks > 0) active += until - r.open_since;
    active = std::min(until, active);
    const uint64_t idle = until - active;
    s.active_standby_cycles += active;
    s.precharge_standby_cycles += idle;
    s.active_standby_pj += static_cast<double>(active) * active_pj_per_cycle_;
    s.precharge_standby_pj += static_cast<double>(idle) * idle_pj_per_cycle_;
  }
  s.background_pj = s.active_standby_pj + s.precharge_standby_pj;
  return s;
}

}  // namespace tessera::ddr
