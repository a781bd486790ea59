// A long trace (an LLM's decode loop, thousands of layers) runs in memory that grows with its
// report and no faster: the trace is read a layer at a time and the reports are streamed to their
// files. Measured as the peak resident memory of the tessera program on two trace lengths.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using tessera::test::kBinary;

// A GPT-2 decode loop: per token the attention and MLP GEMMs of one block, one row each.
std::string decode_trace(int tokens) {
  std::string text = "tessera_trace: 1\nname: gpt2_decode\nlayers:\n";
  const char* const gemms[] = {
      "qkv, op: gemm, m: 1, n: 2304, k: 768", "proj, op: gemm, m: 1, n: 768, k: 768",
      "fc1, op: gemm, m: 1, n: 3072, k: 768", "fc2, op: gemm, m: 1, n: 768, k: 3072"};
  for (int t = 0; t < tokens; ++t) {
    for (const char* gemm : gemms) {
      text += "  - {name: token" + std::to_string(t) + "." + gemm + "}\n";
    }
  }
  return text;
}

// Peak resident memory of `tessera run TRACE --quiet --json J --csv C`, in bytes.
long peak_resident_bytes(const std::string& trace, const std::string& json,
                         const std::string& csv) {
  std::vector<std::string> args = {kBinary, "run", trace, "--quiet", "--json", json, "--csv", csv};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid) return -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return usage.ru_maxrss * 1024L;  // Linux reports kilobytes
}

TEST(ResourceBound, MemoryGrowsWithTheReportNotFaster) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine hide the program's own use";
#endif
  tessera::test::TempDir dir;
  struct Run {
    int layers;
    long peak = 0, report = 0;
  };
  std::vector<Run> runs = {{1000}, {8000}};
  for (Run& r : runs) {
    const std::string n = std::to_string(r.layers);
    const std::string trace = dir.write("decode" + n + ".yaml", decode_trace(r.layers / 4));
    const std::string json = dir.path() + "/" + n + ".json", csv = dir.path() + "/" + n + ".csv";
    r.peak = peak_resident_bytes(trace, json, csv);
    ASSERT_GT(r.peak, 0) << "tessera run failed on " << trace;
    r.report =
        static_cast<long>(std::filesystem::file_size(json) + std::filesystem::file_size(csv));
  }
  const double layers = runs[1].layers - runs[0].layers;
  const double memory_per_layer = static_cast<double>(runs[1].peak - runs[0].peak) / layers;
  const double report_per_layer = static_cast<double>(runs[1].report - runs[0].report) / layers;
  // Each layer keeps its parsed form and its result, about as much as its report. Reading the
  // trace as one YAML document made memory grow nine times faster than the report.
  EXPECT_LT(memory_per_layer, 2 * report_per_layer)
      << "peak memory grows " << memory_per_layer << " B per layer, the report " << report_per_layer
      << " B";
}

}  // namespace
