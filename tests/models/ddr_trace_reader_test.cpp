// The DRAMSim3 trace reader: every spelling of a good line it accepts, the one error each bad
// line gets (file, line, field), and the mapped file it reads from.
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/dram/ddr/trace_replay.h"
#include "tests/support/files.h"
#include "tests/support/parsing.h"
#include "traces/text_file.h"

namespace tessera::ddr {
namespace {

using test::input_error_of;

std::vector<TraceRequest> read_trace_requests(const std::string& text,
                                              uint64_t capacity = UINT64_MAX) {
  TraceReader reader(text, "t.trace", capacity);
  std::vector<TraceRequest> out;
  for (TraceRequest r; reader.next(r);) out.push_back(r);
  return out;
}

TEST(DramTraceReader, ReadsEverySpellingOfAGoodLine) {
  const std::vector<TraceRequest> got = read_trace_requests(
      "0x1a2B3c40 READ 120\n"
      "  0XFF\tWRITE\t121  \r\n"
      "\n"
      "   \n"
      "abc READ 121\n"
      "0xfffffffffffffffe WRITE 4294967296\n"
      "0x0000000000000000040 READ 00000000000000000000004294967296");  // no final newline
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].address, 0x1a2b3c40u);
  EXPECT_FALSE(got[0].write);
  EXPECT_EQ(got[0].arrival, 120u);
  EXPECT_EQ(got[1].address, 0xffu);
  EXPECT_TRUE(got[1].write);
  EXPECT_EQ(got[1].arrival, 121u);
  EXPECT_EQ(got[2].address, 0xabcu);
  EXPECT_EQ(got[3].address, UINT64_MAX - 1);
  EXPECT_EQ(got[3].arrival, kMaxArrivalCycle);
  EXPECT_EQ(got[4].address, 0x40u);
  EXPECT_EQ(got[4].arrival, kMaxArrivalCycle);
  EXPECT_TRUE(read_trace_requests("").empty());
  EXPECT_TRUE(read_trace_requests("\n\n  \n").empty());
}

TEST(DramTraceReader, EachBadLineIsOneErrorNamingLineAndField) {
  struct Case {
    std::string text, expect;
  };
  const std::vector<Case> cases{
      {"0x0 READ 0\n0x40 READ\n", "t.trace:2: field 'request'"},
      {"0x0 READ 0 7\n", "t.trace:1: field 'request'"},
      {"0xg0 READ 0\n", "t.trace:1: field 'address': expected a hexadecimal address, got '0xg0'"},
      {"0x READ 0\n", "t.trace:1: field 'address'"},
      {"-40 READ 0\n", "t.trace:1: field 'address'"},
      // 17 hexadecimal digits: beyond 64 bits.
      {"0x10000000000000000 READ 0\n", "t.trace:1: field 'address'"},
      {"0x40 read 0\n", "t.trace:1: field 'command': expected READ or WRITE, got 'read'"},
      {"0x40 READ 12a\n", "t.trace:1: field 'cycle': expected a non-negative integer"},
      {"0x40 READ -1\n", "t.trace:1: field 'cycle'"},
      {"0x40 READ 0xa\n", "t.trace:1: field 'cycle'"},
      // 2^64: beyond 64 bits, and so beyond the arrival bound too.
      {"0x40 READ 18446744073709551616\n", "t.trace:1: field 'cycle'"},
      {"0x40 READ 4294967297\n", "t.trace:1: field 'cycle': arrival 4294967297 is beyond cycle"},
      {"0x0 READ 5\n\n0x40 READ 4\n", "t.trace:3: field 'cycle': arrival 4 is earlier"},
  };
  // Good lines after the bad one: a line with more text after it is read in one pass, and a
  // line that pass does not take is read again as any other.
  const std::string after = "\n0x80 READ 99999999\n0x80 READ 99999999\n0x80 READ 99999999\n";
  for (const Case& c : cases) {
    for (const std::string& text : {c.text, c.text + after}) {
      EXPECT_NE(input_error_of([&] { (void)read_trace_requests(text); }).find(c.expect),
                std::string::npos)
          << text << "\n"
          << input_error_of([&] { (void)read_trace_requests(text); });
    }
  }
  EXPECT_NE(input_error_of([] { (void)read_trace_requests("0x0 READ 0\n0x400 READ 1\n", 0x400); })
                .find("t.trace:2: field 'address': address 0x400 is beyond the memory's capacity "
                      "(1024 bytes)"),
            std::string::npos);
}

TEST(DramTraceReader, ReadsALongTraceAsItsLinesOneByOne) {
  // A long trace's usual lines are read in one pass, the others as a line alone is read: both
  // give the same requests, whatever the spelling.
  std::mt19937_64 random(7);
  const auto pick = [&](uint64_t n) { return random() % n; };
  std::string trace;
  std::vector<TraceRequest> alone;
  uint64_t arrival = 0;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t address = pick(4) == 0 ? random() : pick(uint64_t{1} << 34);
    arrival += pick(3) == 0 ? 0 : pick(1000);
    std::ostringstream line;
    line << (pick(8) == 0 ? "  " : "")
         << (pick(2) == 0   ? "0x"
             : pick(2) == 0 ? "0X"
                            : "")
         << std::hex << (pick(2) == 0 ? std::uppercase : std::nouppercase) << address << std::dec
         << (pick(8) == 0 ? "\t" : " ") << (pick(2) == 0 ? "READ" : "WRITE")
         << (pick(8) == 0 ? "  " : " ") << arrival << (pick(8) == 0 ? " \r\n" : "\n");
    const std::vector<TraceRequest> one = read_trace_requests(line.str());
    ASSERT_EQ(one.size(), 1u) << line.str();
    alone.push_back(one[0]);
    trace += line.str();
  }
  const std::vector<TraceRequest> whole = read_trace_requests(trace);
  ASSERT_EQ(whole.size(), alone.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].address, alone[i].address) << i;
    EXPECT_EQ(whole[i].arrival, alone[i].arrival) << i;
    EXPECT_EQ(whole[i].write, alone[i].write) << i;
  }
}

TEST(DramTraceReader, ReadsLinesOnlyAsTheyAreAskedFor) {
  // The good lines before a bad one are served first; the error comes with the bad line.
  TraceReader reader("0x0 READ 0\n0x40 READ 1\nbad\n", "t.trace", 1 << 20);
  TraceRequest r;
  EXPECT_TRUE(reader.next(r));
  EXPECT_TRUE(reader.next(r));
  EXPECT_EQ(r.address, 0x40u);
  EXPECT_NE(input_error_of([&] { (void)reader.next(r); }).find("t.trace:3: field 'request'"),
            std::string::npos);
}

TEST(MappedTextFile, MapsTheBytesAndNamesAFileItCannotRead) {
  test::TempDir dir;
  const std::string path = dir.write("t.trace", "0x0 READ 0\n");
  EXPECT_EQ(MappedTextFile(path).text(), "0x0 READ 0\n");
  EXPECT_EQ(MappedTextFile(dir.write("empty.trace", "")).text(), "");
  EXPECT_NE(input_error_of([&] {
              const MappedTextFile f(dir.path() + "/missing", "trace");
            }).find("missing: field 'trace': cannot open the file"),
            std::string::npos);
  EXPECT_NE(input_error_of([&] {
              const MappedTextFile f(dir.path(), "trace");
            }).find("cannot open the file: not a regular file"),
            std::string::npos);
}

}  // namespace
}  // namespace tessera::ddr
