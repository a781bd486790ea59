// crypto: aes_gcm through the real binary: functional runs give the reference outputs with crypto
// on, every attack is caught on the first read that touches it, the extra traffic adds up, the
// engine time is what the engine model says, and bad input is exit code 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "plan/crypto_engine_timing.h"
#include "tests/crypto/crypto_layers.h"
#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"

namespace tessera::test {
namespace {

// Three layers: odd block sizes with short tails, tile blocks, a GEMM; partial-sum revisits.
const std::string kSecureTrace = "tessera_trace: 1\nname: secure\nlayers:\n" + kConv1Layer +
                                 R"(    padding: 1
    mapping:
      buffer_tile: {m: 40, n: 8, k: 36}
      loop_order: [n, k, m]
    security:
      inputs: {auth_block: 20}
      weights: {auth_block: 7}
      outputs: {auth_block: 24}
)" + kConv2Layer + R"(    mapping:
      buffer_tile: {m: 16, n: 8, k: 64}
)" + kFcLayer + R"(    security:
      inputs: {auth_block: 13}
      weights: {auth_block: tile}
      outputs: {auth_block: 7}
)";

nlohmann::json run_secure(const TempDir& dir, const std::string& trace, const std::string& args) {
  const std::string json = dir.path() + "/out.json";
  std::string out;
  const int rc =
      run(kBinary + " run " + quote(trace) + " -q --json " + quote(json) + " " + args, out);
  EXPECT_EQ(rc, 0) << out;
  return read_json(json);
}

TEST(AesGcmEngine, FunctionalRunGivesTheReferenceOutputsWithCryptoOnAndOff) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSecureTrace);
  for (const char* args : {"-p crypto.impl=none", "-p crypto.impl=aes_gcm",
                           "-p crypto.impl=aes_gcm -p crypto.key_bits=256 -p crypto.tag_bits=128",
                           "-p crypto.impl=aes_gcm -p crypto.engine=serial"}) {
    const auto report = run_secure(dir, trace, std::string("--functional ") + args);
    // Every output of every layer was compared with the reference convolution.
    EXPECT_TRUE(report["functional_checked"].get<bool>()) << args;
  }
}

TEST(AesGcmEngine, TimingIsTheSameWithAndWithoutValues) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSecureTrace);
  const auto timed = run_secure(dir, trace, "-p crypto.impl=aes_gcm -p crypto.engine=parallel");
  const auto functional =
      run_secure(dir, trace, "-p crypto.impl=aes_gcm -p crypto.engine=parallel --functional");
  EXPECT_EQ(timed["totals"], functional["totals"]);
  EXPECT_EQ(timed["components"], functional["components"]);
}

// The extra DRAM traffic is exactly the redundant block bytes, the read-modify-write reads and
// the tags: the tiling is the same with and without crypto.
TEST(AesGcmEngine, ExtraTrafficAddsUp) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSecureTrace);
  const auto plain = run_secure(dir, trace, "-p crypto.impl=none");
  const auto secure = run_secure(dir, trace, "-p crypto.impl=aes_gcm");
  const auto& p = plain["totals"];
  const auto& s = secure["totals"];
  const uint64_t redundant_read = counter(secure, "crypto", "redundant_read_bytes");
  const uint64_t rmw = counter(secure, "crypto", "rmw_read_bytes");
  EXPECT_GT(redundant_read, 0u);
  EXPECT_GT(rmw, 0u);  // conv1 and fc write outputs in partial blocks
  EXPECT_EQ(s["dram_bytes_read"].get<uint64_t>(), p["dram_bytes_read"].get<uint64_t>() +
                                                      redundant_read + rmw +
                                                      counter(secure, "crypto", "tag_bytes_read"));
  EXPECT_EQ(s["dram_bytes_written"].get<uint64_t>(),
            p["dram_bytes_written"].get<uint64_t>() +
                counter(secure, "crypto", "redundant_write_bytes") +
                counter(secure, "crypto", "tag_bytes_written"));
  // One 64-bit tag per block moved.
  EXPECT_EQ(counter(secure, "crypto", "tag_bytes_read"),
            8 * counter(secure, "crypto", "blocks_verified"));
  EXPECT_EQ(counter(secure, "crypto", "tag_bytes_written"),
            8 * counter(secure, "crypto", "blocks_encrypted"));
}

// A one-tile layer with tile blocks: fetch inputs, fetch weights, write outputs back, each one
// GCM message of ceil(bytes / 16) blocks, on one engine each; the engines' busy time is the sum.
TEST(AesGcmEngine, EngineTimeFollowsTheEngineModel) {
  TempDir dir;
  const std::string trace = dir.write("one.yaml", R"(tessera_trace: 1
layers:
  - name: only
    op: gemm
    m: 64
    n: 32
    k: 48
    mapping:
      buffer_tile: {m: 64, n: 32, k: 48}
)");
  for (const char* kind : {"pipelined", "parallel", "serial"}) {
    const auto report =
        run_secure(dir, trace, std::string("-p crypto.impl=aes_gcm -p crypto.engine=") + kind);
    const EngineKind& k = *find_engine_kind(kind);
    const uint64_t want = message_cycles(k, 64 * 48 / 16) + message_cycles(k, 48 * 32 / 16) +
                          message_cycles(k, 64 * 32 / 16);
    EXPECT_EQ(counter(report, "crypto", "engine_busy_cycles"), want) << kind;
    const uint64_t aes = 64 * 48 / 16 + 48 * 32 / 16 + 64 * 32 / 16 + 3;
    EXPECT_EQ(counter(report, "crypto", std::string("aes_block_") + kind), aes) << kind;
  }
}

// A slow engine stalls the layer; more engines per tensor or a shared pool never slow it down.
TEST(AesGcmEngine, EnginesAreAContendedResource) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSecureTrace);
  auto cycles = [&](const std::string& args) {
    return run_secure(dir, trace, "-p crypto.impl=aes_gcm " + args)["totals"]["cycles"]
        .get<uint64_t>();
  };
  const uint64_t none = run_secure(dir, trace, "")["totals"]["cycles"].get<uint64_t>();
  const uint64_t pipelined = cycles("-p crypto.engine=pipelined");
  const uint64_t serial = cycles("-p crypto.engine=serial");
  const uint64_t serial4 = cycles(
      "-p crypto.engine=serial -p crypto.inputs_engines=4 -p crypto.weights_engines=4 "
      "-p crypto.outputs_engines=4");
  EXPECT_GE(pipelined, none);
  EXPECT_GT(serial, 2 * pipelined);
  EXPECT_LT(serial4, serial);
  const auto busy = run_secure(dir, trace, "-p crypto.impl=aes_gcm -p crypto.engine=serial");
  EXPECT_GT(counter(busy, "crypto", "engine_wait_cycles"), 0u);
}

// Every attack is detected on the first read of the changed block and names layer and tensor;
// the run stops with exit code 3 and writes no report.
TEST(AesGcmEngine, TamperingIsAlwaysDetected) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSecureTrace);
  const std::string json = dir.path() + "/never.json";
  std::mt19937 rng(7);
  struct Target {
    const char* layer;
    const char* tensor;
    int bytes;  // ciphertext bytes: 4 per element
  };
  const Target targets[] = {
      {"conv1", "inputs", 4 * 12 * 12 * 8},  {"conv1", "weights", 4 * 8 * 9 * 16},
      {"conv2", "inputs", 4 * 10 * 10 * 16}, {"conv2", "weights", 4 * 16 * 9 * 8},
      {"fc", "inputs", 4 * 30 * 50},         {"fc", "weights", 4 * 50 * 20}};
  for (const Target& t : targets) {
    for (const char* option : {"--tamper", "--tamper-tag", "--replay"}) {
      std::string spec = std::string(t.layer) + ":" + t.tensor;
      if (std::string(option) != "--replay") {
        spec += ":" + std::to_string(rng() % static_cast<unsigned>(t.bytes)) + ":" +
                std::to_string(rng() % 8);
      }
      std::string out;
      const int rc = run(kBinary + " run " + quote(trace) + " -p crypto.impl=aes_gcm " + option +
                             " " + spec + " --json " + quote(json),
                         out);
      EXPECT_EQ(rc, 3) << option << " " << spec << "\n" << out;
      EXPECT_NE(out.find("integrity violation in layer '" + std::string(t.layer) + "', tensor " +
                         t.tensor),
                std::string::npos)
          << option << " " << spec << "\n"
          << out;
      EXPECT_FALSE(std::filesystem::exists(json));
    }
  }
}

// Output blocks the layer writes only in part are read back (read-modify-write) and verified, so
// a bit flipped in the outputs before the layer writes them is caught there.
TEST(AesGcmEngine, TamperedOutputsAreCaughtWhenReadBack) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSecureTrace);
  std::string out;
  const int rc = run(
      kBinary + " run " + quote(trace) + " -p crypto.impl=aes_gcm --tamper conv1:outputs:4", out);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("integrity violation in layer 'conv1', tensor outputs"), std::string::npos)
      << out;
}

struct SecureBadCase {
  const char* name;
  std::string trace_security;  // lines under conv1's security key
  std::string args;
  std::string field;
};

TEST(AesGcmEngine, BadInputIsExitCodeTwo) {
  TempDir dir;
  const std::string base = "tessera_trace: 1\nlayers:\n" + kConv1Layer;
  const SecureBadCase cases[] = {
      {"zero block", "    security:\n      inputs: {auth_block: 0}\n", "",
       "layers[0].security.inputs.auth_block"},
      {"block larger than tensor", "    security:\n      weights: {auth_block: 1153}\n", "",
       "layers[0].security.weights.auth_block"},
      {"not a size", "    security:\n      weights: {auth_block: tiles}\n", "",
       "layers[0].security.weights.auth_block"},
      {"unknown tensor", "    security:\n      bias: {auth_block: 4}\n", "", "bias"},
      {"unknown engine kind", "", "-p crypto.impl=aes_gcm -p crypto.engine=turbo", "engine"},
      {"odd tag size", "", "-p crypto.impl=aes_gcm -p crypto.tag_bits=72", "tag_bits"},
      {"no such layer", "", "-p crypto.impl=aes_gcm --tamper conv9:inputs:1", "conv9:inputs:1"},
      {"no such tensor", "", "-p crypto.impl=aes_gcm --tamper conv1:bias:1", "conv1:bias:1"},
      {"byte beyond tensor", "", "-p crypto.impl=aes_gcm --tamper conv1:inputs:4608",
       "conv1:inputs:4608"},
      {"bit beyond byte", "", "-p crypto.impl=aes_gcm --tamper-tag conv1:inputs:1:8",
       "conv1:inputs:1:8"},
      {"replay of a missing layer", "", "-p crypto.impl=aes_gcm --replay x:weights", "x:weights"},
      {"nothing to tamper", "", "--tamper conv1:inputs:1", "conv1:inputs:1"},
  };
  for (const SecureBadCase& c : cases) {
    const std::string trace = dir.write("bad.yaml", base + c.trace_security);
    std::string out;
    const int rc = test::run_stderr(kBinary + " run " + quote(trace) + " -q " + c.args, out);
    EXPECT_EQ(rc, 2) << c.name << "\n" << out;
    EXPECT_NE(out.find("field '"), std::string::npos) << c.name << "\n" << out;
    EXPECT_NE(out.find(c.field), std::string::npos) << c.name << "\n" << out;
  }
}

}  // namespace
}  // namespace tessera::test
