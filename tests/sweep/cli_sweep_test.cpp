// `tessera sweep` end to end with the real binary: the local pool, resuming, failed points, GNU
// parallel giving the same bytes, and bad input refused before any point runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using tessera::test::quote;
using tessera::test::read_file;
using tessera::test::run;
using tessera::test::run_stderr;
using tessera::test::TempDir;

namespace fs = std::filesystem;

using tessera::test::kBinary;
using tessera::test::kSourceDir;
const std::string kAlexnet = quote(kSourceDir + "/traces/samples/alexnet.yaml");

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> out = lines(text);
  std::sort(out.begin(), out.end());
  return out;
}

// Four points; buffer.capacity_kib=1 cannot hold a tile of alexnet, so two of them fail.
std::string quick_sweep(const std::string& dir, const std::string& extra) {
  return kBinary + " sweep -q --trace " + kAlexnet +
         " --axis pe_array.rows=8,16 --axis buffer.capacity_kib=1,256 --metric dram.reads -o " +
         quote(dir) + " " + extra;
}

TEST(CliSweep, LocalPoolRunsEveryPointAndRecordsFailures) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/s";
  std::string out;
  ASSERT_EQ(run(quick_sweep(dir, "--jobs 2"), out), 0) << out;
  const std::vector<std::string> rows = lines(read_file(dir + "/results.csv"));
  ASSERT_EQ(rows.size(), 5U) << read_file(dir + "/results.csv");
  EXPECT_EQ(rows[0],
            "pe_array.rows,buffer.capacity_kib,status,cycles,energy_pj,edp,dram.reads,pareto,"
            "exit_code,error,id");
  int ok = 0, failed = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].find(",1,failed,") != std::string::npos) {
      ++failed;
      EXPECT_NE(rows[i].find(",2,"), std::string::npos) << rows[i];
      EXPECT_NE(rows[i].find("no tile fits a buffer slot"), std::string::npos) << rows[i];
    } else {
      ++ok;
      EXPECT_NE(rows[i].find(",256,ok,"), std::string::npos) << rows[i];
    }
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(failed, 2);
  EXPECT_EQ(lines(read_file(dir + "/results.jsonl")).size(), 4U);
  EXPECT_GT(fs::file_size(dir + "/pareto.png"), 1000U);
  // The reports of the points that ran are kept.
  size_t reports = 0;
  for (const auto& e : fs::directory_iterator(dir + "/points")) {
    reports += e.path().string().size() > 5 &&
               e.path().string().compare(e.path().string().size() - 5, 5, ".json") == 0 &&
               e.path().string().find(".row.json") == std::string::npos;
  }
  EXPECT_EQ(reports, 2U);
}

TEST(CliSweep, ResumesWhereItStopped) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/s";
  std::string out;
  ASSERT_EQ(run(quick_sweep(dir, "--jobs 1"), out), 0) << out;
  const std::string first = read_file(dir + "/results.csv");
  // Lose one point's outcome, as if the sweep had been stopped before it finished.
  std::string lost;
  for (const auto& e : fs::directory_iterator(dir + "/points")) {
    if (e.path().string().find(".row.json") != std::string::npos) lost = e.path().string();
  }
  ASSERT_FALSE(lost.empty());
  fs::remove(lost);
  const std::string cmd = kBinary + " sweep --trace " + kAlexnet +
                          " --axis pe_array.rows=8,16 --axis buffer.capacity_kib=1,256 "
                          "--metric dram.reads -o " +
                          quote(dir);
  ASSERT_EQ(run(cmd, out), 0) << out;
  EXPECT_NE(out.find("4 points, 3 done before, 1 to run (local)"), std::string::npos) << out;
  EXPECT_EQ(read_file(dir + "/results.csv"), first);
}

TEST(CliSweep, GnuParallelGivesTheLocalPoolsResults) {
  std::string out;
  if (run("parallel --version", out) != 0) GTEST_SKIP() << "GNU parallel is not installed";
  TempDir tmp;
  ASSERT_EQ(run(quick_sweep(tmp.path() + "/local", ""), out), 0) << out;
  ASSERT_EQ(run(quick_sweep(tmp.path() + "/parallel", "--engine parallel --jobs 2"), out), 0)
      << out;
  for (const char* f : {"/results.csv", "/results.jsonl"}) {
    EXPECT_EQ(sorted_lines(read_file(tmp.path() + "/parallel" + f)),
              sorted_lines(read_file(tmp.path() + "/local" + f)))
        << f;
  }
}

// Needs the cluster of scripts/start_slurm.sh (which CI starts).
TEST(CliSweep, SlurmArrayGivesTheLocalPoolsResultsAndCollectResubmitsWhatIsMissing) {
  std::string out;
  if (run("command -v sinfo", out) != 0) {
    GTEST_SKIP() << "Slurm is not installed: scripts/start_slurm.sh installs and starts it";
  }
  TempDir tmp;
  const std::string local = tmp.path() + "/local", slurm = tmp.path() + "/slurm";
  ASSERT_EQ(run(quick_sweep(local, ""), out), 0) << out;
  ASSERT_EQ(run(quick_sweep(slurm, "--engine slurm --wait --chunk-size 3 --time 5"), out), 0)
      << out;
  for (const char* f : {"/results.csv", "/results.jsonl"}) {
    EXPECT_EQ(sorted_lines(read_file(slurm + f)), sorted_lines(read_file(local + f))) << f;
  }
  // A point whose outcome is lost is shown as missing and submitted again with the failed ones.
  std::string lost;
  for (const auto& e : fs::directory_iterator(slurm + "/points")) {
    const std::string p = e.path().string();
    if (p.find(".row.json") != std::string::npos &&
        read_file(p).find("\"status\":\"ok\"") != std::string::npos) {
      lost = p;
    }
  }
  ASSERT_FALSE(lost.empty());
  fs::remove(lost);
  ASSERT_EQ(run(kBinary + " sweep collect " + quote(slurm), out), 0) << out;
  EXPECT_NE(out.find("4 points: 1 ok, 0 rejected by a metric constraint, 2 failed, 1 missing"),
            std::string::npos)
      << out;
  ASSERT_EQ(
      run(kBinary + " sweep collect " + quote(slurm) + " --resubmit --wait --chunk-size 1", out), 0)
      << out;
  EXPECT_NE(out.find("resubmitted 3 points as Slurm job"), std::string::npos) << out;
  EXPECT_EQ(read_file(slurm + "/results.csv"), read_file(local + "/results.csv"));
  EXPECT_EQ(lines(read_file(slurm + "/slurm/todo-1.txt")).size(), 3U);
}

TEST(CliSweep, ARefusedSlurmSubmissionReportsSbatchsOwnMessage) {
  std::string out;
  if (run("command -v sbatch", out) != 0) {
    GTEST_SKIP() << "Slurm is not installed: scripts/start_slurm.sh installs and starts it";
  }
  TempDir tmp;
  std::string err;
  EXPECT_EQ(
      run_stderr(quick_sweep(tmp.path() + "/s", "--engine slurm --partition no_such_queue"), err),
      2)
      << err;
  EXPECT_NE(err.find("sbatch refused the job"), std::string::npos) << err;
  EXPECT_NE(err.find("invalid partition"), std::string::npos) << err;
}

TEST(CliSweep, AMetricConstraintRejectsPointsAfterTheyRun) {
  TempDir tmp;
  fs::create_directories(tmp.path() + "/specs");
  fs::copy_file(kSourceDir + "/traces/samples/alexnet.yaml", tmp.path() + "/alexnet.yaml");
  // The trace's path is relative to the spec's folder, not to where tessera runs.
  const std::string spec = tmp.write("specs/s.yaml",
                                     "tessera_sweep: 1\n"
                                     "traces: [../alexnet.yaml]\n"
                                     "axes:\n"
                                     "  - params: [pe_array.rows, pe_array.cols]\n"
                                     "    name: array\n"
                                     "    values: [8, 16]\n"
                                     "constraints:\n"
                                     "  - {metric: cycles, max: 5000000}\n"
                                     "metrics: [cycles_by_cause.compute, pes]\n");
  std::string out;
  ASSERT_EQ(
      run("cd / && " + kBinary + " sweep -q " + quote(spec) + " -o " + quote(tmp.path() + "/out"),
          out),
      0)
      << out;
  const std::vector<std::string> rows = lines(read_file(tmp.path() + "/out/results.csv"));
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].substr(0, 68),
            "array,status,cycles,energy_pj,edp,cycles_by_cause.compute,pes,pareto");
  // 8x8 takes more cycles than the bound: it ran, its metrics are kept, it is off the front.
  EXPECT_EQ(rows[1].rfind("8,rejected,", 0), 0U) << rows[1];
  EXPECT_NE(rows[1].find(",64,,0,cycles = "), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("outside the constraint max 5e+06"), std::string::npos) << rows[1];
  EXPECT_EQ(rows[2].rfind("16,ok,", 0), 0U) << rows[2];
  EXPECT_NE(rows[2].find(",256,1,0,,"), std::string::npos) << rows[2];
}

TEST(CliSweep, AnArchAxisChoosesTheArchitectureFile) {
  TempDir tmp;
  const std::string ddr = kSourceDir + "/traces/arch/default.yaml";
  const std::string ideal = kSourceDir + "/traces/arch/default_ideal_dram.yaml";
  std::string out;
  ASSERT_EQ(run(kBinary + " sweep -q --trace " + kAlexnet + " --axis " +
                    quote("arch=" + ddr + "," + ideal) + " --metric dram.energy_pj -o " +
                    quote(tmp.path() + "/out"),
                out),
            0)
      << out;
  const std::vector<std::string> rows = lines(read_file(tmp.path() + "/out/results.csv"));
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1].rfind(ddr + ",ok,", 0), 0U) << rows[1];
  EXPECT_EQ(rows[2].rfind(ideal + ",ok,", 0), 0U) << rows[2];
  // The two files give different runs: their DRAMs differ.
  EXPECT_NE(rows[1].substr(ddr.size()), rows[2].substr(ideal.size()));
}

void expect_refused(const std::string& spec_text, const std::string& want) {
  TempDir tmp;
  const std::string spec = tmp.write("spec.yaml", spec_text), dir = tmp.path() + "/out";
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " sweep " + quote(spec) + " -o " + quote(dir), err), 2) << err;
  EXPECT_NE(err.find(want), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_FALSE(fs::exists(dir)) << "a point ran or a file was written";
}

TEST(CliSweep, BadSpecsAreRefusedBeforeAnyPointRuns) {
  const std::string head =
      "tessera_sweep: 1\ntraces: [" + kSourceDir + "/traces/samples/alexnet.yaml]\n";
  expect_refused(head + "axes:\n  - param: pe_array.rowz\n    values: [8]\n",
                 "spec.yaml:4: field 'axes[0].param': unknown parameter 'pe_array.rowz'");
  expect_refused(head + "axes:\n  - param: pe_array.rows\n    values: []\n",
                 "spec.yaml:5: field 'axes[0].values': the axis has no values");
  expect_refused(head + "axes:\n  - param: pe_array.rows\n    range: {from: 8, to: 2, step: 2}\n",
                 "spec.yaml:5: field 'axes[0].range.step'");
  expect_refused(head +
                     "axes:\n  - param: pe_array.rows\n    values: [8]\n"
                     "constraints:\n  - {metric: cycels, max: 1}\n",
                 "spec.yaml:7: field 'constraints[0].metric': unknown metric 'cycels'");
  expect_refused(head +
                     "axes:\n  - param: pe_array.rows\n    values: [8]\n"
                     "objectives: [cycles, joules]\n",
                 "spec.yaml:6: field 'objectives': unknown metric 'joules'");
  expect_refused(head +
                     "axes:\n  - param: pe_array.rows\n    values: [8]\n"
                     "constraints:\n  - {sum: [pe_array.rows], min: 9}\n",
                 "no point to run: the constraints drop all 1 points");
  expect_refused(head + "axes:\n  - param: pe_array.rows\n    values: [8\n", "spec.yaml:5");
  expect_refused("tessera_sweep: 2\n", "spec.yaml:1: field 'tessera_sweep': format version 2");
}

TEST(CliSweep, QuickFormRefusesAnUnknownParameter) {
  TempDir tmp;
  std::string err;
  EXPECT_EQ(run_stderr(kBinary + " sweep --trace " + kAlexnet + " --axis buffer.size=1,2 -o " +
                           quote(tmp.path() + "/out"),
                       err),
            2)
      << err;
  EXPECT_NE(err.find("--axis buffer.size=1,2: field 'buffer.size': unknown parameter"),
            std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(tmp.path() + "/out"));
}

}  // namespace
