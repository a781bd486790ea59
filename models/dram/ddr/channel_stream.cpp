// The streams service of a channel (Service::streams): the controller serves the transfers that
// have arrived a turn at a time, as a DMA engine per transfer behind a round-robin interconnect
// would hand them over a row set each. A turn is one transfer's bursts in one row set: the
// aligned block whose bursts share every address field above the column, so the same row of
// each bank the fields below the column stripe them over (AddressMap::row_set_bytes()).
//
// Each decision, in this order of precedence at the same cycle:
// - the serving turn's next burst, in address order, once its bank has its row open;
// - a refresh due (its rank's banks are closed, then REF), which holds back every other command
//   to its rank, as in the queue service;
// - the first row command the serving turn, then the upcoming one, needs, in the order their
//   bursts come: ACT to a closed bank, PRE to a bank with another row open. Nothing after it
//   goes first. A row the serving turn still reads or writes stays open for it.
// When the serving turn's last burst issues, the upcoming turn serves and the next transfer in
// turn that has arrived by then becomes the upcoming one; transfers without a name enter in order.
// Every timing constraint, refresh, power-down and the statistics are the queue service's. Where
// nothing else could change them, these decisions are not taken one by one but worked out a
// stripe at a time (skip_stripes()); the per-cycle reference test checks they come out the same.
#include <algorithm>
#include <stdexcept>

#include "models/dram/ddr/channel.h"

namespace tessera::ddr {

void Channel::run_streams() {
  while ((serving_.active || !waiting_.empty()) && (target_ == nullptr || target_->left > 0)) {
    take_turns();
    note_refresh_due();
    const uint64_t due = refresh_soonest_;
    const uint64_t next_arrival =
        !upcoming_.active && !waiting_.empty() ? waiting_.front().next.arrival : kNever;
    const uint64_t event = std::min(due, next_arrival);
    if (!serving_.active && !refresh_pending_) {
      advance(event);
      continue;
    }
    const Choice c = choose_for_turns();
    // A refresh falling due or a transfer arriving by then may change what goes first.
    if (event <= c.cycle) {
      advance(event);
      continue;
    }
    if (c.cycle == kNever) throw std::logic_error("DRAM channel: no command can issue");
    if (c.kind == CommandKind::read || c.kind == CommandKind::write) {
      serve_columns(c, event);
      continue;
    }
    if (c.position < 0) {
      issue_refresh(c, event);
      continue;
    }
    // The serving turn opening the banks of its next stripe: the stripe at once, if it can.
    if (!c.upcoming && serving_.next == 0 && !refresh_pending_ && skip_repeats_ &&
        skip_stripes(event)) {
      continue;
    }
    advance(c.cycle);
    issue_for_turn(c);
    advance(c.cycle + 1);  // one command per cycle on the command bus
  }
}

void Channel::serve_columns(Choice c, uint64_t event) {
  if (skip_repeats_ && serving_.next == 0 && skip_stripes(event)) return;
  // What else could go first. Columns change none of it until a bank has no burst left to serve
  // (the upcoming turn may then close it) or the turn ends.
  Choice other = choose_besides_columns();
  for (;;) {
    const bool last_here = serving_.positions[static_cast<size_t>(c.position)].left == 1;
    const bool last = serving_.left == 1;
    advance(c.cycle);
    issue_for_turn(c);
    advance(c.cycle + 1);  // one command per cycle on the command bus
    if (last) return;      // the upcoming turn serves
    // Its bank's last burst of the turn changes what else may go first.
    if (last_here) other = choose_besides_columns();
    if (serving_.next == 0 && skip_repeats_ && skip_stripes(event)) return;
    const Position& p = serving_.positions[serving_.next];
    const Bank& b = banks_[static_cast<size_t>(p.bank)];
    if (b.open_row != p.row || ranks_[static_cast<size_t>(p.rank)].refresh_pending) return;
    const uint64_t t = column_cycle(p);
    // It goes first unless an event comes by then or another command before it (a column wins a
    // tie).
    if (t >= event || t > other.cycle) return;
    c.cycle = t;
    c.position = static_cast<int>(serving_.next);
    c.rank = p.rank;
    c.bank = p.bank;
  }
}

uint64_t Channel::column_cycle(const Position& p) const {
  const Rank& r = ranks_[static_cast<size_t>(p.rank)];
  uint64_t cycle = std::max(now_, serving_.write ? r.wr_ready : r.rd_ready);
  for (int o = 0; o < d_.ranks; ++o) {  // the other ranks' bursts on the data bus (tRTRS)
    if (o == p.rank) continue;
    const Rank& other = ranks_[static_cast<size_t>(o)];
    cycle = std::max(cycle, serving_.write ? other.other_wr_ready : other.other_rd_ready);
  }
  const Bank& b = banks_[static_cast<size_t>(p.bank)];
  const Group& g = groups_[static_cast<size_t>(p.bankgroup)];
  return serving_.write ? std::max({cycle, b.wr_ready, g.wr_ready})
                        : std::max({cycle, b.rd_ready, g.rd_ready});
}

void Channel::take_turns() {
  if (!serving_.active && arrived()) {
    take_turn(serving_);
  }
  if (serving_.active && !upcoming_.active && arrived()) take_turn(upcoming_);
}

void Channel::take_turn(Turn& into) {
  // Named transfers that have arrived take turns; anything else enters in order.
  const bool named = waiting_.front().next.transfer != 0;
  const size_t i = named ? turn() : 0;
  Waiting& w = waiting_[i];
  const auto burst = static_cast<uint64_t>(d_.burst_bytes());
  uint64_t n = 1, stripe = 1;
  if (w.map != nullptr) {
    const uint64_t set = w.map->row_set_bytes() / burst;
    n = std::min(w.left, set - w.address / burst % set);
    stripe = std::min(w.map->stripe_bytes() / burst, n);
  }
  into.active = true;
  into.write = w.next.write;
  into.arrival = w.next.arrival;
  into.transfer = w.next.transfer;
  into.left = n;
  into.next = 0;
  into.rows_open = false;
  into.banks = 0;
  into.positions.resize(stripe);
  for (uint64_t k = 0; k < stripe; ++k) {
    Request r = w.next;
    if (k > 0) locate(r, w.map->decode(w.address + k * burst));
    Position& p = into.positions[k];
    p.bank = r.bank;
    p.rank = r.rank;
    p.bankgroup = r.bankgroup;
    p.row = r.row;
    p.left = (n - k + stripe - 1) / stripe;
    p.counted = false;
    into.banks |= uint64_t{1} << (static_cast<unsigned>(r.bank) % 64);
    Rank& rank = ranks_[static_cast<size_t>(r.rank)];
    if (rank.queued == 0 && !rank.refresh_pending) wake(r.rank, now_, true);
    rank.queued += static_cast<int>(p.left);
  }
  const bool last = n == w.left;
  if (last) {
    erase_waiting(i);
  } else {
    drop_waiting(i, n);
  }
  if (named) next_waiting_ = last ? i : i + 1;
}

void Channel::issue_refresh(Choice c, uint64_t event) {
  // While a rank's refresh is pending no other command of the rank issues. If no other rank has
  // one pending and the turns want none of them, nothing else issues at all.
  const int rank = c.rank;
  bool alone = true;
  for (int r = 0; r < d_.ranks; ++r) {
    alone = alone && (r == rank || !ranks_[static_cast<size_t>(r)].refresh_pending);
  }
  for (const Turn* t : {&serving_, &upcoming_}) {
    if (!t->active) continue;
    for (const Position& p : t->positions) alone = alone && (p.rank == rank || p.left == 0);
  }
  // The open banks close in bank order, then REF: the next command needs no scan of the banks
  // already closed.
  const int per_rank = d_.banks_per_rank();
  for (;;) {
    advance(c.cycle);
    issue_for_turn(c);
    advance(c.cycle + 1);  // one command per cycle on the command bus
    // A REF has ended the refresh: `c` closed a bank.
    if (!alone || !ranks_[static_cast<size_t>(rank)].refresh_pending) return;
    c = refresh_command(rank, c.bank - rank * per_rank + 1);
    if (c.cycle >= event) return;  // an event may change what goes first
  }
}

Channel::Choice Channel::choose_for_turns() const {
  Choice best;
  if (serving_.active) {
    const Position& p = serving_.positions[serving_.next];
    const Bank& b = banks_[static_cast<size_t>(p.bank)];
    if (b.open_row == p.row && !ranks_[static_cast<size_t>(p.rank)].refresh_pending) {
      best.kind = serving_.write ? CommandKind::write : CommandKind::read;
      best.cycle = column_cycle(p);
      best.priority = priority(best.kind, true);
      best.age = 1;
      best.rank = p.rank;
      best.bank = p.bank;
      best.position = static_cast<int>(serving_.next);
    }
  }
  consider_refreshes(best);
  consider_rows(best);
  return best;
}

Channel::Choice Channel::choose_besides_columns() const {
  Choice best;
  consider_refreshes(best);
  consider_rows(best);
  return best;
}

Channel::Request Channel::request_of(const Turn& t, const Position& p) {
  Request q{};
  q.arrival = t.arrival;
  q.bank = p.bank;
  q.rank = p.rank;
  q.bankgroup = p.bankgroup;
  q.row = p.row;
  q.write = t.write;
  q.counted = p.counted;
  q.transfer = t.transfer;
  return q;
}

void Channel::row_command(const Position& p, Choice& c) const {
  const Bank& b = banks_[static_cast<size_t>(p.bank)];
  c.rank = p.rank;
  c.bank = p.bank;
  if (b.open_row < 0) {
    c.kind = CommandKind::activate;
    c.cycle = std::max({activate_floor(ranks_[static_cast<size_t>(p.rank)]), b.act_ready,
                        groups_[static_cast<size_t>(p.bankgroup)].act_ready});
  } else {
    c.kind = CommandKind::precharge;
    c.cycle = std::max(now_, b.pre_ready);
  }
}

bool Channel::serving_uses(int bank) const {
  if ((serving_.banks & uint64_t{1} << (static_cast<unsigned>(bank) % 64)) == 0) return false;
  return std::any_of(serving_.positions.begin(), serving_.positions.end(),
                     [&](const Position& p) { return p.bank == bank && p.left > 0; });
}

void Channel::consider_rows(Choice& best) const {
  for (const Turn* t : {&serving_, &upcoming_}) {
    if (!t->active) return;
    if (t->rows_open) continue;
    const size_t m = t->positions.size();
    bool open = true;
    for (size_t j = 0, k = t->next; j < m; ++j, k = k + 1 == m ? 0 : k + 1) {
      const Position& p = t->positions[k];
      const Bank& b = banks_[static_cast<size_t>(p.bank)];
      if (p.left == 0 || b.open_row == p.row) continue;
      open = false;
      if (ranks_[static_cast<size_t>(p.rank)].refresh_pending) continue;
      Choice c;
      c.age = 1;
      c.position = static_cast<int>(k);
      c.upcoming = t == &upcoming_;
      if (b.open_row >= 0 && c.upcoming && serving_uses(p.bank)) return;  // open for serving
      row_command(p, c);
      c.priority = priority(c.kind, false);
      if (before(c, best)) best = c;
      return;
    }
    t->rows_open = open;
  }
}

void Channel::issue_for_turn(const Choice& c) {
  if (c.position < 0) {  // a refresh's
    issue(c);
    return;
  }
  Turn& t = c.upcoming ? upcoming_ : serving_;
  Position& p = t.positions[static_cast<size_t>(c.position)];
  switch (c.kind) {
    case CommandKind::activate:
      if (!p.counted) ++stats_.row_misses;
      p.counted = true;
      activate(p.bank, p.row, c.cycle);
      return;
    case CommandKind::precharge:
      if (!p.counted) ++stats_.row_conflicts;
      p.counted = true;
      precharge(p.bank, c.cycle, false);
      busy(p.rank, c.cycle);
      return;
    default: break;
  }
  const Request q = request_of(t, p);
  --p.left;
  p.counted = false;
  --t.left;
  --ranks_[static_cast<size_t>(p.rank)].queued;
  if (++t.next == t.positions.size()) t.next = 0;
  // Closed page: the row closes unless a burst of either turn still wants it.
  int hits = 0;
  if (!open_page_) {
    for (const Turn* u : {&serving_, &upcoming_}) {
      if (!u->active) continue;
      for (const Position& o : u->positions) {
        if (o.bank == p.bank && o.row == p.row) hits += static_cast<int>(o.left);
      }
    }
  }
  serve(q, c.cycle, hits);
  if (t.left == 0) finish_turn();
}

void Channel::finish_turn() {
  std::swap(serving_, upcoming_);
  upcoming_.active = false;
}

bool Channel::work_out_stripe(bool follow, uint64_t& period, bool& repeats) {
  // The serving turn's next stripe, its commands issuing with nothing else in between: only what
  // its columns wait for in their direction changes, and only as column_constraints() changes
  // it. A bank without its row open is opened first, as the decisions would: the row command of
  // the first such position goes when it comes before the next column (a column wins a tie),
  // PRE as precharge() and ACT as activate() change what comes after. Copies of what they wait
  // for, in one row: each rank's own floor, what each rank's columns impose on the other ranks'
  // (tRTRS), each bank group's floor, each position's bank. `follow`: the stripe after the one
  // worked out last, from the copies as that one left them.
  const bool write = serving_.write;
  const size_t m = serving_.positions.size();
  const size_t ranks = ranks_.size(), groups = groups_.size();
  std::vector<uint64_t>& v = stripe_view_;
  size_t shut = m;  // the first position without its row open
  if (!follow) {
    v.resize(2 * ranks + groups + m);
    uint64_t* bank = v.data() + 2 * ranks + groups;
    for (size_t r = 0; r < ranks; ++r) {
      v[r] = write ? ranks_[r].wr_ready : ranks_[r].rd_ready;
      v[ranks + r] = write ? ranks_[r].other_wr_ready : ranks_[r].other_rd_ready;
    }
    stripe_used_ = 0;
    for (size_t j = m; j-- > 0;) {
      const Position& p = serving_.positions[j];
      const Bank& b = banks_[static_cast<size_t>(p.bank)];
      const Group& g = groups_[static_cast<size_t>(p.bankgroup)];
      bank[j] = write ? b.wr_ready : b.rd_ready;
      // Only the turn's groups are read.
      v[2 * ranks + static_cast<size_t>(p.bankgroup)] = write ? g.wr_ready : g.rd_ready;
      stripe_used_ |= uint64_t{1} << p.rank;
      if (b.open_row != p.row) shut = j;
    }
    // A turn in one rank waits for the other ranks' columns (tRTRS) only as they were.
    stripe_others_ = 0;
    for (size_t r = 0; r < ranks; ++r) {
      if ((stripe_used_ & uint64_t{1} << r) == 0) {
        stripe_others_ = std::max(stripe_others_, v[ranks + r]);
      }
    }
    stripe_end_ = now_;
  }
  uint64_t* own = v.data();
  uint64_t* other = own + ranks;
  uint64_t* group = other + ranks;
  uint64_t* bank = group + groups;
  const uint64_t used = stripe_used_;
  const bool one_rank = (used & (used - 1)) == 0;
  const uint64_t others = one_rank ? stripe_others_ : 0;
  // A refresh pending could go between the row commands.
  if (shut < m && refresh_pending_) return false;
  if (shut == m) stripe_view_start_ = v;  // a stripe that opens a bank is not repeated
  if (!follow) stripe_opens_.clear();
  const size_t opens = stripe_opens_.size();
  if (shut < m) {  // what row commands wait for: each rank's ACT floor, each group's, each bank's
    stripe_act_ranks_.resize(ranks);
    for (size_t r = 0; r < ranks; ++r) stripe_act_ranks_[r] = ranks_[r].act;
    stripe_act_groups_.resize(groups);
    for (size_t g = 0; g < groups; ++g) stripe_act_groups_[g] = groups_[g].act_ready;
    stripe_bank_act_.resize(m);
    stripe_closed_.resize(m);
    for (size_t j = shut; j < m; ++j) {
      const Bank& b = banks_[static_cast<size_t>(serving_.positions[j].bank)];
      stripe_bank_act_[j] = b.act_ready;
      stripe_closed_[j] = b.open_row < 0;
    }
  }
  const auto same_group = static_cast<uint64_t>(write ? write_to_write_l_ : read_to_read_l_);
  const auto same_rank = static_cast<uint64_t>(write ? write_to_write_s_ : read_to_read_s_);
  const uint64_t to_other = static_cast<uint64_t>(burst_) + static_cast<uint64_t>(d_.tRTRS);
  stripe_cycles_.resize(m);
  const uint64_t start = stripe_end_;
  uint64_t t = start;
  if (one_rank && shut == m) {  // the common stripe: its columns, one rank, nothing to open
    const auto rank = static_cast<size_t>(__builtin_ctzll(used));
    uint64_t mine = own[rank];
    for (size_t j = 0; j < m; ++j) {
      const auto g = static_cast<size_t>(serving_.positions[j].bankgroup);
      const uint64_t column = std::max({t, mine, group[g], bank[j], others});
      stripe_cycles_[j] = column;
      group[g] = std::max(group[g], column + same_group);
      mine = std::max(mine, column + same_rank);
      t = column + 1;
    }
    own[rank] = mine;
  }
  for (size_t j = one_rank && shut == m ? m : 0; j < m;) {
    const Position& p = serving_.positions[j];
    const auto rank = static_cast<size_t>(p.rank);
    const auto g = static_cast<size_t>(p.bankgroup);
    uint64_t column = kNever;
    if (j < shut) {  // as column_cycle()
      column = std::max({t, own[rank], group[g], bank[j], others});
      for (size_t o = 0; !one_rank && o < ranks; ++o) {
        column = o == rank ? column : std::max(column, other[o]);
      }
    }
    if (shut < m) {  // as consider_rows(), then activate() or precharge()
      const Position& q = serving_.positions[shut];
      const bool activates = stripe_closed_[shut];
      ActWindow& a = stripe_act_ranks_[static_cast<size_t>(q.rank)];
      uint64_t& group_act = stripe_act_groups_[static_cast<size_t>(q.bankgroup)];
      uint64_t cycle = std::max(t, banks_[static_cast<size_t>(q.bank)].pre_ready);
      if (activates) {
        cycle = std::max(
            {a.earliest(t, static_cast<uint64_t>(d_.tFAW)), group_act, stripe_bank_act_[shut]});
      }
      if (cycle < column) {
        stripe_opens_.push_back({shut, activates, cycle});
        if (activates) {
          bank[shut] = cycle + static_cast<uint64_t>(write ? d_.tRCD_write : d_.tRCD_read);
          group_act = std::max(group_act, cycle + static_cast<uint64_t>(d_.tRRD_L));
          a.record(cycle, static_cast<uint64_t>(d_.tRRD_S));
          while (++shut < m &&
                 banks_[static_cast<size_t>(serving_.positions[shut].bank)].open_row ==
                     serving_.positions[shut].row) {
          }
        } else {
          stripe_closed_[shut] = true;
          stripe_bank_act_[shut] =
              std::max(stripe_bank_act_[shut], cycle + static_cast<uint64_t>(d_.tRP));
        }
        t = cycle + 1;  // one command per cycle on the command bus
        continue;
      }
    }
    // as column_constraints()
    stripe_cycles_[j] = column;
    group[g] = std::max(group[g], column + same_group);
    own[rank] = std::max(own[rank], column + same_rank);
    if (!one_rank) other[rank] = std::max(other[rank], column + to_other);
    t = column + 1;
    ++j;
  }
  period = t - start;
  stripe_end_ = t;
  // The stripe after it starts at t and repeats it if, counted from their starts, its columns
  // wait for what this one's did. Constraints already met count alike, however long ago, and so
  // do those of ranks the turn does not meet. A stripe that opened a bank is not repeated.
  const uint64_t* before = stripe_view_start_.data();
  const auto same = [&](size_t k) {
    return (before[k] > start ? before[k] - start : 0) == (v[k] > t ? v[k] - t : 0);
  };
  repeats = stripe_opens_.size() == opens;
  for (size_t r = 0; repeats && r < ranks; ++r) {
    const uint64_t self = uint64_t{1} << r;
    repeats = ((used & self) == 0 || same(r)) && ((used & ~self) == 0 || same(ranks + r));
  }
  for (size_t j = 0; repeats && j < m; ++j) {
    const auto g = static_cast<size_t>(serving_.positions[j].bankgroup);
    repeats = same(2 * ranks + g) && same(2 * ranks + groups + j);
  }
  return true;
}

bool Channel::view_of_stripe(StripeKey& key, bool& opens) const {
  // All the work-out reads: each position's bank group and whether its row is open, closed or
  // another; what its columns wait for (each position's bank and bank group, each rank's floors);
  // with a bank to open, what the row commands wait for (each rank's ACT window, and by position
  // its bank group's and its bank's). Every time counts from now, and one already past counts as
  // now: the work-out takes the latest of each and a cycle from now on.
  const size_t m = serving_.positions.size();
  key.clear();
  opens = false;
  if (1 + 6 * m + 8 * ranks_.size() > StripeKey::kLanes) {
    for (const Position& p : serving_.positions) {
      opens = opens || banks_[static_cast<size_t>(p.bank)].open_row != p.row;
    }
    return false;
  }
  const uint64_t now = now_;
  const auto from_now = [now](uint64_t t) { return t > now ? t - now : 0; };
  const bool write = serving_.write;
  key.add(static_cast<uint64_t>(write) | m << 1);
  size_t shut = m;
  for (size_t j = 0; j < m; ++j) {
    const Position& p = serving_.positions[j];
    const Bank& b = banks_[static_cast<size_t>(p.bank)];
    const Group& g = groups_[static_cast<size_t>(p.bankgroup)];
    const uint64_t row = b.open_row == p.row ? 0 : b.open_row < 0 ? 1 : 2;
    if (row != 0 && shut == m) shut = j;
    key.add(static_cast<uint64_t>(p.bankgroup) << 2 | row);  // the flat bank group names the rank
    key.add(from_now(write ? b.wr_ready : b.rd_ready));
    key.add(from_now(write ? g.wr_ready : g.rd_ready));
  }
  for (const Rank& r : ranks_) {
    key.add(from_now(write ? r.wr_ready : r.rd_ready));
    key.add(from_now(write ? r.other_wr_ready : r.other_rd_ready));
  }
  opens = shut < m;
  if (opens) {
    const auto tfaw = static_cast<uint64_t>(d_.tFAW);
    for (const Rank& r : ranks_) {
      key.add(from_now(r.act.ready));
      key.add(std::min<uint64_t>(r.act.acts, 4));
      for (int i = 0; i < 4; ++i) key.add(from_now(r.act.faw[(r.act.faw_next + i) % 4] + tfaw));
    }
    for (size_t j = shut; j < m; ++j) {
      const Position& p = serving_.positions[j];
      const Bank& b = banks_[static_cast<size_t>(p.bank)];
      key.add(from_now(groups_[static_cast<size_t>(p.bankgroup)].act_ready));
      key.add(from_now(b.act_ready));
      key.add(from_now(b.pre_ready));
    }
  }
  return key.fits();
}

const Channel::WorkedOut* Channel::stripes_from_now() {
  StripeKey& key = stripe_key_;
  bool opens = false;
  const bool keyed = view_of_stripe(key, opens);
  // A refresh pending could go between the commands opening banks: the decisions place them.
  if (opens && refresh_pending_) return nullptr;
  const uint64_t hash = keyed ? key.hash() : 0;
  if (keyed) {
    if (const WorkedOut* known = worked_out_.find(key, hash)) return known;
  }
  const uint64_t now = now_;
  WorkedOut& w = worked_out_now_;
  w.cycles.clear();
  w.next_cycles.clear();
  w.opens.clear();
  work_out_stripe(false, w.period, w.repeats);
  for (const uint64_t c : stripe_cycles_) w.cycles.push_back(c - now);
  for (const StripeOpen& o : stripe_opens_) {
    w.opens.push_back({o.position, o.activate, o.cycle - now});
  }
  work_out_stripe(true, w.next_period, w.next_repeats);
  for (const uint64_t c : stripe_cycles_) w.next_cycles.push_back(c - now);
  if (keyed) worked_out_.add(key, hash, w);
  return &w;
}

bool Channel::skip_stripes(uint64_t event) {
  for (bool skipped = false;; skipped = true) {
    bool repeats = false;
    if (!skip_stripes_once(event, repeats)) return skipped;
    // After a stripe that does not repeat the next one may. The turn's end stops here, as it
    // stops the decisions: the next transfer in turn becomes the upcoming one.
    if (repeats || serving_.left == 0) {
      if (serving_.left == 0) finish_turn();
      return true;
    }
  }
}

bool Channel::skip_stripes_once(uint64_t event, bool& repeats) {
  const size_t m = serving_.positions.size();
  for (size_t j = 0; refresh_pending_ && j < m; ++j) {  // its columns wait
    if (ranks_[static_cast<size_t>(serving_.positions[j].rank)].refresh_pending) return false;
  }
  uint64_t fewest = kNever;
  for (const Position& p : serving_.positions) fewest = std::min(fewest, p.left);
  // A bank's last burst of the turn is served one by one where that changes what may go next:
  // the page policy may close the row, or the upcoming turn wants the bank for another row while
  // a refresh is pending.
  bool keep_last = !open_page_;
  if (upcoming_.active && refresh_pending_) {  // else issue_between() frees the bank in time
    for (const Position& u : upcoming_.positions) {
      keep_last = keep_last || (u.left > 0 && serving_uses(u.bank));
    }
  }
  const uint64_t whole = keep_last ? fewest - std::min<uint64_t>(fewest, 1) : fewest;
  if (whole == 0) return false;
  // Every event comes after the columns skipped; the other ranks' refresh commands and the
  // upcoming turn's row commands go between them (issue_between()), and a refresh issued there
  // sets when its rank's next one falls due (refresh()).
  uint64_t limit = event;
  for (size_t r = 0; refresh_pending_ && r < ranks_.size(); ++r) {
    if (ranks_[r].refresh_pending) {
      limit = std::min(limit, ranks_[r].refresh_due + static_cast<uint64_t>(d_.tREFI));
    }
  }
  const WorkedOut* w = stripes_from_now();
  if (w == nullptr || now_ + w->cycles[m - 1] >= limit) return false;
  // A stripe that does not repeat leads the next one, and the next one's repeats if it has any:
  // it is applied with them, once (stripe_lead_).
  const bool lead = !w->repeats && whole >= 2 && now_ + w->next_cycles[m - 1] < limit;
  const std::vector<uint64_t>& cycles = lead ? w->next_cycles : w->cycles;
  const uint64_t period = lead ? w->next_period : w->period;
  repeats = lead ? w->next_repeats : w->repeats;
  stripe_cycles_.resize(m);
  for (size_t j = 0; j < m; ++j) stripe_cycles_[j] = now_ + cycles[j];
  if (lead) {
    stripe_lead_.resize(m);
    for (size_t j = 0; j < m; ++j) stripe_lead_[j] = now_ + w->cycles[j];
  }
  stripe_opens_.clear();
  for (const StripeOpen& o : w->opens) {
    stripe_opens_.push_back({o.position, o.activate, now_ + o.cycle});
  }
  const uint64_t leading = lead ? 1 : 0;
  // stripe_cycles_ is the next stripe (after the lead); if it repeats, the next n - 1 come a
  // period apart.
  const uint64_t n =
      repeats ? std::min(whole - leading, (limit - 1 - stripe_cycles_[m - 1]) / period + 1) : 1;
  const uint64_t shift = (n - 1) * period;
  const size_t logged = log_ != nullptr ? log_->size() : 0;
  for (const StripeOpen& o : stripe_opens_) {
    Choice c;
    c.kind = o.activate ? CommandKind::activate : CommandKind::precharge;
    c.cycle = o.cycle;
    c.position = static_cast<int>(o.position);
    advance(o.cycle);
    issue_for_turn(c);
    advance(o.cycle + 1);  // one command per cycle on the command bus
  }
  issue_between(stripe_cycles_[m - 1] + shift, period, n, lead);
  if (log_ != nullptr) {
    for (size_t j = 0; lead && j < m; ++j) {
      const Position& p = serving_.positions[j];
      log(stripe_lead_[j], serving_.write ? CommandKind::write : CommandKind::read, p.bank, p.row,
          false);
    }
    for (uint64_t k = 0; k < n; ++k) {
      for (size_t j = 0; j < m; ++j) {
        const Position& p = serving_.positions[j];
        log(stripe_cycles_[j] + k * period, serving_.write ? CommandKind::write : CommandKind::read,
            p.bank, p.row, false);
      }
    }
  }
  uint64_t done = 0, latency_sum = 0, misses = 0;
  const uint64_t arrival = serving_.arrival;
  for (size_t j = 0; j < m; ++j) {
    Position& p = serving_.positions[j];
    if (lead) latency_sum += data_end(serving_.write, stripe_lead_[j]) - arrival;
    stripe_cycles_[j] += shift;
    done = column_constraints(p.bank, p.bankgroup, p.rank, serving_.write, stripe_cycles_[j]);
    busy(p.rank, done);
    // The data beats of its n columns: the first's, then one period later each.
    latency_sum += n * (done - shift - arrival) + period * (n * (n - 1) / 2);
    p.left -= n + leading;
    ranks_[static_cast<size_t>(p.rank)].queued -= static_cast<int>(n + leading);
    // Its first burst here was a miss or a conflict if its row opened for it.
    misses += p.counted ? 1 : 0;
    p.counted = false;
  }
  const uint64_t columns = (n + leading) * m;
  serving_.left -= columns;
  columns_skipped_ += columns;
  if (serving_.write) {
    stats_.writes += columns;
    stats_.write_row_hits += columns - misses;
  } else {
    stats_.reads += columns;
    stats_.read_row_hits += columns - misses;
    stats_.read_latency_sum += latency_sum;
    stats_.read_latency_max = std::max(stats_.read_latency_max, done - arrival);
  }
  stats_.last_completion = std::max(stats_.last_completion, done);
  if (serving_.transfer != 0) {
    if (Transfer* served = find_transfer(serving_.transfer)) {
      served->left -= columns;
      served->done = std::max(served->done, done);
    }
  }
  if (log_ != nullptr) {  // in the order they issue
    std::stable_sort(
        log_->begin() + static_cast<std::ptrdiff_t>(logged), log_->end(),
        [](const IssuedCommand& a, const IssuedCommand& b) { return a.cycle < b.cycle; });
  }
  advance(stripe_cycles_[m - 1] + 1);
  return true;
}

void Channel::issue_between(uint64_t end, uint64_t period, uint64_t n, bool lead) {
  // The skipped columns are stripe_cycles_, 0 to n - 1 periods later. Nothing they do bears on a
  // row command of a bank they do not use, or on a refresh of a rank they do not use, but the
  // command bus is theirs at those cycles: a column goes first.
  // A stripe's columns rise and lie within one period of its first: a cycle is a column's when
  // its offset from the first, modulo the period, is that column's offset.
  const uint64_t first = stripe_cycles_.front();
  const auto column_at = [&](uint64_t cycle) {
    if (lead && std::find(stripe_lead_.begin(), stripe_lead_.end(), cycle) != stripe_lead_.end()) {
      return true;
    }
    if (cycle < first || (cycle - first) / period >= n) return false;
    const uint64_t offset = first + (cycle - first) % period;
    return std::binary_search(stripe_cycles_.begin(), stripe_cycles_.end(), offset);
  };
  // Without a refresh pending a bank's last burst of the turn may be among them: the upcoming
  // turn's PRE to it waits for that column (tRTP, tWR) and its issue (the decisions take it
  // only once the serving turn has no burst left there).
  const uint64_t served = n + (lead ? 1 : 0);
  const auto to_pre =
      static_cast<uint64_t>(std::max(serving_.write ? write_to_pre_ : read_to_pre_, 1));
  const auto freed = [&](int bank) {
    for (size_t j = 0; j < stripe_cycles_.size(); ++j) {
      const Position& p = serving_.positions[j];
      if (p.bank != bank || p.left == 0) continue;
      return p.left == served ? stripe_cycles_[j] + (n - 1) * period + to_pre : kNever;
    }
    return uint64_t{0};
  };
  const uint64_t now = now_;
  if (!refresh_pending_) {
    upcoming_rows_between(end, column_at, freed);
    now_ = now;
    return;
  }
  for (;;) {  // as the decisions between the columns would take them, each after the one before
    const Choice c = choose_besides_columns();
    if (c.cycle >= end) break;
    if (!column_at(c.cycle)) issue_for_turn(c);
    now_ = c.cycle + 1;
  }
  now_ = now;
}

template <typename ColumnAt, typename Freed>
void Channel::upcoming_rows_between(uint64_t end, const ColumnAt& column_at, const Freed& freed) {
  // No refresh is pending and the serving turn's rows are open: the decisions take the upcoming
  // turn's row commands one after the other, in the order of its bursts, each at the earliest
  // cycle from the one before that no column takes.
  if (!upcoming_.active) return;
  Choice c;
  c.age = 1;
  c.upcoming = true;
  for (size_t k = 0; k < upcoming_.positions.size(); ++k) {
    const Position& p = upcoming_.positions[k];
    const Bank& b = banks_[static_cast<size_t>(p.bank)];
    if (p.left == 0 || b.open_row == p.row) continue;
    c.position = static_cast<int>(k);
    for (;;) {
      const uint64_t after = b.open_row < 0 ? 0 : freed(p.bank);  // open for serving until then
      if (after == kNever) return;
      row_command(p, c);
      c.cycle = std::max(c.cycle, after);
      while (c.cycle < end && column_at(c.cycle)) ++c.cycle;
      if (c.cycle >= end) return;
      issue_for_turn(c);
      now_ = c.cycle + 1;
      if (c.kind == CommandKind::activate) break;
    }
  }
}

}  // namespace tessera::ddr
