// One DRAM channel and its controller: a page policy and a refresh policy (registered policies,
// models/dram/ddr/policies.h), per-bank row buffers, power-down, every timing constraint between
// commands, and one of two services (Service below): a bounded request queue with a scheduler,
// or turns of a row set. Plain C++, no SystemC.
//
// Next-event scheduling: for the commands that can win the controller computes the earliest
// cycle each may issue, from the cycles of the commands already issued, and jumps straight to the
// best one. Time never advances one cycle at a time. In the queue (per bank with queued requests,
// the oldest read hit, write hit and other request compete) the work is a little per command
// and busy bank, the repeats of a steady stream are applied at once, and a stream's decisions
// that repeat on other banks are replayed without a search (channel_repeat.cpp). In turns
// (channel_stream.cpp) the work is per row command decided and per stripe worked out (once per
// view of what it waits for, remembered), and a turn's steady stripes are applied at once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "models/dram/ddr/address_map.h"
#include "models/dram/ddr/device.h"
#include "models/dram/ddr/policies.h"
#include "models/dram/ddr/stripe_memo.h"

namespace tessera::ddr {

// One command as the device sees it; bank fields are -1 for a refresh (all banks of the rank).
// A precharge may be automatic (closed page: the device precharges after the column access, as
// RDA/WRA do) and then does not use the command bus.
struct IssuedCommand {
  uint64_t cycle = 0;
  CommandKind kind = CommandKind::activate;
  int rank = 0, bankgroup = 0, bank = 0;
  int64_t row = 0;
  bool automatic = false;
};

struct ChannelStats {
  uint64_t reads = 0, writes = 0;
  uint64_t read_row_hits = 0, write_row_hits = 0;
  uint64_t row_misses = 0;     // the bank was closed
  uint64_t row_conflicts = 0;  // another row was open
  uint64_t activates = 0, precharges = 0, refreshes = 0;
  uint64_t read_latency_sum = 0, read_latency_max = 0;  // arrival to last data beat
  uint64_t queue_occupancy_sum = 0;                     // queued requests x cycles
  uint64_t last_completion = 0;                         // cycle of the last data beat
  // Energy in pJ, from the device's IDD currents.
  double act_pj = 0, pre_pj = 0, rd_pj = 0, wr_pj = 0, ref_pj = 0, background_pj = 0;
  // Rank-cycles in each power state (summed over ranks) and the background energy of each; the
  // five energies sum to background_pj. Standby: a bank open (active) or all closed (precharge).
  uint64_t powerdown_exits = 0, self_refresh_exits = 0;
  uint64_t active_standby_cycles = 0, precharge_standby_cycles = 0;
  uint64_t active_powerdown_cycles = 0, precharge_powerdown_cycles = 0, self_refresh_cycles = 0;
  double active_standby_pj = 0, precharge_standby_pj = 0;
  double active_powerdown_pj = 0, precharge_powerdown_pj = 0, self_refresh_pj = 0;
};

// Adds `s` to `total`: counts and energies summed, the maximum latency and last completion the
// largest.
void accumulate(ChannelStats& total, const ChannelStats& s);

// Power-down as a controller applies it: a rank with nothing queued for `powerdown_cycles` enters
// power-down (active if a bank is open, IDD3P, else precharge, IDD2P); after
// `self_refresh_cycles` it closes its banks and enters self-refresh (IDD6), where it refreshes
// itself. A request for a sleeping rank wakes it on entering the queue, and its first command
// waits tXP (tXS from self-refresh). 0 turns a mode off.
struct PowerDown {
  uint64_t powerdown_cycles = 0;
  uint64_t self_refresh_cycles = 0;
};

// A rank's stay in power-down or self-refresh, from entry to exit (DRAM cycles). Known only when
// the rank leaves it, so stays are logged at their exit.
struct LowPowerStay {
  uint64_t begin = 0, end = 0;
  int rank = 0;
  bool self_refresh = false;
};

// How a channel's controller takes the requests it is given.
enum class Service : uint8_t {
  // Into one request queue of the device's trans_queue_size; the scheduler policy picks a command
  // from everything queued, each decision.
  queue,
  // A turn at a time (channel_stream.cpp): the transfers that have arrived take turns, each turn
  // a transfer's bursts in one row set (the same row of each bank they stripe over), served in
  // address order; the rows of the turn after it open while it streams. No scheduler policy.
  streams,
};

class Channel {
 public:
  Channel(const Device& device, Policies policies, PowerDown power_down = {},
          Service service = Service::queue);

  // Queues a request for a decoded location. Arrivals earlier than the previous one, or than a
  // cycle the channel has already simulated, are served as if they arrived then. A nonzero
  // `transfer` names the transfer the request belongs to, for settle(); consecutive requests
  // with the same name make one transfer. Requests enter the queue in the order they were added,
  // but for the runs of named transfers that have arrived: they take turns, a request each, as
  // the bursts of transfers issued side by side reach a controller.
  void add(const Location& at, bool write, uint64_t arrival, uint64_t transfer = 0);
  // Queues `count` requests for consecutive bursts from `address`, all in this channel, decoded
  // with `map` only as they enter the queue: a whole transfer waits as one entry.
  void add_run(const AddressMap& map, uint64_t address, uint64_t count, bool write,
               uint64_t arrival, uint64_t transfer = 0);
  // Issues commands until every request added so far has completed; returns the cycle of the
  // last data beat (0 when nothing was ever served).
  uint64_t drain();
  // Issues commands until every request of `transfer` has been served, and no further, so that
  // requests added afterwards, arriving no earlier than its completion, are scheduled as if they
  // had been known all along. Returns the cycle of its last data beat (0 when it has no request
  // here) and forgets it.
  uint64_t settle(uint64_t transfer);
  // Statistics with background energy counted up to `until` (at least the last completion).
  [[nodiscard]] ChannelStats stats(uint64_t until) const;
  [[nodiscard]] bool idle() const { return queued_ == 0 && waiting_.empty() && !serving_.active; }

  // Every command issued from now on is appended to `log` (tests check the protocol with it).
  void record_commands(std::vector<IssuedCommand>* log) { log_ = log; }
  // Every power-down and self-refresh stay that ends from now on is appended to `log`.
  void record_low_power(std::vector<LowPowerStay>* log) { low_power_log_ = log; }
  // Skipping repeats of a steady stream (see channel_repeat.cpp) is on unless turned off here;
  // the tests compare both ways.
  void skip_repeats(bool on) { skip_repeats_ = on; }
  // Column commands applied in closed form by skips so far (tests check the fast path is taken).
  [[nodiscard]] uint64_t columns_skipped() const { return columns_skipped_; }
  // Column commands issued by replaying a period's decisions, without a search.
  [[nodiscard]] uint64_t columns_replayed() const { return columns_replayed_; }

 private:
  struct Request {
    uint64_t arrival;
    uint64_t age;  // admission order: smaller is older
    int bank;      // flat index: (rank * bankgroups + bankgroup) * banks_per_group + bank
    int rank, bankgroup;
    int64_t row;
    bool write;
    bool counted;       // its row hit / miss / conflict has been classified
    int next, prev;     // the next younger and older queued requests of the same bank, or -1
    uint64_t transfer;  // the transfer it belongs to (add()), 0 for none
  };
  struct Bank {
    int64_t open_row = -1;
    // Queued requests of this bank, oldest first (a list through Request::next), and how many
    // read or write the open row: the scheduler looks at banks, not at every request.
    int head = -1, tail = -1, queued = 0, read_hits = 0, write_hits = 0;
    // All queued reads of the open row would issue at the same cycle, and so would all its
    // writes, and all other requests (the same ACT or PRE): only the oldest of each kind can win.
    int oldest[3] = {-1, -1, -1};  // slots, by kind (kRead, kWrite, kOther)
    uint64_t act_ready = 0, pre_ready = 0, rd_ready = 0, wr_ready = 0;
    int rank = 0, group = 0;  // group: flat index into groups_
  };
  struct Group {  // one bank group of one rank
    uint64_t act_ready = 0, rd_ready = 0, wr_ready = 0;
  };
  // What a rank's ACTs wait for: tRRD_S after its last ACT, and tFAW after the fourth last.
  struct ActWindow {
    uint64_t ready = 0;    // tRRD_S
    uint64_t faw[4] = {};  // cycles of the last four ACTs (ring)
    int faw_next = 0;
    uint64_t acts = 0;
    // The earliest cycle from `t` on.
    [[nodiscard]] uint64_t earliest(uint64_t t, uint64_t tfaw) const {
      t = std::max(t, ready);
      return acts >= 4 ? std::max(t, faw[faw_next] + tfaw) : t;
    }
    void record(uint64_t t, uint64_t trrd_s) {
      ready = std::max(ready, t + trrd_s);
      faw[faw_next] = t;
      faw_next = (faw_next + 1) % 4;
      ++acts;
    }
  };
  struct Rank {
    ActWindow act;
    uint64_t rd_ready = 0, wr_ready = 0;
    uint64_t refresh_due = 0;
    bool refresh_pending = false;
    // Other-rank constraints this rank's column commands impose on the others' (tRTRS).
    uint64_t other_rd_ready = 0, other_wr_ready = 0;
    // Background: cycles with at least one bank open.
    int open_banks = 0;
    uint64_t active_start = 0, active_until = 0, active_cycles = 0, last_close = 0;
    // Power-down: the rank's last busy cycle, its queued requests, whether it sleeps in
    // self-refresh (refresh then stops), and the rank-cycles spent in each mode so far.
    uint64_t busy_until = 0, refresh_until = 0;
    int queued = 0;
    bool self_refresh = false;
    uint64_t self_refresh_since = 0, refresh_grid = 0;  // while in self-refresh
    uint64_t apd_cycles = 0, ppd_cycles = 0, sr_cycles = 0, sr_active_cycles = 0;
  };
  // What a rank idle since `busy_until` has spent asleep by `t`: cycles in power-down (with its
  // banks as they are) and in self-refresh.
  struct Sleep {
    uint64_t powerdown = 0, self_refresh = 0;
  };
  [[nodiscard]] Sleep sleep_by(const Rank& r, uint64_t t) const;
  // Wakes a sleeping rank at `t` for a request or for a refresh falling due.
  void wake(int rank, uint64_t t, bool for_request);
  // Accounts the power-down before self-refresh and closes the rank's banks for it.
  void enter_self_refresh(int rank, const Sleep& s, uint64_t t);
  void busy(int rank, uint64_t t);
  struct Choice {
    uint64_t cycle = UINT64_MAX;
    int request = -1;  // slot in requests_, or -1 for a refresh-related command
    uint64_t age = 0;  // of the request; refresh commands count as oldest
    CommandKind kind = CommandKind::activate;
    int rank = 0, bank = 0;
    int priority = 0;  // the scheduler's, of its kind of command
    // The streams service: the position in its turn of the bank the command is for, or -1 for a
    // refresh's, and whether the turn is the upcoming one.
    int position = -1;
    bool upcoming = false;
  };
  // The scheduler's priority of a kind of command, a row hit or not.
  [[nodiscard]] int priority(CommandKind kind, bool hit) const {
    return priority_[static_cast<int>(kind)][hit ? 1 : 0];
  }
  // Whether a command at `cycle` of `priority` for a request of `age` goes before `best`:
  // earlier, or at the same cycle of higher priority, then older.
  [[nodiscard]] static bool before(uint64_t cycle, int priority, uint64_t age, const Choice& best) {
    if (cycle != best.cycle) return cycle < best.cycle;
    return priority != best.priority ? priority < best.priority : age < best.age;
  }
  [[nodiscard]] static bool before(const Choice& c, const Choice& best) {
    return before(c.cycle, c.priority, c.age, best);
  }

  // A queued request's next command as one number that orders as before() does: its cycle, then
  // its priority's rank among the scheduler's (priority_bits_), then the request's age (unique
  // while queued); the slot rides in the low bits, so the smallest names the winner.
  __extension__ typedef unsigned __int128 Candidate;  // NOLINT(modernize-use-using): GCC's type
  // The queue holds at most 2^kSlotBits requests; ages count admissions, skipped ones too, and
  // 2^kAgeBits of them would be 72 PB of 64-byte bursts.
  static constexpr int kSlotBits = 10, kAgeBits = 50;
  static constexpr Candidate kNoCandidate = ~Candidate{0};
  [[nodiscard]] Candidate candidate(uint64_t cycle, CommandKind kind, bool hit, int slot) const;
  [[nodiscard]] Choice choice_of(Candidate c) const;
  // Per rank, the earliest cycle its column commands and ACTs may issue, whichever bank: now, the
  // rank's own constraints, the other ranks' (tRTRS) and tFAW. Worked out once per decision.
  struct Floors {
    uint64_t read = 0, write = 0, activate = 0;
  };

  void admit();
  // Per rank, the earliest cycle of its column commands and ACTs (floors_), for one decision.
  void work_out_floors() const;
  // The earliest cycle an ACT of rank `r` may issue, whichever bank: now, tRRD_S and tFAW.
  [[nodiscard]] uint64_t activate_floor(const Rank& r) const {
    return r.act.earliest(now_, static_cast<uint64_t>(d_.tFAW));
  }
  void note_refresh_due();
  // Recounts refresh_soonest_ and refresh_pending_ after a rank's refresh state changed.
  void refresh_changed();
  [[nodiscard]] Choice choose() const;
  // The best candidate of a busy bank (inlined: it runs once per busy bank and decision).
  [[nodiscard, gnu::always_inline]] inline Candidate consider_bank(int bank) const;
  void consider_request(int slot, Choice& best) const;
  enum Kind { kRead, kWrite, kOther };  // a row-hit read, a row-hit write, anything else
  static Kind kind_of(const Bank& b, const Request& q) {
    return q.row != b.open_row ? kOther : q.write ? kWrite : kRead;
  }
  void recount(Bank& b) const;
  void unlink(int slot);
  // The next of a rank's refresh commands, its banks before `from` (within the rank) closed: PRE
  // to the first open bank, else REF once every bank may take an ACT.
  [[nodiscard]] Choice refresh_command(int rank, int from) const;
  // Every rank's with a refresh pending.
  void consider_refreshes(Choice& best) const;
  void issue(const Choice& c);
  void activate(int bank, int64_t row, uint64_t t);
  void precharge(int bank, uint64_t t, bool automatic);
  void column(int index, uint64_t t);
  // The column command of `q` at `t`, with `queued_row_hits` other queued requests still hitting
  // its row (the page policy's question).
  void serve(const Request& q, uint64_t t, int queued_row_hits);
  // What a column command at `t` to a bank (flat index), its bank group (flat) and rank imposes
  // on later commands; returns its last data beat.
  uint64_t column_constraints(int bank, int bankgroup, int rank, bool write, uint64_t t);
  // The last data beat of a column command at `t`.
  [[nodiscard]] uint64_t data_end(bool write, uint64_t t) const {
    return t + static_cast<uint64_t>((write ? d_.write_latency() : d_.read_latency()) + burst_);
  }
  void refresh(int rank, uint64_t t);
  void advance(uint64_t t);
  void rank_open(Rank& r, uint64_t t);
  void rank_close(Rank& r, uint64_t t);
  void log(uint64_t t, CommandKind kind, int bank, int64_t row, bool automatic);

  // A stream's steady state repeats: the same column commands, the same queue, every timing
  // constraint the same relative to now, only later. channel_repeat.cpp finds such a period and
  // applies many of its repeats at once. Its work is a handful of snapshots per stream.
  struct Column {  // a column command of the period being watched
    uint64_t cycle;
    int bank;
    int64_t row;
    bool write;
    size_t admitted_before;      // requests admitted in the period before it issued
    uint64_t arrival, transfer;  // of the request it served
  };
  struct Admitted {  // a request admitted during that period
    int bank;
    int64_t row;
    bool write;
    uint64_t arrival, transfer;
  };
  void after_column(const Choice& c);
  void watch(int p);
  void forget_repeats();
  [[nodiscard]] bool decisions(const std::vector<int64_t>& snap, std::vector<int64_t>& v) const;
  void in_age_order(std::vector<const Request*>& queue) const;
  bool replayable();
  void start_replay(uint64_t delta);
  [[nodiscard]] uint64_t busy_digest() const;
  [[nodiscard]] bool replay_admits(const Request& r) const;
  [[nodiscard]] Choice replay_choice();
  void replayed_column();
  [[nodiscard]] bool steady() const;
  void snapshot(std::vector<int64_t>& out) const;
  [[nodiscard]] uint64_t repeating(uint64_t limit) const;
  [[nodiscard]] uint64_t periods_before_arrival(uint64_t delta) const;
  void skip(uint64_t periods);
  [[nodiscard]] uint64_t column_ready(const Request& r) const;

  Device d_;
  Policies policies_;
  // The policies' facts, asked once: only the oldest request competes; a row still hit may be
  // closed; a column command never closes its row.
  bool in_order_, closes_hit_rows_, open_page_;
  int priority_[kCommandKinds][2] = {};  // the scheduler's, asked once (priority())
  // Each one's rank among them (smallest first), placed where candidate() packs it.
  uint64_t priority_bits_[kCommandKinds][2] = {};
  PowerDown power_down_;
  int burst_;  // data-bus cycles per burst
  int read_to_read_l_, read_to_read_s_, write_to_read_l_, write_to_read_s_;
  int read_to_write_, write_to_write_l_, write_to_write_s_;
  int read_to_pre_, write_to_pre_;
  double act_pj_, pre_pj_, rd_pj_, wr_pj_, ref_pj_, active_pj_per_cycle_, idle_pj_per_cycle_;
  double apd_pj_per_cycle_, ppd_pj_per_cycle_, sr_pj_per_cycle_;

  std::vector<Bank> banks_;
  std::vector<Group> groups_;
  std::vector<Rank> ranks_;
  mutable std::vector<Floors> floors_;  // per rank, worked out once per decision (choose())
  std::vector<Request> requests_;       // slots of the queue, d_.queue_size of them
  std::vector<int> free_slots_;
  std::vector<int> busy_banks_;  // banks with queued requests, in no particular order
  std::vector<int> busy_index_;  // per bank: its position in busy_banks_, or -1
  size_t queued_ = 0;
  uint64_t next_age_ = 1;
  // Requests not yet in the queue: single ones, or runs of consecutive bursts.
  struct Waiting {
    Request next;                     // the first one, decoded
    const AddressMap* map = nullptr;  // runs: how the next ones decode
    uint64_t address = 0, left = 1;   // runs: the first one's address, requests left
  };
  std::deque<Waiting> waiting_;
  [[nodiscard]] Request request_at(const Location& at, bool write, uint64_t arrival,
                                   uint64_t transfer) const {
    Request r{};
    r.arrival = arrival;
    r.write = write;
    r.next = r.prev = -1;
    r.transfer = transfer;
    locate(r, at);
    return r;
  }
  // Sets where a request goes: its flat bank, rank, bank group and row.
  void locate(Request& r, const Location& at) const {
    r.bankgroup = at.rank * d_.bankgroups + at.bankgroup;
    r.bank = r.bankgroup * d_.banks_per_group + at.bank;
    r.rank = at.rank;
    r.row = at.row;
  }
  // Moves the next request of waiting entry `i` into `into` (the entry leaves when empty).
  void take_waiting(size_t i, Request& into);
  // Entry `i` leaves; the others keep their order.
  void erase_waiting(size_t i);
  // Entry `i` loses its next `n` requests (fewer than it has) without their entering the queue.
  void drop_waiting(size_t i, uint64_t n);
  // Whether the waiting entries take turns (the first names a transfer), how many have arrived
  // by now (a prefix: arrivals never decrease), and the one the next admission takes: the next
  // in turn if it has arrived, else the first.
  [[nodiscard]] bool taking_turns() const {
    return !waiting_.empty() && waiting_.front().next.transfer != 0;
  }
  [[nodiscard]] size_t arrived_entries() const;
  // Whether a request waits that has arrived by now (arrivals never decrease).
  [[nodiscard]] bool arrived() const {
    return !waiting_.empty() && waiting_.front().next.arrival <= now_;
  }
  [[nodiscard]] size_t turn() const {
    return next_waiting_ < waiting_.size() && waiting_[next_waiting_].next.arrival <= now_
               ? next_waiting_
               : 0;
  }
  // The next `n` admissions, in their order, without their requests entering the queue.
  void skip_admissions(uint64_t n);
  // How many of entry `w`'s next requests (at most `cap`) are those the watched period admitted,
  // the c-th its admission (offset + c * stride) modulo the period.
  [[nodiscard]] uint64_t matching(const Waiting& w, size_t offset, size_t stride,
                                  uint64_t cap) const;
  size_t next_waiting_ = 0;  // the entry the next admission takes, when transfers interleave

  // The transfers being tracked, in the order they were added.
  struct Transfer {
    uint64_t id = 0;
    uint64_t left = 0;  // requests not yet served
    uint64_t done = 0;  // the last data beat of those served
  };
  std::vector<Transfer> transfers_;
  void track(uint64_t transfer, uint64_t count);
  [[nodiscard]] Transfer* find_transfer(uint64_t id);
  const Transfer* target_ = nullptr;  // the transfer settle() runs for

  // The streams service (channel_stream.cpp). A turn's bursts stripe over its positions, one
  // bank each (the fields below the column), and come back to the first after the last.
  struct Position {
    int bank = 0, rank = 0, bankgroup = 0;
    int64_t row = 0;
    uint64_t left = 0;     // bursts of the turn still to serve in this bank
    bool counted = false;  // the next of them is classified (a miss or conflict) already
  };
  struct Turn {
    bool active = false, write = false;
    uint64_t arrival = 0, transfer = 0;
    uint64_t left = 0;  // bursts still to serve
    size_t next = 0;    // the position of the next burst
    std::vector<Position> positions;
    // Every position with bursts left has its row open: it needs no row command until one of
    // its banks closes (consider_rows(), precharge()).
    mutable bool rows_open = false;
    uint64_t banks = 0;  // a bit per bank of its positions, modulo 64
  };
  Service service_;
  Turn serving_, upcoming_;  // the turn whose columns issue, and the one whose rows open next
  void run_streams();
  // Fills the serving and upcoming turns from the entries that have arrived.
  void take_turns();
  void take_turn(Turn& into);
  void finish_turn();  // the serving turn has served its last burst: the upcoming one serves
  [[nodiscard]] Choice choose_for_turns() const;
  // The best refresh command or row command of the turns, the columns left aside.
  [[nodiscard]] Choice choose_besides_columns() const;
  // The first row command the turns need, in the order of their bursts, if it goes before `best`.
  void consider_rows(Choice& best) const;
  // The row command position `p` needs, its row not open (ACT to a closed bank, else PRE), and
  // its earliest cycle (c's kind, cycle, rank and bank).
  void row_command(const Position& p, Choice& c) const;
  [[nodiscard]] bool serving_uses(int bank) const;
  // The request of the next burst of turn `t` at position `p`.
  [[nodiscard]] static Request request_of(const Turn& t, const Position& p);
  void issue_for_turn(const Choice& c);
  // Issues `c`, a refresh's command, and the rest of the refresh's commands while nothing else
  // could go before them and nothing comes by `event`.
  void issue_refresh(Choice c, uint64_t event);
  // Issues `c`, a column of the serving turn, and the turn's next columns while nothing else
  // could go before them.
  void serve_columns(Choice c, uint64_t event);
  // The earliest cycle of the serving turn's column at position `p`, its row open.
  [[nodiscard]] uint64_t column_cycle(const Position& p) const;
  // A stripe of the serving turn, with the PREs and ACTs that open its banks, is applied at once,
  // its statistics in closed form, when its columns come before `event` and its ranks have no
  // refresh pending: the other ranks' refresh commands and the upcoming turn's row commands go
  // between its columns. Once a stripe ends with its columns' constraints, counted from its end,
  // as they were counted from its start, every later stripe repeats it, and as many as come
  // before `event` are applied with it. skip_stripes() applies stripes while it can, up to the
  // turn's end, and returns whether it applied any.
  bool skip_stripes(uint64_t event);
  // One stripe and its repeats (`repeats`), a stripe that does not repeat with the one after it
  // and that one's repeats, or a stripe alone.
  bool skip_stripes_once(uint64_t event, bool& repeats);
  // Works out the serving turn's next stripe (stripe_cycles_, and the row commands opening its
  // banks, stripe_opens_), its commands issuing with nothing else between them from now (or, with
  // `follow`, from the end of the stripe worked out last), and whether the stripe after it
  // repeats it `period` cycles later. False when a bank must open while a refresh is pending.
  bool work_out_stripe(bool follow, uint64_t& period, bool& repeats);
  // Issues the refresh commands and the turns' row commands that come before `end`, the last of
  // the columns being skipped (stripe_cycles_, 0 to `n` - 1 periods of `period` later, after
  // stripe_lead_ if `lead`), as the decisions between those columns would.
  void issue_between(uint64_t end, uint64_t period, uint64_t n, bool lead);
  // The same without a refresh pending: the upcoming turn's row commands, none at a cycle
  // `column_at` names, a PRE to a bank the serving turn uses no earlier than `freed(bank)` (0
  // when it does not use it, kNever while it still does after the columns).
  template <typename ColumnAt, typename Freed>
  void upcoming_rows_between(uint64_t end, const ColumnAt& column_at, const Freed& freed);
  std::vector<uint64_t> stripe_cycles_;  // a stripe's columns, by position (work_out_stripe())
  // What a stripe's columns wait for, at its end and at its start (work_out_stripe()).
  std::vector<uint64_t> stripe_view_, stripe_view_start_;
  // The stripe worked out last: where it ended, the ranks its turn meets (a mask) and, for a turn
  // in one rank, the other ranks' constraint on its columns (tRTRS).
  uint64_t stripe_end_ = 0, stripe_used_ = 0, stripe_others_ = 0;
  std::vector<uint64_t> stripe_lead_;  // a stripe applied once before repeating ones
  // The row commands that open its banks (work_out_stripe()), in their order, and what they wait
  // for: each rank's ACT floor, each bank group's, and by position each bank's and whether it
  // is closed.
  struct StripeOpen {
    size_t position;
    bool activate;  // else a PRE
    uint64_t cycle;
  };
  std::vector<StripeOpen> stripe_opens_;
  std::vector<ActWindow> stripe_act_ranks_;
  std::vector<uint64_t> stripe_act_groups_, stripe_bank_act_;
  std::vector<uint8_t> stripe_closed_;
  // The serving turn's next stripe and the one after it, worked out from now: the cycles of their
  // columns and of the commands opening their banks, counted from now.
  struct WorkedOut {
    bool repeats = false, next_repeats = false;
    uint64_t period = 0, next_period = 0;
    std::vector<uint64_t> cycles, next_cycles;  // columns, by position
    std::vector<StripeOpen> opens;
  };
  // Those of the serving turn, from now; null when the first cannot be worked out
  // (work_out_stripe() false). A run meets few distinct views of what they wait for, each many
  // times: they are remembered by it.
  const WorkedOut* stripes_from_now();
  // What the work-out of the serving turn's next stripe reads, counted from now, in `key`, and
  // whether a bank of it must open first (`opens`); false when the view does not fit a key.
  bool view_of_stripe(StripeKey& key, bool& opens) const;
  StripeKey stripe_key_;
  StripeMemo<WorkedOut> worked_out_{size_t{1} << 13};
  WorkedOut worked_out_now_;  // worked out for a view not remembered
  // Runs until every request has completed, or until target_ (when set) has.
  void run();
  uint64_t now_ = 0;  // no command issues before this cycle
  // The soonest refresh due of the ranks without one pending, and whether any has one pending.
  uint64_t refresh_soonest_ = kNever;
  bool refresh_pending_ = false;
  uint64_t last_arrival_ = 0;
  ChannelStats stats_;
  std::vector<IssuedCommand>* log_ = nullptr;
  std::vector<LowPowerStay>* low_power_log_ = nullptr;

  bool skip_repeats_ = true;
  uint64_t columns_skipped_ = 0, columns_replayed_ = 0;
  std::vector<std::pair<uint64_t, int>> history_;  // (cycle, bank) of recent column commands
  int period_ = 0;                                 // commands per period being verified, or 0
  int watched_ = 0;                                // commands seen of that period
  int cooldown_ = 0, backoff_ = 8;                 // column commands until the next attempt
  std::vector<int64_t> first_snapshot_, snapshot_scratch_;
  mutable std::vector<const Request*> queue_scratch_, age_scratch_;
  ChannelStats first_stats_;
  uint64_t first_now_ = 0;
  std::vector<Column> period_columns_;
  std::vector<Admitted> period_admitted_;
  // Replaying that period (channel_repeat.cpp): the next of its columns, the requests admitted
  // so far in this repeat, and how much later than the period it is.
  bool replaying_ = false;
  size_t replay_next_ = 0, replay_admitted_ = 0;
  uint64_t replay_offset_ = 0, replay_delta_ = 0;
  uint64_t replay_banks_ = 0;  // a digest of the busy banks at the end of the last repeat
  bool replay_moved_ = false;  // the busy banks have changed since the replay began
  // What the decisions of the watched period depend on at its start (see decisions()), whether
  // that was known, and whether every request admitted in it hit its row with its bank ready.
  std::vector<int64_t> first_decisions_, decisions_scratch_;
  bool watch_replayable_ = false;
};

}  // namespace tessera::ddr
