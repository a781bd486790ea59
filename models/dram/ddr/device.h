// A DRAM device and its memory system as a DRAMSim3 `.ini` file describes them: organisation,
// timing (in clock cycles of the device, tCK), IDD currents and the system around the devices
// (channels, bus width, address mapping, page policy). Files are read as they are; keys that
// tessera does not model are listed for the caller, never silently dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::ddr {

inline constexpr uint64_t kNever = UINT64_MAX;  // a cycle that never comes

struct Device {
  std::string name;      // the file or preset it came from
  std::string protocol;  // DDR3, DDR4, LPDDR4, GDDR6, HBM, ...

  // Organisation. Ranks are derived as DRAMSim3 does: channel_size / size of one rank.
  int channels = 1, ranks = 1, bankgroups = 1, banks_per_group = 1;
  int64_t rows = 0, columns = 0;
  int device_width = 0;  // bits per device
  int burst_length = 0;  // BL: data beats per column access
  int bus_width = 0;     // bits per channel
  int64_t channel_size_mb = 0;
  std::string address_mapping;  // e.g. "rochrababgco", most significant field first
  bool open_page = true;
  int queue_size = 32;  // requests per channel the scheduler sees (trans_queue_size)
  // The controller's structure as DRAMSim3 names it: command queues per bank (or per rank) of
  // cmd_queue_size entries, one transaction queue for reads and writes or a read queue and a
  // write buffer, refresh of all ranks at once or staggered over the interval.
  enum class QueueStructure { per_bank, per_rank };
  enum class RefreshPolicy { rank_staggered, rank_simultaneous };
  QueueStructure queue_structure = QueueStructure::per_bank;
  RefreshPolicy refresh_policy = RefreshPolicy::rank_staggered;
  int cmd_queue_size = 8;
  bool unified_queue = false;
  bool dual_command = false;  // HBM: a row and a column command may issue in the same cycle

  // Timing, in tCK cycles except tck_ns.
  double tck_ns = 0;
  int AL = 0, CL = 0, CWL = 0;
  int tRCD_read = 0, tRCD_write = 0;  // tRCD, or tRCDRD / tRCDWR where the device splits them
  int tRP = 0, tRAS = 0, tRC = 0;
  int tRRD_S = 0, tRRD_L = 0, tFAW = 0;
  int tCCD_S = 0, tCCD_L = 0, tWTR_S = 0, tWTR_L = 0;
  int tWR = 0, tRTP = 0, tRTRS = 0;
  int tRFC = 0, tREFI = 0;
  int tPPD = 0;  // precharge to precharge, other banks (LPDDR4, GDDR)
  // Power-down: minimum residency (tCKE), exit to the next command (tXP) and self-refresh
  // minimum residency and exit (tCKESR, tXS).
  int tCKE = 0, tXP = 0, tCKESR = 0, tXS = 0;

  // Currents (mA) and supply (V) of one device.
  double VDD = 0, IDD0 = 0, IDD2N = 0, IDD3N = 0, IDD4R = 0, IDD4W = 0, IDD5AB = 0;
  // Power-down standby: precharge (IDD2P), active (IDD3P) and self-refresh (IDD6x).
  double IDD2P = 0, IDD3P = 0, IDD6 = 0;

  // Derived.
  [[nodiscard]] int banks_per_rank() const { return bankgroups * banks_per_group; }
  [[nodiscard]] int devices_per_rank() const { return bus_width / device_width; }
  // Cycles a burst occupies the data bus: two beats per cycle, four for GDDR's quad data rate.
  [[nodiscard]] int burst_cycles() const;
  [[nodiscard]] int burst_bytes() const { return bus_width / 8 * burst_length; }
  [[nodiscard]] int read_latency() const { return AL + CL; }    // RL
  [[nodiscard]] int write_latency() const { return AL + CWL; }  // WL
  [[nodiscard]] uint64_t bytes_per_channel() const;
  [[nodiscard]] double peak_gbps() const;  // all channels, GB/s
};

struct LoadedDevice {
  Device device;
  // Keys present in the file that tessera does not model, each once, as "section.key (line N)",
  // and the assumptions made for keys the file lacks.
  std::vector<std::string> notes;
};

// Parses a DRAMSim3 .ini text; `file` names it in errors. Throws InputError (file, line, field)
// for malformed lines, missing or non-numeric values and impossible organisation or timing.
[[nodiscard]] LoadedDevice parse_device_ini(const std::string& text, const std::string& file);
[[nodiscard]] LoadedDevice load_device_ini(const std::string& path);

}  // namespace tessera::ddr
