// The policies of the DDR controller that `dram: ddr` uses (models/dram/ddr/channel.h): which
// command goes first, when a row is closed, when ranks refresh. Each is a family of its own,
// registered like the modules (sim/registry.h) and chosen with the dram parameters `scheduler`,
// `page_policy` and `refresh_policy`; `tessera config --list` shows them. A new policy is one
// file and one line in CMakeLists.txt (or a plugin):
//
//   class ReadsFirst : public tessera::ddr::Scheduler { ... };
//   TESSERA_REGISTER(Scheduler, reads_first, ReadsFirst, "what it does", {});
//
// inside namespace tessera::ddr. An implementation is built from the device (its timing and
// organisation) and has no parameters of its own.
//
// The controller never steps cycle by cycle: it works out the earliest cycle each candidate
// command could issue and issues the earliest, and it skips the repeats of a steady stream
// (channel_repeat.cpp). So a policy must be a pure function of what it is given, with no state
// of its own, and a scheduler only orders commands that can issue at the same cycle: a command
// that can issue is never held back for a later one, and of two alike the older goes first.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "models/dram/ddr/device.h"
#include "sim/error.h"

namespace tessera::ddr {

enum class CommandKind : uint8_t { activate, precharge, read, write, refresh };
inline constexpr int kCommandKinds = 5;

// Which of the queued requests compete, and which command goes first.
class Scheduler {
 public:
  static constexpr const char* kFamily = "ddr_scheduler";
  using Context = Device;
  struct Facts {};
  virtual ~Scheduler() = default;

  // Whether only the oldest queued request may issue a command (in order); otherwise every
  // bank's oldest read hit, oldest write hit and the ACT or PRE of its oldest other request
  // compete.
  [[nodiscard]] virtual bool in_order() const = 0;
  // Whether a row that queued requests still hit may be precharged for another row's request.
  [[nodiscard]] virtual bool closes_rows_with_hits() const = 0;
  // Of the commands that can issue at the same cycle, one of the highest priority (the smallest
  // number) goes first, and among those the oldest request's; a refresh's commands (the PREs
  // closing its rank's banks, then REF) count as the oldest. Asked once for each kind of command
  // and whether it is a read or write to the open row (`hit`), when the controller is built.
  [[nodiscard]] virtual int priority(CommandKind kind, bool hit) const = 0;
};

// When a bank's row closes by itself: after a column command, the controller may send it with
// auto-precharge (RDA, WRA).
class PagePolicy {
 public:
  static constexpr const char* kFamily = "ddr_page_policy";
  using Context = Device;
  struct Facts {};
  virtual ~PagePolicy() = default;

  // After a read or write to the open row: whether the bank precharges as soon as timing allows,
  // given how many queued requests still hit that row. A policy that keeps a row no request
  // wants keeps every row open (open page).
  [[nodiscard]] virtual bool close_after_column(int queued_row_hits) const = 0;
};

// When each rank's all-bank refreshes fall due. The controller refreshes a rank once its refresh
// is due (closing its banks first); the next falls due tREFI after the one before.
class RefreshPolicy {
 public:
  static constexpr const char* kFamily = "ddr_refresh_policy";
  using Context = Device;
  struct Facts {};
  virtual ~RefreshPolicy() = default;

  // The cycle rank `rank`'s first refresh falls due.
  [[nodiscard]] virtual uint64_t first_due(int rank) const = 0;
};

// One controller's policies. Stateless, so the channels of a memory system share them.
struct Policies {
  std::shared_ptr<const Scheduler> scheduler;
  std::shared_ptr<const PagePolicy> page;
  std::shared_ptr<const RefreshPolicy> refresh;
};

// Builds the named policies for `device`. "device" takes the device file's own: its
// row_buf_policy (open, closed) and refresh_policy (staggered, simultaneous). Throws InputError
// at `where` (the parameter that named it) for a name no implementation registered.
struct PolicyNames {
  std::string scheduler = "frfcfs", page = "device", refresh = "device";
};
struct PolicyNameSources {
  SourceLocation scheduler, page, refresh;
};
[[nodiscard]] Policies make_policies(const Device& device, const PolicyNames& names,
                                     const PolicyNameSources& where = {});

}  // namespace tessera::ddr
