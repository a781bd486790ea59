// One channel's controller with the structure a DRAMSim3 `.ini` describes, cycle by cycle:
// - a read queue and a write buffer of trans_queue_size requests each (or one unified queue);
//   a full queue refuses new requests, which is the backpressure seen by the requester;
// - writes are posted (done one cycle after acceptance), merged with a buffered write to the same
//   address, and forward their data to a later read of that address;
// - one request per cycle moves from the transaction queues into command queues per bank (or per
//   rank) of cmd_queue_size entries; reads by default, writes while draining: draining starts when
//   the write buffer is full, or holds more than 8 writes while every command queue is empty, and
//   moves the writes present then (stopping early at a write with a pending read of its address,
//   and moving that read at once when it is still in the read queue and nothing else is queued);
// - the command queues are visited round robin, one command per cycle (HBM: a row and a column
//   command together); in a queue the oldest command whose next step (ACT, PRE, RD, WR) meets
//   every timing constraint wins, a PRE only for a bank's oldest command and only when no queued
//   command hits the open row or that row has served 4 column commands;
// - refresh of each rank every tREFI (staggered over the ranks or all at once): its queues stop,
//   its open banks are precharged, then REF, and the rank waits tRFC;
// - read latency is counted from acceptance to the last data beat (RL + burst after the RD).
// Cycles where nothing can change are skipped (idle ones, and those where every queued command
// waits for a timing constraint), so waiting costs nothing.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/dram/ddr/address_map.h"
#include "models/dram/ddr/channel.h"
#include "models/dram/ddr/device.h"

namespace tessera::ddr {

class Controller {
 public:
  // How a controller advances: skipping (the default) or, as the reference the tests hold the
  // skipping to, ticking every cycle and looking at every queue each tick.
  enum class Stepping : uint8_t { skip, every_cycle };

  explicit Controller(const Device& device, Stepping stepping = Stepping::skip);

  // Whether a request of this kind would be accepted now (its queue has room).
  [[nodiscard]] bool will_accept(bool write) const;
  // Accepts a request at the current cycle: it counts as added at the next cycle, as a request
  // handed over after the controller's tick. Requires will_accept(write).
  void add(uint64_t address, const Location& at, bool write);
  // One controller cycle: refresh, at most one command (two on HBM), one request moved into
  // the command queues. Advances the clock by one.
  void tick();
  // Advances to `cycle` (not before now), skipping the cycles where nothing can happen.
  void run_until(uint64_t cycle);
  // From now on the write buffer is emptied whenever nothing else is queued: no more requests
  // will come, and every write must reach the device.
  void flush() {
    flushing_ = true;
    stalled_until_ = 0;
  }

  [[nodiscard]] uint64_t now() const { return clk_; }
  // No request is queued or waiting for its data.
  [[nodiscard]] bool done() const;
  // The earliest cycle at which a tick may change anything (now when work is queued).
  [[nodiscard]] uint64_t next_event() const;
  [[nodiscard]] ChannelStats stats(uint64_t until) const;

 private:
  enum Cmd : uint8_t { kAct, kPre, kRead, kWrite, kRef, kCmds };
  struct Request {
    uint64_t address;
    uint64_t added;
    uint64_t merged_added;  // the sum of the merged reads' arrivals
    int64_t row, column;
    int bank;  // flat: (rank * bankgroups + bankgroup) * banks_per_group + bank
    int rank, group;
    uint32_t merged;  // reads of the same address that arrived meanwhile: they return with it
    bool write;
  };
  struct Bank {
    int64_t open_row = -1;
    int column_commands = 0;  // since the ACT: a column command with this > 0 is a row hit
    uint64_t ready[kCmds] = {};
    int group = 0, rank = 0;  // flat indices of its bank group and rank
  };
  struct Rank {
    uint64_t ready[kCmds] = {};        // constraints on every bank of the rank
    uint64_t from_others[kCmds] = {};  // what the other ranks' column commands impose
    std::vector<uint64_t> faw;         // cycles of recent ACTs, for tFAW
    bool refresh_waiting = false;
    int open_banks = 0;
    uint64_t open_since = 0, active_cycles = 0;
  };

  [[nodiscard]] int queue_of(const Request& r) const;
  // The read (or write) of `address` still waiting for the DRAM, in its transaction queue or its
  // command queue `queue`; null when there is none.
  Request* pending(uint64_t address, int queue, bool write);
  // The requests queued (in a transaction or command queue), counted by a hash of their address:
  // a slot at zero spares pending() its scans, as for nearly every request of a trace.
  static constexpr int kAddressSlotBits = 12;
  std::array<uint32_t, size_t{1} << kAddressSlotBits> address_count_{};
  static size_t address_slot(uint64_t address) {
    return static_cast<size_t>((address * 0x9e3779b97f4a7c15) >> (64 - kAddressSlotBits));
  }
  [[nodiscard]] Cmd needed(const Request& r) const;  // the next command the request needs
  [[nodiscard]] bool ready(Cmd c, const Request& r) const;
  [[nodiscard]] bool precharge_allowed(const std::vector<Request>& q, size_t i) const;
  // The first command ready in a queue, oldest first: its index, and the command, or -1.
  [[nodiscard]] int first_ready(const std::vector<Request>& q, Cmd& cmd) const;
  // Picks a command round robin over the queues, starting after the last queue picked; false
  // when none is ready.
  bool pick(int& queue, int& index, Cmd& cmd);
  // Issues the command and sets the queue's wait to the soonest cycle at which another of its
  // commands may issue.
  void issue(int queue, int index, Cmd cmd);
  void execute(int queue, int index, Cmd cmd);  // the command's effect on banks and statistics
  [[nodiscard]] uint64_t next_possible(int queue) const;
  bool finish_refresh();  // a PRE or REF for the waiting refresh, if one is ready
  void refresh_tick();
  bool schedule_transaction();                    // false when no request could move
  bool move_request(std::vector<Request>& from);  // the first that fits into its command queue
  // After a cycle where nothing happened: the first cycle at which a queued command's timing, a
  // refresh's or the next refresh's due time can change that (nothing else moves meanwhile).
  [[nodiscard]] uint64_t next_change() const;
  void update_timing(Cmd c, const Request& r);
  [[nodiscard]] uint64_t ready_at(Cmd c, int bank) const;
  void open_bank(int bank, int64_t row);
  void close_bank(int bank);

  Device d_;
  bool every_cycle_;
  bool open_page_;
  int burst_, banks_per_rank_, num_queues_;
  int rr_l_, rr_s_, rr_o_, rw_, rw_o_, wr_l_, wr_s_, wr_o_, ww_l_, ww_s_, ww_o_;
  int read_to_pre_, write_to_pre_, read_delay_;
  uint64_t refresh_interval_;
  uint64_t next_refresh_;  // the first multiple of the interval after the last tick's cycle
  int next_refresh_rank_ = 0;

  std::vector<Bank> banks_;
  std::vector<std::array<uint64_t, kCmds>> groups_;  // constraints on every bank of a group
  std::vector<Rank> ranks_;
  std::vector<Request> read_queue_, write_buffer_;  // write_buffer_ unused when unified
  std::vector<std::vector<Request>> queues_;
  // Per queue: no command of it can issue before this cycle. Timing constraints only ever move
  // later, so this holds until the queue or its banks' rows change (which set it again).
  std::vector<uint64_t> queue_wait_;
  std::vector<int> queue_rank_;        // the rank each queue serves
  uint64_t nonempty_ = 0;              // a bit per non-empty queue, when there are at most 64
  std::vector<uint64_t> rank_queues_;  // per rank, a bit per queue of it (the same)
  uint64_t waiting_ = 0;               // a bit per queue whose wait is after now
  void set_wait(int queue, uint64_t until);
  // When each wait ends, so that a tick finds the queues whose waits ended without looking at
  // every waiting one: a bit per queue in the slot of the cycle its wait ends (for waits ending
  // within kWheelSlots cycles after the last sweep), the others in far_.
  static constexpr uint64_t kWheelSlots = 64;
  std::array<uint64_t, kWheelSlots> wheel_{};
  uint64_t wheel_used_ = 0;  // a bit per slot that may hold a queue
  uint64_t far_ = 0, far_min_ = UINT64_MAX;
  uint64_t swept_ = 0;  // the waits ending up to this cycle have been cleared from waiting_
  void expire_waits();
  [[nodiscard]] uint64_t soonest_wait() const;  // the soonest wait to end, after the sweep
  int queue_index_ = 0;
  // Ranks with a refresh due, in order; the first one's queues are skipped until its REF.
  std::vector<int> refresh_order_;
  int write_draining_ = 0;
  bool flushing_ = false;
  size_t queued_commands_ = 0;
  uint64_t clk_ = 0;
  uint64_t stalled_until_ = 0;  // no tick before this can change anything
  // While picking: the soonest cycle after now at which a command looked at becomes ready.
  mutable uint64_t soonest_ = 0;
  ChannelStats stats_;
  double act_pj_, pre_pj_, rd_pj_, wr_pj_, ref_pj_, active_pj_per_cycle_, idle_pj_per_cycle_;
};

}  // namespace tessera::ddr
