// tessera secure-schedule through the real binary: its closed-form traffic equals what the
// simulated aes_gcm engine moves, cross-layer matching is never worse than the other choices, and
// the trace it writes carries the chosen blocks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/crypto/crypto_layers.h"
#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"

namespace tessera::test {
namespace {

// A chain: conv2 consumes conv1's outputs (10x10 pixels, 16 channels), fc is independent.
const std::string kChainTrace = "tessera_trace: 1\nname: chain\nlayers:\n" + kConv1Layer +
                                R"(    mapping:
      buffer_tile: {m: 30, n: 8, k: 36}
      loop_order: [n, k, m]
)" + kConv2Layer + R"(    padding: 1
    mapping:
      buffer_tile: {m: 16, n: 8, k: 64}
)" + kFcLayer;

struct Schedule {
  nlohmann::json json;
  std::string trace;
};

Schedule schedule(const TempDir& dir, const std::string& trace, const std::string& matching) {
  Schedule s{{}, dir.path() + "/" + matching + ".yaml"};
  const std::string json = dir.path() + "/" + matching + ".json";
  std::string out;
  EXPECT_EQ(run(kBinary + " secure-schedule " + quote(trace) + " --matching " + matching + " -o " +
                    quote(s.trace) + " --json " + quote(json),
                out),
            0)
      << out;
  s.json = read_json(json);
  return s;
}

TEST(SecureSchedule, ClosedFormTrafficEqualsTheSimulatedEngine) {
  TempDir dir;
  const std::string trace = dir.write("chain.yaml", kChainTrace);
  for (const char* matching : {"tile", "per-layer", "cross-layer"}) {
    const Schedule s = schedule(dir, trace, matching);
    const std::string report = dir.path() + "/run.json";
    std::string out;
    ASSERT_EQ(run(kBinary + " run " + quote(s.trace) + " -q -p crypto.impl=aes_gcm --json " +
                      quote(report),
                  out),
              0)
        << out;
    const auto r = read_json(report);
    EXPECT_EQ(s.json["totals"]["redundant_bytes"].get<uint64_t>(),
              counter(r, "crypto", "redundant_read_bytes") +
                  counter(r, "crypto", "redundant_write_bytes") +
                  counter(r, "crypto", "rmw_read_bytes"))
        << matching;
    EXPECT_EQ(s.json["totals"]["tag_bytes"].get<uint64_t>(),
              counter(r, "crypto", "tag_bytes_read") + counter(r, "crypto", "tag_bytes_written"))
        << matching;
  }
}

TEST(SecureSchedule, CrossLayerMatchingIsNeverWorse) {
  TempDir dir;
  const std::string trace = dir.write("chain.yaml", kChainTrace);
  auto total = [](const nlohmann::json& j) {
    const auto& t = j["totals"];
    return t["redundant_bytes"].get<int64_t>() + t["tag_bytes"].get<int64_t>() +
           t["reencryption_bytes"].get<int64_t>();
  };
  const Schedule tile = schedule(dir, trace, "tile");
  const Schedule per_layer = schedule(dir, trace, "per-layer");
  const Schedule cross = schedule(dir, trace, "cross-layer");
  EXPECT_LE(total(cross.json), total(per_layer.json));
  EXPECT_LE(total(cross.json), total(tile.json));
  // conv2 consumes conv1's outputs: tile blocks must be re-encrypted in between.
  EXPECT_TRUE(tile.json["layers"][1]["consumes_previous"].get<bool>());
  EXPECT_FALSE(tile.json["layers"][2]["consumes_previous"].get<bool>());
  EXPECT_GT(tile.json["layers"][1]["reencryption_bytes"].get<int64_t>(), 0);
  // The written trace carries the chosen blocks.
  const std::string written = test::read_file(cross.trace);
  const std::string chosen = cross.json["layers"][1]["inputs"]["auth_block"].get<std::string>();
  EXPECT_NE(written.find("inputs: {auth_block: " + chosen + "}"), std::string::npos) << written;
}

TEST(SecureSchedule, BadInputIsExitCodeTwo) {
  TempDir dir;
  const std::string trace = dir.write("chain.yaml", kChainTrace);
  std::string out;
  EXPECT_EQ(
      test::run_stderr(kBinary + " secure-schedule " + quote(trace) + " --matching best", out), 2)
      << out;
  EXPECT_NE(out.find("field 'best'"), std::string::npos) << out;
  EXPECT_EQ(test::run_stderr(kBinary + " secure-schedule " + quote(dir.path() + "/none.yaml"), out),
            2)
      << out;
}

}  // namespace
}  // namespace tessera::test
