#include "models/dram/ddr/device.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "models/dram/ddr/address_map.h"
#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/text_file.h"

namespace tessera::ddr {
namespace {

// Far beyond any real device, and small enough that what is allocated from these numbers stays
// bounded and no sum or product of them overflows.
constexpr int64_t kMaxIniInteger = int64_t{1} << 24;  // any integer key
constexpr int64_t kMaxBanksPerGroup = 256;            // bankgroups, banks_per_group
constexpr int64_t kMaxChannels = 1024;
constexpr int64_t kMaxBurstLength = 256;
constexpr int64_t kMaxBusWidth = int64_t{1} << 16;     // bits
constexpr int64_t kMaxSystemBanks = int64_t{1} << 16;  // channels x ranks x banks per rank
constexpr int64_t kMaxQueueSize = 1024;  // the channel packs a queue slot in 10 bits (channel.h)
constexpr double kMinTckNs = 0.01;

bool is_power_of_two(int64_t v) {
  return v > 0 && (v & (v - 1)) == 0;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

struct Value {
  std::string text;
  int line = 0;
};

// The keys of the file, by "section.key", with the value and line of each.
class IniFile {
 public:
  IniFile(const std::string& text, std::string file) : file_(std::move(file)) {
    std::string section;
    int line_no = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      // DRAMSim3's files put comments after ';' (also after values) and start some lines with '#'.
      if (const size_t c = line.find(';'); c != std::string::npos) line.resize(c);
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      if (line.front() == '[') {
        if (line.back() != ']' || line.size() < 3) {
          throw InputError({file_, line_no, line}, "malformed section header, expected [name]");
        }
        section = trim(line.substr(1, line.size() - 2));
        continue;
      }
      const size_t eq = line.find('=');
      if (eq == std::string::npos) {
        throw InputError({file_, line_no, line}, "expected 'key = value' or '[section]'");
      }
      const std::string key = trim(line.substr(0, eq));
      const std::string field = section + "." + key;
      if (key.empty()) throw InputError({file_, line_no, field}, "missing key before '='");
      if (section.empty()) throw InputError({file_, line_no, key}, "key outside any [section]");
      if (values_.count(field)) throw InputError({file_, line_no, field}, "appears twice");
      values_[field] = {trim(line.substr(eq + 1)), line_no};
      order_.push_back(field);
    }
  }

  [[nodiscard]] bool has(const std::string& field) const { return values_.count(field) > 0; }
  [[nodiscard]] int line(const std::string& field) const {
    const auto it = values_.find(field);
    return it == values_.end() ? 0 : it->second.line;
  }
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::vector<std::string>& order() const { return order_; }

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw InputError({file_, line(field), field}, message);
  }

  const std::string& text(const std::string& field) {
    const auto it = values_.find(field);
    if (it == values_.end()) fail(field, "missing");
    used_.insert(field);
    return it->second.text;
  }

  int64_t integer(const std::string& field, int64_t min, int64_t max = kMaxIniInteger) {
    const std::string& t = text(field);
    const auto v = parse_int(t);
    if (!v) fail(field, "expected an integer, got '" + t + "'");
    if (*v < min) fail(field, "must be at least " + std::to_string(min) + ", got " + t);
    if (*v > max) fail(field, "must be at most " + std::to_string(max) + ", got " + t);
    return *v;
  }
  int integer_or(const std::string& field, int fallback, int64_t min = 0,
                 int64_t max = kMaxIniInteger) {
    return has(field) ? static_cast<int>(integer(field, min, max)) : fallback;
  }

  double real(const std::string& field, bool positive) {
    const std::string& t = text(field);
    const auto v = parse_real(t);
    if (!v) fail(field, "expected a number, got '" + t + "'");
    if (*v < 0 || (positive && *v == 0)) {
      fail(field, std::string("must be ") + (positive ? "positive" : "at least 0") + ", got " + t);
    }
    return *v;
  }

  // The keys never read, each once, with their lines.
  [[nodiscard]] std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (const auto& f : order_) {
      if (!used_.count(f)) {
        out.push_back(f + " (line " + std::to_string(line(f)) + ") is not modelled");
      }
    }
    return out;
  }

 private:
  std::string file_;
  std::map<std::string, Value> values_;
  std::vector<std::string> order_;
  std::set<std::string> used_;
};

// A key that may be given in place of another (`instead`), with the message naming both.
int64_t alternative(IniFile& ini, const std::string& field, const std::string& instead) {
  if (!ini.has(field)) ini.fail(field, "missing (give " + instead + " or " + field + ")");
  return ini.integer(field, 1);
}

void require(bool ok, IniFile& ini, const std::string& field, const std::string& message) {
  if (!ok) ini.fail(field, message);
}

}  // namespace

int Device::burst_cycles() const {
  const bool quad = protocol.rfind("GDDR", 0) == 0;
  return std::max(1, burst_length / (quad ? 4 : 2));
}

uint64_t Device::bytes_per_channel() const {
  return static_cast<uint64_t>(ranks) * static_cast<uint64_t>(banks_per_rank()) *
         static_cast<uint64_t>(rows) * static_cast<uint64_t>(columns) *
         static_cast<uint64_t>(bus_width / 8);
}

double Device::peak_gbps() const {
  return channels * static_cast<double>(burst_bytes()) / (burst_cycles() * tck_ns);
}

LoadedDevice parse_device_ini(const std::string& text, const std::string& file) {
  IniFile ini(text, file);
  LoadedDevice out;
  Device& d = out.device;
  auto& notes = out.notes;
  d.name = file;

  d.protocol = ini.text("dram_structure.protocol");
  d.bankgroups = static_cast<int>(ini.integer("dram_structure.bankgroups", 1, kMaxBanksPerGroup));
  d.banks_per_group =
      static_cast<int>(ini.integer("dram_structure.banks_per_group", 1, kMaxBanksPerGroup));
  d.rows = ini.integer("dram_structure.rows", 1);
  d.columns = ini.integer("dram_structure.columns", 1);
  d.device_width = static_cast<int>(ini.integer("dram_structure.device_width", 1));
  d.burst_length = static_cast<int>(ini.integer("dram_structure.BL", 1, kMaxBurstLength));
  for (const char* f : {"dram_structure.bankgroups", "dram_structure.banks_per_group",
                        "dram_structure.rows", "dram_structure.columns"}) {
    require(is_power_of_two(ini.integer(f, 1)), ini, f,
            "must be a power of two (it is a field of the address)");
  }
  require(is_power_of_two(d.burst_length) && d.burst_length >= 2, ini, "dram_structure.BL",
          "must be a power of two of at least 2");
  // DRAMSim3 reads an HBM file's columns as twice the figure given, so that an HBM2 channel of
  // its files is one rank of 2 KiB rows; tessera reads the files as DRAMSim3 does.
  if (d.protocol.rfind("HBM", 0) == 0) d.columns *= 2;
  require(d.columns >= d.burst_length, ini, "dram_structure.columns",
          "must be at least BL (" + std::to_string(d.burst_length) + ")");

  d.tck_ns = ini.real("timing.tCK", true);
  require(d.tck_ns >= kMinTckNs, ini, "timing.tCK",
          "must be at least " + shortest_text(kMinTckNs) + " ns, got " + ini.text("timing.tCK"));
  d.AL = ini.integer_or("timing.AL", 0);
  d.CL = static_cast<int>(ini.integer("timing.CL", 1));
  d.CWL = static_cast<int>(ini.integer("timing.CWL", 1));
  if (ini.has("timing.tRCD")) {
    d.tRCD_read = d.tRCD_write = static_cast<int>(ini.integer("timing.tRCD", 1));
  } else {
    d.tRCD_read = static_cast<int>(alternative(ini, "timing.tRCDRD", "timing.tRCD"));
    d.tRCD_write = static_cast<int>(alternative(ini, "timing.tRCDWR", "timing.tRCD"));
  }
  d.tRP = static_cast<int>(ini.integer("timing.tRP", 1));
  d.tRAS = static_cast<int>(ini.integer("timing.tRAS", 1));
  d.tRC = d.tRAS + d.tRP;
  if (ini.has("timing.tRC")) {
    d.tRC = static_cast<int>(ini.integer("timing.tRC", 1));
    require(d.tRAS <= d.tRC, ini, "timing.tRC",
            "impossible timing: tRAS (" + std::to_string(d.tRAS) + ") exceeds tRC (" +
                std::to_string(d.tRC) + ")");
    require(d.tRC >= d.tRAS + d.tRP, ini, "timing.tRC",
            "impossible timing: tRC must be at least tRAS + tRP (" +
                std::to_string(d.tRAS + d.tRP) + ")");
  }
  d.tRRD_S = static_cast<int>(ini.integer("timing.tRRD_S", 1));
  d.tRRD_L = static_cast<int>(ini.integer("timing.tRRD_L", 1));
  d.tFAW = static_cast<int>(ini.integer("timing.tFAW", 0));
  d.tCCD_S = static_cast<int>(ini.integer("timing.tCCD_S", 1));
  d.tCCD_L = static_cast<int>(ini.integer("timing.tCCD_L", 1));
  d.tWTR_S = static_cast<int>(ini.integer("timing.tWTR_S", 0));
  d.tWTR_L = static_cast<int>(ini.integer("timing.tWTR_L", 0));
  d.tWR = static_cast<int>(ini.integer("timing.tWR", 1));
  if (ini.has("timing.tRTP")) {
    d.tRTP = static_cast<int>(ini.integer("timing.tRTP", 1));
  } else {
    // HBM and GDDR give tRTP per bank group; the same-group figure is the larger, so it is safe.
    d.tRTP = static_cast<int>(alternative(ini, "timing.tRTP_L", "timing.tRTP"));
    notes.push_back("timing.tRTP_L (line " + std::to_string(ini.line("timing.tRTP_L")) +
                    ") read as tRTP for every bank group");
  }
  if (ini.has("timing.tRTRS")) {
    d.tRTRS = static_cast<int>(ini.integer("timing.tRTRS", 0));
  } else {
    d.tRTRS = 1;
    notes.emplace_back("timing.tRTRS not given: one cycle of rank-to-rank switching assumed");
  }
  d.tRFC = static_cast<int>(ini.integer("timing.tRFC", 1));
  d.tPPD = ini.integer_or("timing.tPPD", 0);
  // Power-down timing; a file without it gets the smallest legal figures, and is told so.
  const auto timing_or = [&](const char* key, int fallback) {
    const std::string field = std::string("timing.") + key;
    if (!ini.has(field)) {
      notes.push_back(field + " not given: " + std::to_string(fallback) + " cycles assumed");
      return fallback;
    }
    return static_cast<int>(ini.integer(field, 1));
  };
  d.tCKE = timing_or("tCKE", 1);
  d.tXP = timing_or("tXP", std::max(1, d.tCKE));
  d.tCKESR = timing_or("tCKESR", d.tCKE + 1);
  d.tXS = timing_or("tXS", d.tRFC);
  // DRAMSim3's DDR3 file names the refresh interval REFI.
  const std::string refi =
      ini.has("timing.REFI") && !ini.has("timing.tREFI") ? "timing.REFI" : "timing.tREFI";
  d.tREFI = static_cast<int>(ini.integer(refi, 1));
  if (refi == "timing.REFI") {
    notes.push_back("timing.REFI (line " + std::to_string(ini.line(refi)) + ") read as tREFI");
  }
  require(d.tREFI > d.tRFC, ini, refi,
          "impossible timing: tREFI (" + std::to_string(d.tREFI) + ") must exceed tRFC (" +
              std::to_string(d.tRFC) + ")");
  require(d.tRRD_L >= d.tRRD_S, ini, "timing.tRRD_L", "impossible timing: tRRD_L < tRRD_S");
  require(d.tCCD_L >= d.tCCD_S, ini, "timing.tCCD_L", "impossible timing: tCCD_L < tCCD_S");
  require(d.tWTR_L >= d.tWTR_S, ini, "timing.tWTR_L", "impossible timing: tWTR_L < tWTR_S");

  d.VDD = ini.real("power.VDD", true);
  d.IDD0 = ini.real("power.IDD0", false);
  d.IDD2N = ini.real("power.IDD2N", false);
  d.IDD3N = ini.real("power.IDD3N", false);
  d.IDD4R = ini.real("power.IDD4R", false);
  d.IDD4W = ini.real("power.IDD4W", false);
  d.IDD5AB = ini.real("power.IDD5AB", false);
  // Power-down currents; without them power-down saves nothing (each falls back to the standby
  // current it replaces), and the caller is told.
  const auto current_or = [&](const char* key, double fallback) {
    const std::string field = std::string("power.") + key;
    if (!ini.has(field)) {
      notes.push_back(field + " not given: power-down saves nothing over standby");
      return fallback;
    }
    return ini.real(field, false);
  };
  d.IDD2P = current_or("IDD2P", d.IDD2N);
  d.IDD3P = current_or("IDD3P", d.IDD3N);
  d.IDD6 = current_or("IDD6x", d.IDD2P);
  require(d.IDD2P <= d.IDD2N, ini, "power.IDD2P", "must be at most IDD2N (precharge standby)");
  require(d.IDD3P <= d.IDD3N, ini, "power.IDD3P", "must be at most IDD3N (active standby)");
  // Each operation's energy is its current above the background it replaces.
  for (const char* f : {"power.IDD0", "power.IDD4R", "power.IDD4W", "power.IDD5AB"}) {
    require(ini.real(f, false) >= d.IDD3N, ini, f, "must be at least IDD3N (active standby)");
  }
  require(d.IDD0 >= d.IDD2N, ini, "power.IDD0", "must be at least IDD2N (precharge standby)");

  d.channels = static_cast<int>(ini.integer("system.channels", 1, kMaxChannels));
  require(is_power_of_two(d.channels), ini, "system.channels", "must be a power of two");
  d.bus_width = static_cast<int>(ini.integer("system.bus_width", 1, kMaxBusWidth));
  require(d.bus_width % d.device_width == 0 && d.bus_width % 8 == 0, ini, "system.bus_width",
          "must be a multiple of 8 and of device_width (" + std::to_string(d.device_width) + ")");
  d.channel_size_mb = ini.integer("system.channel_size", 1);
  // Ranks as DRAMSim3 derives them: as many as fit the channel's size, at least one.
  // Each factor is at most kMaxIniInteger (2^24), so each step is checked before it can overflow.
  int64_t rank_bytes = d.columns * d.device_width / 8;
  for (const int64_t factor :
       {d.rows, int64_t{d.banks_per_rank()}, int64_t{d.devices_per_rank()}}) {
    require(rank_bytes <= (int64_t{1} << 62) / factor, ini, "dram_structure.rows",
            "a rank of this organisation would hold more than 2^62 bytes");
    rank_bytes *= factor;
  }
  const int64_t rank_mb = rank_bytes >> 20;
  if (rank_mb == 0 || rank_mb > d.channel_size_mb) {
    d.ranks = 1;
    notes.push_back("system.channel_size (line " + std::to_string(ini.line("system.channel_size")) +
                    ") is below one rank (" + std::to_string(rank_mb) + " MB): one rank modelled");
  } else {
    d.ranks = static_cast<int>(d.channel_size_mb / rank_mb);
    require(is_power_of_two(d.ranks), ini, "system.channel_size",
            "must give a power-of-two number of ranks of " + std::to_string(rank_mb) + " MB");
  }
  // The memory system keeps state per bank: channels x ranks x banks.
  const int64_t system_banks = int64_t{d.channels} * d.ranks * d.banks_per_rank();
  require(system_banks <= kMaxSystemBanks, ini, "system.channel_size",
          "the memory system would have " + std::to_string(system_banks) +
              " banks (channels x ranks x banks per rank); at most " +
              std::to_string(kMaxSystemBanks) + " are modelled");
  d.address_mapping = ini.text("system.address_mapping");
  try {
    (void)AddressMap(d, d.address_mapping);
  } catch (const std::invalid_argument& e) {
    ini.fail("system.address_mapping", e.what());
  }
  if (ini.has("system.row_buf_policy")) {
    const std::string policy = ini.text("system.row_buf_policy");
    require(policy == "OPEN_PAGE" || policy == "CLOSE_PAGE", ini, "system.row_buf_policy",
            "expected OPEN_PAGE or CLOSE_PAGE, got '" + policy + "'");
    d.open_page = policy == "OPEN_PAGE";
  }
  d.queue_size = ini.integer_or("system.trans_queue_size", 32, 1, kMaxQueueSize);
  d.cmd_queue_size = ini.integer_or("system.cmd_queue_size", 8, 1, kMaxQueueSize);
  if (ini.has("system.queue_structure")) {
    const std::string q = ini.text("system.queue_structure");
    require(q == "PER_BANK" || q == "PER_RANK", ini, "system.queue_structure",
            "expected PER_BANK or PER_RANK, got '" + q + "'");
    d.queue_structure =
        q == "PER_BANK" ? Device::QueueStructure::per_bank : Device::QueueStructure::per_rank;
  }
  if (ini.has("system.refresh_policy")) {
    const std::string r = ini.text("system.refresh_policy");
    require(r == "RANK_LEVEL_STAGGERED" || r == "RANK_LEVEL_SIMULTANEOUS", ini,
            "system.refresh_policy",
            "expected RANK_LEVEL_STAGGERED or RANK_LEVEL_SIMULTANEOUS (per-bank refresh is not "
            "modelled), got '" +
                r + "'");
    d.refresh_policy = r == "RANK_LEVEL_STAGGERED" ? Device::RefreshPolicy::rank_staggered
                                                   : Device::RefreshPolicy::rank_simultaneous;
  }
  if (ini.has("system.unified_queue")) {
    const std::string u = ini.text("system.unified_queue");
    require(u == "True" || u == "False" || u == "true" || u == "false", ini, "system.unified_queue",
            "expected True or False, got '" + u + "'");
    d.unified_queue = u == "True" || u == "true";
  }
  // HBM's command bus takes a row and a column command in one cycle (DRAMSim3's hbm_dual_cmd,
  // on unless the file turns it off).
  d.dual_command = d.protocol.rfind("HBM", 0) == 0;
  if (ini.has("system.hbm_dual_cmd")) {
    const std::string h = ini.text("system.hbm_dual_cmd");
    d.dual_command = d.dual_command && (h == "True" || h == "true");
  }

  for (auto& n : ini.unused()) notes.push_back(std::move(n));
  return out;
}

LoadedDevice load_device_ini(const std::string& path) {
  return parse_device_ini(read_text_file(path, "ini"), path);
}

}  // namespace tessera::ddr
