// tessera secure-schedule --search through the real binary: bad input is a located error, the
// trace it writes runs, its predictions CSV is what `tessera validate` reads, and annealing
// prints its seed and repeats itself.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"

namespace tessera::test {
namespace {

// conv_a's output is read by conv_b and by the shortcut conv_s: not a chain.
const std::string kResidual = R"(tessera_trace: 1
name: residual
layers:
  - name: conv_a
    op: conv
    input: [14, 14]
    channels: 16
    filters: 32
    filter: [3, 3]
    padding: 1
  - name: conv_b
    op: conv
    input: [14, 14]
    channels: 32
    filters: 64
    filter: [3, 3]
    padding: 1
  - name: conv_s
    op: conv
    input: [14, 14]
    channels: 32
    filters: 32
    filter: [1, 1]
)";

TEST(SecureSearchCli, CryptoLessArchitectureIsALocatedError) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kResidual);
  std::string out;
  EXPECT_EQ(
      run(kBinary + " secure-schedule " + quote(trace) + " --search -p crypto.impl=none", out), 2)
      << out;
  EXPECT_NE(out.find("crypto.impl"), std::string::npos) << out;
  EXPECT_EQ(run(kBinary + " secure-schedule " + quote(trace) +
                    " --search -p crypto.impl=aes_gcm -p crypto.engine=bogus",
                out),
            2)
      << out;
  EXPECT_NE(out.find("engine"), std::string::npos) << out;
  EXPECT_EQ(run(kBinary + " secure-schedule " + quote(trace) + " --baseline", out), 2) << out;
}

TEST(SecureSearchCli, AreaBudgetSizesTheBufferAndAnImpossibleOneIsAnError) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kResidual);
  const std::string search = kBinary + " secure-schedule " + quote(trace) +
                             " --search -p crypto.impl=aes_gcm -p buffer.capacity_kib=64";
  std::string out;
  ASSERT_EQ(run(search, out), 0) << out;
  // The architecture's own area as the budget gives its own buffer back.
  const size_t at = out.find("area: ");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string area = out.substr(at + 6, out.find(' ', at + 6) - at - 6);
  ASSERT_EQ(run(search + " --area-budget " + std::to_string(std::stod(area) + 0.0001), out), 0)
      << out;
  EXPECT_NE(out.find("buffer 64 KiB"), std::string::npos) << out;
  EXPECT_EQ(run(search + " --area-budget 0.3", out), 2) << out;
  EXPECT_NE(out.find("--area-budget"), std::string::npos) << out;
  EXPECT_NE(out.find("fixed parts"), std::string::npos) << out;
  EXPECT_EQ(run(search + " --area-budget -1", out), 2) << out;
  EXPECT_EQ(run(kBinary + " secure-schedule " + quote(trace) + " --area-budget 2", out), 2) << out;
}

TEST(SecureSearchCli, SearchedTraceRunsAndValidatesAgainstItsPredictions) {
  TempDir dir;
  const std::string trace = dir.write("t.yaml", kResidual);
  const std::string searched = dir.path() + "/s.yaml", csv = dir.path() + "/p.csv";
  const std::string arch = " -p crypto.impl=aes_gcm -p crypto.engine=parallel";
  std::string out, again;
  ASSERT_EQ(run(kBinary + " secure-schedule " + quote(trace) + " --search --seed 5 -o " +
                    quote(searched) + " --predictions " + quote(csv) + arch,
                out),
            0)
      << out;
  EXPECT_NE(out.find("annealing, seed 5"), std::string::npos) << out;
  ASSERT_EQ(run(kBinary + " secure-schedule " + quote(trace) + " --search --seed 5" + arch, again),
            0);
  EXPECT_EQ(out, again);
  ASSERT_EQ(run(kBinary + " validate " + quote(searched) + " --against csv " + quote(csv) + arch +
                    " -q --json " + quote(dir.path() + "/v.json"),
                out),
            0)
      << out;
}

}  // namespace
}  // namespace tessera::test
