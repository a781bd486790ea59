// `tessera dram`: replays a DRAMSim3-format trace on a preset or a device file, prints the
// statistics, writes the JSON report; bad input is one error naming file, line and field (exit 2)
// and no report.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using tessera::test::quote;
using tessera::test::read_file;
using tessera::test::run;
using tessera::test::run_stderr;
using tessera::test::TempDir;

using tessera::test::kBinary;
using tessera::test::kSourceDir;

std::string dram(const std::string& args) {
  return kBinary + " dram " + args;
}

TEST(CliDram, ReplaysATraceAndWritesEveryField) {
  TempDir dir;
  // Two reads of one row, a write to another bank, far apart: a miss, a hit, a miss.
  const std::string trace =
      dir.write("t.trace", "0x0 READ 0\n0x40 READ 1000\n\n0x1a2b3c40 WRITE 2000\n");
  const std::string json = dir.path() + "/out.json";
  std::string out;
  ASSERT_EQ(
      run(dram("--preset DDR4-3200-x8 --trace " + quote(trace) + " --json " + quote(json)), out), 0)
      << out;
  EXPECT_NE(out.find("read_row_hits"), std::string::npos) << out;
  const auto j = nlohmann::json::parse(read_file(json));
  for (const char* f :
       {"reads", "writes", "read_row_hits", "write_row_hits", "activates", "precharges",
        "refreshes", "avg_read_latency_cycles", "max_read_latency_cycles", "bandwidth_gbps"}) {
    EXPECT_TRUE(j.contains(f)) << f;
  }
  EXPECT_EQ(j["reads"], 2);
  EXPECT_EQ(j["writes"], 1);
  EXPECT_EQ(j["read_row_hits"], 1);
  EXPECT_EQ(j["write_row_hits"], 0);
  EXPECT_EQ(j["activates"], 2);
  // DDR4-3200 (DDR4_8Gb_x8_3200.ini): tRCD 22, CL 22, BL8 = 4 cycles. Latency counts, as
  // DRAMSim3's, from acceptance (the cycle after arrival) and includes the one cycle a request
  // takes to reach its command queue: a miss takes 1 + 22 + 22 + 4 = 49 cycles, a hit 27.
  EXPECT_EQ(j["max_read_latency_cycles"], 49);
  EXPECT_DOUBLE_EQ(j["avg_read_latency_cycles"].get<double>(), (49 + 27) / 2.0);
  double sum = 0;
  for (const char* part : {"act", "pre", "rd", "wr", "ref", "background"}) {
    ASSERT_TRUE(j["energy_pj"].contains(part)) << part;
    sum += j["energy_pj"][part].get<double>();
  }
  EXPECT_NEAR(j["energy_pj"]["total"].get<double>(), sum, 1e-9 * sum);
}

TEST(CliDram, LoadsADeviceFileAndNamesKeysItDoesNotModel) {
  TempDir dir;
  const std::string trace = dir.write("t.trace", "0x100 READ 5\n0x200 WRITE 9\n");
  std::string err;
  ASSERT_EQ(run_stderr(dram("--ini " + quote(kSourceDir + "/data/dram/HBM2_8Gb_x128.ini") +
                            " --trace " + quote(trace)),
                       err),
            0)
      << err;
  EXPECT_NE(err.find("dram_structure.num_dies (line 9) is not modelled"), std::string::npos) << err;
}

TEST(CliDram, BadInputIsOneErrorWithFileLineAndField) {
  TempDir dir;
  const std::string good = dir.write("good.trace", "0x0 READ 0\n");
  const std::string json = dir.path() + "/out.json";
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases{
      {"--preset DDR9 --trace " + quote(good), "field 'preset'"},
      {"--preset DDR4-3200-x8 --trace " + quote(dir.write("a.trace", "0x0 READ 0\n0x40 FETCH 3\n")),
       "a.trace:2: field 'command'"},
      {"--preset DDR4-3200-x8 --trace " + quote(dir.write("b.trace", "zz READ 0\n")),
       "b.trace:1: field 'address'"},
      {"--preset DDR4-3200-x8 --trace " + quote(dir.write("c.trace", "0x0 READ 9\n0x40 READ 3\n")),
       "c.trace:2: field 'cycle'"},
      // 16 GiB: the first address beyond it.
      {"--preset DDR4-3200-x8 --trace " + quote(dir.write("d.trace", "0x400000000 READ 0\n")),
       "d.trace:1: field 'address'"},
      {"--ini " + quote(dir.write("e.ini", "[dram_structure]\nprotocol DDR4\n")) + " --trace " +
           quote(good),
       "e.ini:2"},
      {"--preset HBM2 --address-mapping roroch --trace " + quote(good), "address_mapping"},
      {"--preset HBM2 --controller fifo --trace " + quote(good), "field 'controller'"},
      {"--preset HBM2 --scheduler fcfs --trace " + quote(good), "field 'scheduler'"},
      {"--preset HBM2 --controller single-queue --scheduler lifo --trace " + quote(good),
       "field 'scheduler': unknown ddr_scheduler implementation 'lifo'"},
      {"--preset HBM2 --page-policy shut --trace " + quote(good), "field 'page_policy'"},
      {"--preset HBM2 --controller single-queue --page-policy shut --trace " + quote(good),
       "field 'page_policy': unknown ddr_page_policy implementation 'shut'"},
      // The trace is mapped, not read: a missing file or a folder gets the same located error.
      {"--preset DDR4-3200-x8 --trace " + quote(dir.path() + "/missing.trace"),
       "missing.trace: field 'trace': cannot open the file"},
      {"--preset DDR4-3200-x8 --trace " + quote(dir.path()), "field 'trace': cannot open the file"},
  };
  for (const Case& c : cases) {
    std::string err;
    EXPECT_EQ(run_stderr(dram(c.args + " --json " + quote(json)), err), 2) << c.args << "\n" << err;
    EXPECT_NE(err.find(c.expect), std::string::npos) << c.args << "\n" << err;
    EXPECT_FALSE(std::filesystem::exists(json)) << c.args;
  }
  std::string err;
  EXPECT_EQ(run_stderr(dram("--trace " + quote(good)), err), 1) << err;  // no device
}

}  // namespace
