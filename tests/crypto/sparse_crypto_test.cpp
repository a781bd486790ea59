// crypto: aes_gcm on sparse layers through the real binary: the compressed operands A, B and the
// output Z are stored as authenticated streams, functional runs give the reference product with
// crypto on, timing is the same with and without values, the extra traffic adds up (bumped tails
// re-fetched as whole blocks), every attack on A, B and Z is caught, and bad input is exit
// code 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/reports.h"

namespace tessera::test {
namespace {

const std::string kMatrices = kSourceDir + "/data/matrices/";
const std::string kSparseArch =
    " --arch " + quote(kSourceDir + "/traces/arch/sparse.yaml") + " -p crypto.impl=aes_gcm ";
// A 1 KiB buffer: many tiles, overbooked ones with tailors.
const std::string kSmall = " -p buffer.capacity_kib=1 -p buffer.impl=tailors ";

// Blocks in bytes of the stream for A and Z, tile blocks for B; a second layer with defaults.
const std::string kSparseTrace =
    "tessera_trace: 1\nname: sparse_secure\nlayers:\n"
    "  - name: w67\n    op: spmspm\n    operands: {A: {file: " +
    kMatrices +
    "west0067.mtx}, B: {transpose_of: A}}\n"
    "    security:\n      A: {auth_block: 36}\n      B: {auth_block: tile}\n"
    "      Z: {auth_block: 100}\n"
    "  - name: karate\n    op: spmspm\n    operands: {A: {file: " +
    kMatrices + "karate.mtx}, B: {same_as: A}}\n";

nlohmann::json run_sparse_secure(const TempDir& dir, const std::string& command) {
  const std::string json = dir.path() + "/out.json";
  std::string out;
  const int rc = run(kBinary + " " + command + " -q --json " + quote(json), out);
  EXPECT_EQ(rc, 0) << command << "\n" << out;
  return read_json(json);
}

TEST(SparseCrypto, FunctionalRunsGiveTheReferenceProductWithCryptoOn) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSparseTrace);
  for (const std::string& command :
       {"spmspm " + quote(kMatrices + "bcsstk13.mtx") +
            " --transpose --buffer tailors -p crypto.impl=aes_gcm --functional",
        "run " + quote(kSourceDir + "/traces/sparse/suitesparse.yaml") + kSparseArch +
            "--functional",
        "run " + quote(trace) + kSparseArch + "--functional",
        "run " + quote(trace) + kSparseArch + kSmall + "--functional",
        "run " + quote(trace) + kSparseArch + kSmall + "-p crypto.engine=serial --functional"}) {
    EXPECT_TRUE(run_sparse_secure(dir, command)["functional_checked"].get<bool>()) << command;
  }
}

TEST(SparseCrypto, TimingIsTheSameWithAndWithoutValues) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSparseTrace);
  for (const std::string& buffer : {std::string(" "), kSmall}) {
    auto plain = run_sparse_secure(dir, "run " + quote(trace) + kSparseArch + buffer);
    auto functional =
        run_sparse_secure(dir, "run " + quote(trace) + kSparseArch + buffer + "--functional");
    plain.erase("functional_checked");
    functional.erase("functional_checked");
    EXPECT_EQ(plain, functional) << buffer;
  }
}

// What DRAM moves with crypto on is what it moves without, plus the counted extra bytes; with an
// overbooking buffer, bumped tails re-fetched on reuse bring their whole tile block.
TEST(SparseCrypto, ExtraTrafficAddsUp) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSparseTrace);
  for (const std::string& tags : {std::string(" "), std::string(" -p crypto.tag_bits=128 ")}) {
    const auto none = run_sparse_secure(
        dir, "run " + quote(trace) + kSparseArch + kSmall + "-p crypto.impl=none");
    const auto secure = run_sparse_secure(dir, "run " + quote(trace) + kSparseArch + kSmall + tags);
    EXPECT_EQ(secure["totals"]["dram_bytes_read"].get<uint64_t>(),
              none["totals"]["dram_bytes_read"].get<uint64_t>() +
                  counter(secure, "crypto", "redundant_read_bytes") +
                  counter(secure, "crypto", "rmw_read_bytes") +
                  counter(secure, "crypto", "tag_bytes_read"));
    EXPECT_EQ(secure["totals"]["dram_bytes_written"].get<uint64_t>(),
              none["totals"]["dram_bytes_written"].get<uint64_t>() +
                  counter(secure, "crypto", "redundant_write_bytes") +
                  counter(secure, "crypto", "tag_bytes_written"));
    EXPECT_GT(counter(secure, "buffer", "refetched_bytes"), 0u);
    EXPECT_GT(counter(secure, "crypto", "redundant_read_bytes"), 0u);
    EXPECT_GT(counter(secure, "crypto", "rmw_read_bytes"), 0u);  // Z's blocks of 100 bytes
  }
  // Tiles that fit and tile blocks: each transfer is one whole block, nothing is redundant.
  const auto fitting =
      run_sparse_secure(dir, "spmspm " + quote(kMatrices + "west0067.mtx") +
                                 " --transpose --buffer buffet -p crypto.impl=aes_gcm");
  EXPECT_EQ(counter(fitting, "crypto", "redundant_read_bytes"), 0u);
  EXPECT_EQ(counter(fitting, "crypto", "rmw_read_bytes"), 0u);
  EXPECT_EQ(counter(fitting, "crypto", "tag_bytes_read"),
            8 * counter(fitting, "crypto", "blocks_verified"));
}

// Every attack is caught on the first read of the changed block and names layer and tensor (A,
// B or Z); the run stops with exit code 3 and writes no report.
TEST(SparseCrypto, TamperingWithSparseOperandsIsDetected) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kSparseTrace);
  const std::string json = dir.path() + "/never.json";
  std::mt19937 rng(3);
  // Every block of A and B is read: each of their tiles meets a tile of the other.
  for (const std::string target : {"w67:A", "w67:B", "karate:A", "karate:B"}) {
    for (const char* option : {"--tamper", "--tamper-tag", "--replay"}) {
      std::string spec = target;
      if (std::string(option) != "--replay") {
        spec += ":" + std::to_string(rng() % 2000u) + ":" + std::to_string(rng() % 8);
      }
      std::string out;
      const int rc = run(kBinary + " run " + quote(trace) + kSparseArch + kSmall + option + " " +
                             spec + " --json " + quote(json),
                         out);
      const std::string layer = target.substr(0, target.find(':'));
      const std::string tensor = target.substr(target.find(':') + 1);
      EXPECT_EQ(rc, 3) << option << " " << spec << "\n" << out;
      EXPECT_NE(out.find("integrity violation in layer '" + layer + "', tensor " + tensor),
                std::string::npos)
          << option << " " << spec << "\n"
          << out;
      EXPECT_FALSE(std::filesystem::exists(json));
    }
  }
  // Z's blocks of 25 words that a partial output tile covers only in part are read back first.
  for (const char* option : {"--tamper", "--tamper-tag"}) {
    std::string out;
    const int rc =
        run(kBinary + " run " + quote(trace) + kSparseArch + kSmall + option + " w67:Z:300:1", out);
    EXPECT_EQ(rc, 3) << option << "\n" << out;
    EXPECT_NE(out.find("integrity violation in layer 'w67', tensor Z"), std::string::npos) << out;
  }
  // spmspm names its one layer A_x_B.
  std::string out;
  const int rc = run(kBinary + " spmspm " + quote(kMatrices + "west0067.mtx") +
                         " --transpose --buffer tailors -p crypto.impl=aes_gcm --tamper " +
                         quote("west0067_x_west0067^T:B:40"),
                     out);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("tensor B"), std::string::npos) << out;
}

// secure-schedule prices a sparse layer's blocks from its compressed tiles as the controller moves
// them: every candidate's traffic equals what the simulated engine moves with that block size.
TEST(SparseCrypto, SecureScheduleTrafficEqualsTheSimulatedEngine) {
  TempDir dir;
  const std::string arch = " --arch " + quote(kSourceDir + "/traces/arch/sparse.yaml") +
                           " -p buffer.impl=buffet -p buffer.capacity_kib=1 ";
  const std::string schedule_trace = dir.write("s.yaml", kSparseTrace);
  std::string out;
  ASSERT_EQ(run(kBinary + " secure-schedule " + quote(schedule_trace) + arch + " --json " +
                    quote(dir.path() + "/s.json"),
                out),
            0)
      << out;
  const auto schedule = read_json(dir.path() + "/s.json");
  const auto& layer = schedule["layers"][0];
  ASSERT_EQ(layer["name"], "w67");
  int checked = 0;
  for (const std::string tensor : {"A", "Z"}) {
    for (const auto& c : layer[tensor]["candidates"]) {
      const std::string block = c["auth_block"].get<std::string>();
      if (block == "tile" || ++checked % 3 != 0) continue;  // every third size, to stay quick
      const std::string bytes = block.substr(0, block.size() - 1);  // "64B"
      const std::string trace =
          dir.write("b.yaml",
                    "tessera_trace: 1\nlayers:\n  - name: w67\n    op: spmspm\n"
                    "    operands: {A: {file: " +
                        kMatrices + "west0067.mtx}, B: {transpose_of: A}}\n    security: {" +
                        tensor + ": {auth_block: " + bytes + "}}\n");
      const auto report =
          run_sparse_secure(dir, "run " + quote(trace) + arch + "-p crypto.impl=aes_gcm");
      const auto secure = [&](const char* name) { return counter(report, "crypto", name); };
      // The other two tensors have tile blocks: one tag per transfer, nothing redundant.
      uint64_t other_tags = 0;
      for (const std::string t : {"A", "B", "Z"}) {
        if (t != tensor) other_tags += layer[t]["candidates"][0]["tag_bytes"].get<uint64_t>();
      }
      EXPECT_EQ(secure("redundant_read_bytes") + secure("redundant_write_bytes") +
                    secure("rmw_read_bytes"),
                c["redundant_bytes"].get<uint64_t>())
          << tensor << " " << block;
      EXPECT_EQ(secure("tag_bytes_read") + secure("tag_bytes_written"),
                c["tag_bytes"].get<uint64_t>() + other_tags)
          << tensor << " " << block;
    }
  }
  EXPECT_GT(checked, 6);
}

struct SparseSecureBadCase {
  const char* name;
  std::string trace;  // replaces kSparseTrace when not empty
  std::string args;
  std::string field;
};

TEST(SparseCrypto, BadInputIsExitCodeTwo) {
  TempDir dir;
  auto edited = [](const std::string& from, const std::string& to) {
    std::string t = kSparseTrace;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  const SparseSecureBadCase cases[] = {
      {"block splits a word", edited("auth_block: 100", "auth_block: 102"), "",
       "layers[0].security.Z.auth_block"},
      {"dense tensor names", edited("      A: {auth_block: 36}", "      inputs: {auth_block: 36}"),
       "", "inputs"},
      {"dense name on a sparse layer", "", "--tamper w67:inputs:3", "w67:inputs:3"},
      {"byte beyond the stream", "", "--tamper w67:A:99999999", "w67:A:99999999"},
      {"Z not yet written", "", "--tamper karate:Z:4", "karate:Z:4"},
  };
  for (const SparseSecureBadCase& c : cases) {
    const std::string trace = dir.write("bad.yaml", c.trace.empty() ? kSparseTrace : c.trace);
    std::string out;
    const int rc =
        test::run_stderr(kBinary + " run " + quote(trace) + kSparseArch + "-q " + c.args, out);
    EXPECT_EQ(rc, 2) << c.name << "\n" << out;
    EXPECT_NE(out.find("field '"), std::string::npos) << c.name << "\n" << out;
    EXPECT_NE(out.find(c.field), std::string::npos) << c.name << "\n" << out;
  }
  // A sparse tensor name on a dense layer.
  const std::string dense =
      dir.write("dense.yaml",
                "tessera_trace: 1\nlayers:\n  - name: fc\n    op: gemm\n    m: 4\n    n: 4\n"
                "    k: 4\n");
  std::string out;
  EXPECT_EQ(
      test::run_stderr(
          kBinary + " run " + quote(dense) + " -q -p crypto.impl=aes_gcm --tamper fc:A:1", out),
      2)
      << out;
  EXPECT_NE(out.find("fc:A:1"), std::string::npos) << out;
}

}  // namespace
}  // namespace tessera::test
