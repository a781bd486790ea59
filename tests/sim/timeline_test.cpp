// `--timeline`: the Chrome trace and the VCD describe the same run as the JSON report. On the
// samples (dense, sparse with Tailors, crypto, single-buffered, DDR and ideal DRAM): the layer
// slices start and end where the report's layers do, the array's busy spans of a layer add up
// to its compute cycles, the DRAM transfers' bytes to the layer's DRAM bytes and the crypto
// engines' spans to their busy cycles, and the DRAM ranks' low-power spans to their exits. Then
// the limits and the bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using nlohmann::json;
using tessera::test::quote;
using tessera::test::read_file;
using tessera::test::run;
using tessera::test::TempDir;

using tessera::test::kBinary;
using tessera::test::kSourceDir;

struct Span {
  std::string track, name;
  uint64_t begin = 0, cycles = 0;
  uint64_t bytes = 0;  // a DRAM transfer's
};

// The spans of a Chrome trace, with their tracks' names (a lane's "#n" taken off) and begin
// cycles.
std::vector<Span> spans_of(const json& trace) {
  const double mhz = trace["otherData"]["clock_mhz"].get<double>();
  std::map<int, std::string> tracks;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") {
      std::string name = e["args"]["name"];
      name = name.substr(0, name.find(" #"));
      tracks[e["tid"].get<int>()] = name;
    }
  }
  std::vector<Span> spans;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] != "X") continue;
    Span s;
    s.track = tracks.at(e["tid"].get<int>());
    s.name = e["name"];
    s.begin = static_cast<uint64_t>(std::llround(e["ts"].get<double>() * mhz));
    s.cycles = e["args"]["cycles"].get<uint64_t>();
    s.bytes = e["args"].value("bytes", uint64_t{0});
    spans.push_back(s);
  }
  return spans;
}

struct Case {
  const char* name;
  std::string args;  // after `tessera`, before the output options
};

std::vector<Case> cases() {
  const std::string sparse = "run " + quote(kSourceDir + "/traces/sparse/suitesparse.yaml") +
                             " --arch " + quote(kSourceDir + "/traces/arch/sparse.yaml");
  return {
      {"dense_ddr", "run"},
      {"dense_ideal", "run -p dram.impl=ideal"},
      {"single_buffered", "run -p buffer.double_buffered=false"},
      {"crypto_ddr", "run -p crypto.impl=aes_gcm"},
      {"crypto_ideal", "run -p crypto.impl=aes_gcm -p dram.impl=ideal"},
      {"sparse_tailors", sparse},
      {"sparse_ddr", sparse + " -p dram.impl=ddr"},
      {"ddr_self_refresh", "run -p dram.self_refresh_cycles=1000"},
  };
}

class TimelineAgrees : public testing::TestWithParam<Case> {};

TEST_P(TimelineAgrees, WithTheReport) {
  TempDir dir;
  const std::string timeline = dir.path() + "/t.json", report = dir.path() + "/r.json";
  const std::string command = kBinary + " " + GetParam().args + " --quiet --timeline " +
                              quote(timeline) + " --json " + quote(report);
  std::string out;
  ASSERT_EQ(run(command, out), 0) << command << "\n" << out;
  const json r = json::parse(read_file(report));
  const std::vector<Span> spans = spans_of(json::parse(read_file(timeline)));

  std::vector<const Span*> layers;
  for (const Span& s : spans) {
    if (s.track == "layers") layers.push_back(&s);
  }
  ASSERT_EQ(layers.size(), r["layers"].size());
  uint64_t start = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const json& l = r["layers"][i];
    SCOPED_TRACE(l["name"].get<std::string>());
    EXPECT_EQ(layers[i]->name, l["name"]);
    EXPECT_EQ(layers[i]->begin, start);
    EXPECT_EQ(layers[i]->cycles, l["cycles"].get<uint64_t>());
    const uint64_t end = start + l["cycles"].get<uint64_t>();
    uint64_t busy = 0, dram_bytes = 0;
    for (const Span& s : spans) {
      if (s.begin < start || s.begin >= end) continue;
      if (s.track == "pe_array" && s.name == "busy") busy += s.cycles;
      if (s.track == "dram") dram_bytes += s.bytes;
    }
    const json& c = l["cycles_by_cause"];
    EXPECT_EQ(busy, c["compute"].get<uint64_t>() + c["array_underuse"].get<uint64_t>() +
                        c["fill_drain"].get<uint64_t>() + c["sparse_imbalance"].get<uint64_t>());
    EXPECT_EQ(dram_bytes,
              l["dram_bytes_read"].get<uint64_t>() + l["dram_bytes_written"].get<uint64_t>());
    start = end;
  }

  uint64_t crypto = 0;
  for (const Span& s : spans) {
    if (s.track.rfind("crypto", 0) == 0) crypto += s.cycles;
  }
  uint64_t engine_busy = 0;
  for (const json& c : r["components"]) {
    if (c["name"] != "crypto") continue;
    if (c["counters"].contains("engine_busy_cycles")) {
      engine_busy = c["counters"]["engine_busy_cycles"].get<uint64_t>();
    }
  }
  EXPECT_EQ(crypto, engine_busy);
  if (std::string(GetParam().name).rfind("crypto", 0) == 0) {
    EXPECT_GT(crypto, 0U);
  }

  // Each rank's low-power stays, one span per stay. A power-down ends in an exit or in
  // self-refresh entry; a stay that ends exactly where a layer starts has nothing to show in it.
  uint64_t powerdowns = 0, self_refreshes = 0;
  for (const Span& s : spans) {
    if (s.track.size() < 6 || s.track.compare(s.track.size() - 6, 6, ".power") != 0) continue;
    (s.name == "self-refresh" ? self_refreshes : powerdowns) += 1;
  }
  for (const json& c : r["components"]) {
    if (c["name"] != "dram" || !c["counters"].contains("powerdown_exits")) continue;
    const auto pd_exits = c["counters"]["powerdown_exits"].get<uint64_t>();
    const auto sr_exits = c["counters"]["self_refresh_exits"].get<uint64_t>();
    const uint64_t boundaries = 2 * layers.size();  // ranks (2 in DDR4-3200 x8) per layer start
    if (sr_exits == 0) {
      EXPECT_EQ(powerdowns, pd_exits);
    } else {  // and the power-downs that led into self-refresh
      EXPECT_GE(powerdowns + boundaries, pd_exits);
    }
    EXPECT_LE(self_refreshes, sr_exits);
    EXPECT_GE(self_refreshes + boundaries, sr_exits);
    if (std::string(GetParam().name) == "dense_ddr") {
      EXPECT_GT(powerdowns, 0U);
    }
    if (std::string(GetParam().name) == "ddr_self_refresh") {
      EXPECT_GT(self_refreshes, 0U);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, TimelineAgrees, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& i) { return i.param.name; });

// The VCD of the same run: declarations before the first change, time never going back, and
// the array's wire high for exactly the cycles it computed or waited on its ports.
TEST(TimelineVcd, ArrayWireMatchesTheReport) {
  TempDir dir;
  const std::string timeline = dir.path() + "/t.vcd", report = dir.path() + "/r.json";
  std::string out;
  ASSERT_EQ(
      run(kBinary + " run -q --timeline " + quote(timeline) + " --json " + quote(report), out), 0)
      << out;
  const json r = json::parse(read_file(report));
  std::istringstream vcd(read_file(timeline));
  std::string line, array_code;
  bool definitions = true;
  uint64_t now = 0, high_since = 0, high_ps = 0;
  bool high = false;
  while (std::getline(vcd, line)) {
    if (definitions) {
      std::istringstream words(line);
      std::string var, type, width, code, name;
      words >> var >> type >> width >> code >> name;
      if (var == "$var" && name == "pe_array") array_code = code;
      if (line == "$enddefinitions $end") definitions = false;
      continue;
    }
    if (line.empty()) continue;
    if (line[0] == '#') {
      const uint64_t t = std::stoull(line.substr(1));
      ASSERT_GE(t, now) << line;
      now = t;
    } else if (!array_code.empty() && line.substr(1) == array_code &&
               (line[0] == '0' || line[0] == '1')) {
      if (line[0] == '1' && !high) high_since = now;
      if (line[0] == '0' && high) high_ps += now - high_since;
      high = line[0] == '1';
    }
  }
  ASSERT_FALSE(array_code.empty());
  EXPECT_FALSE(definitions);
  uint64_t expected = 0;
  for (const json& l : r["layers"]) {
    const json& c = l["cycles_by_cause"];
    for (const char* cause : {"compute", "array_underuse", "fill_drain", "sparse_imbalance",
                              "buffer_port_stall", "overbook_refetch"}) {
      expected += c[cause].get<uint64_t>();
    }
  }
  const double period_ps = 1e6 / r["clock_mhz"].get<double>();
  EXPECT_EQ(high_ps,
            static_cast<uint64_t>(std::llround(static_cast<double>(expected) * period_ps)));
}

// An array issues a tile's operand reads when the tile starts (its local time), so a Tailors
// buffer re-fetches a bumped tail while that tile runs, not before it: every re-fetch begins
// inside an array span (busy, then waiting on the ports). Issued at the step's start instead, the
// re-fetch came back before the tile began and the array's time ran away.
TEST(TimelineTailors, ReFetchesBeginWhileTheirTileRuns) {
  TempDir dir;
  const std::string timeline = dir.path() + "/t.json", report = dir.path() + "/r.json";
  std::string out;
  ASSERT_EQ(run(kBinary + " run -q -p buffer.impl=tailors --timeline " + quote(timeline) +
                    " --timeline-layers 1:8 --json " + quote(report),
                out),
            0)
      << out;
  std::vector<std::pair<uint64_t, uint64_t>> array;  // [begin, end) of each tile's spans
  std::vector<uint64_t> refetches;
  for (const Span& s : spans_of(json::parse(read_file(timeline)))) {
    if (s.track == "pe_array" && s.name == "busy") array.emplace_back(s.begin, s.begin + s.cycles);
    if (s.track == "pe_array" && s.name != "busy" && !array.empty()) {
      array.back().second = std::max(array.back().second, s.begin + s.cycles);
    }
    if (s.name == "bumped tail re-fetched") refetches.push_back(s.begin);
  }
  ASSERT_FALSE(refetches.empty());
  for (const uint64_t at : refetches) {
    const bool inside = std::any_of(array.begin(), array.end(),
                                    [&](const auto& a) { return a.first <= at && at < a.second; });
    EXPECT_TRUE(inside) << "a re-fetch at cycle " << at << " outside every tile";
  }
  const json r = json::parse(read_file(report));
  uint64_t refetch_cycles = 0;
  for (const json& l : r["layers"]) {
    refetch_cycles += l["cycles_by_cause"]["overbook_refetch"].get<uint64_t>();
  }
  EXPECT_GT(refetch_cycles, 0U);
}

TEST(TimelineLimits, ALimitedTimelineSaysSoAndTheReportCompletes) {
  TempDir dir;
  const std::string timeline = dir.path() + "/t.json", report = dir.path() + "/r.json";
  std::string out;
  ASSERT_EQ(run(kBinary + " run -q --timeline " + quote(timeline) +
                    " --timeline-limit 100 --json " + quote(report),
                out),
            0)
      << out;
  EXPECT_NE(out.find("limit of 100 events"), std::string::npos) << out;
  const json t = json::parse(read_file(timeline));
  EXPECT_NE(t["incomplete"].get<std::string>().find("limit of 100"), std::string::npos);
  EXPECT_LE(spans_of(t).size(), 100U);
  EXPECT_EQ(json::parse(read_file(report))["layers"].size(), 54U);
}

TEST(TimelineLimits, LayersSelectsARange) {
  TempDir dir;
  const std::string timeline = dir.path() + "/t.json";
  std::string out;
  ASSERT_EQ(
      run(kBinary + " run -q --timeline " + quote(timeline) + " --timeline-layers CB2a_1:CB2a_3",
          out),
      0)
      << out;
  std::vector<std::string> layers;
  for (const Span& s : spans_of(json::parse(read_file(timeline)))) {
    if (s.track == "layers") layers.push_back(s.name);
  }
  EXPECT_EQ(layers, (std::vector<std::string>{"CB2a_1", "CB2a_2", "CB2a_3"}));
}

struct TimelineBadCase {
  const char* name;
  std::string options;  // with FILE standing for a path in the test's folder
  const char* message;
};

class TimelineBadInput : public testing::TestWithParam<TimelineBadCase> {};

TEST_P(TimelineBadInput, ExitsWithOneClearErrorAndWritesNothing) {
  TempDir dir;
  std::string options = GetParam().options;
  options.replace(options.find("FILE"), 4, quote(dir.path() + "/t"));
  const std::string command =
      kBinary + " run -q " + options + " --json " + quote(dir.path() + "/r.json");
  std::string out;
  EXPECT_EQ(run(command, out), 2) << command << "\n" << out;
  EXPECT_NE(out.find(GetParam().message), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TimelineBadInput,
    testing::Values(
        TimelineBadCase{"missing_folder", "--timeline FILE/no/such/t.json", "output"},
        TimelineBadCase{"unknown_extension", "--timeline FILE.txt", "must end in .json"},
        TimelineBadCase{"no_such_layer", "--timeline FILE.json --timeline-layers Conv9",
                        "names no layer"},
        TimelineBadCase{"backward_range", "--timeline FILE.json --timeline-layers 5:2",
                        "ends before"},
        TimelineBadCase{"zero_limit", "--timeline FILE.json --timeline-limit 0", "at least 1"},
        TimelineBadCase{"negative_limit", "--timeline FILE.json --timeline-limit -5", "at least 1"},
        TimelineBadCase{"layers_without_timeline", "--timeline-layers 1 --csv FILE.csv",
                        "needs --timeline"}),
    [](const testing::TestParamInfo<TimelineBadCase>& i) { return i.param.name; });

}  // namespace
