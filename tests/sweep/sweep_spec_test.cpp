// The sweep spec and its points: ranges, sampling, stable ids, constraints and the Pareto front;
// every bad spec is one located error before anything runs.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/error.h"
#include "sweep/metrics.h"
#include "sweep/pareto.h"
#include "sweep/points.h"
#include "sweep/spec.h"
#include "tests/support/program.h"

namespace {

using tessera::InputError;
using namespace tessera::sweep;

using tessera::test::kSourceDir;

// A spec in the source tree's folder, so that its relative trace path resolves.
SweepSpec spec(const std::string& body) {
  return parse_spec("tessera_sweep: 1\ntraces: [traces/samples/alexnet.yaml]\n" + body,
                    kSourceDir + "/sweep.yaml");
}

std::string error_of(const std::string& body) {
  try {
    (void)expand_points(spec(body));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SweepSpec, RangesListsAndTiedParameters) {
  const SweepSpec s = spec(
      "axes:\n"
      "  - params: [pe_array.rows, pe_array.cols]\n"
      "    name: array\n"
      "    log_range: {from: 8, to: 128, factor: 2}\n"
      "  - param: system.clock_mhz\n"
      "    range: {from: 1000, to: 500, step: -250}\n"
      "  - param: buffer.capacity_kib\n"
      "    values: [64, 256]\n");
  ASSERT_EQ(s.axes.size(), 3U);
  EXPECT_EQ(s.axes[0].name, "array");
  EXPECT_EQ(s.axes[0].values, (std::vector<std::string>{"8", "16", "32", "64", "128"}));
  EXPECT_EQ(s.axes[1].values, (std::vector<std::string>{"1000", "750", "500"}));
  EXPECT_EQ(s.axes[2].name, "buffer.capacity_kib");
  const Expansion e = expand_points(s);
  ASSERT_EQ(e.points.size(), 30U);
  // The last axis fastest; a tied axis sets both parameters.
  EXPECT_EQ(e.points[1].values, (std::vector<std::string>{"8", "1000", "256"}));
  EXPECT_EQ(e.points[1].overrides,
            (std::vector<std::string>{"pe_array.rows=8", "pe_array.cols=8", "system.clock_mhz=1000",
                                      "buffer.capacity_kib=256"}));
  std::set<std::string> ids;
  for (const Point& p : e.points) ids.insert(p.id);
  EXPECT_EQ(ids.size(), 30U);
  // Ids depend on the values only: the same point expands to the same id again.
  EXPECT_EQ(expand_points(s).points[7].id, e.points[7].id);
}

TEST(SweepSpec, SeededSamplesAreReproducibleAndLatinHypercubeUsesEveryStratum) {
  const std::string axes =
      "axes:\n"
      "  - param: pe_array.rows\n"
      "    values: [4, 8, 16, 32]\n"
      "  - param: buffer.capacity_kib\n"
      "    range: {from: 64, to: 1024, step: 64}\n";
  const Expansion lhs =
      expand_points(spec(axes + "sampling: {method: latin_hypercube, points: 8, seed: 3}\n"));
  ASSERT_EQ(lhs.points.size(), 8U);
  // 8 strata over 4 rows: each row value is used exactly twice.
  std::map<std::string, int> rows;
  for (const Point& p : lhs.points) ++rows[p.values[0]];
  for (const auto& [value, n] : rows) EXPECT_EQ(n, 2) << value;
  const Expansion again =
      expand_points(spec(axes + "sampling: {method: latin_hypercube, points: 8, seed: 3}\n"));
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(again.points[i].id, lhs.points[i].id);
  const Expansion other =
      expand_points(spec(axes + "sampling: {method: random, points: 8, seed: 4}\n"));
  EXPECT_LE(other.points.size(), 8U);
  EXPECT_GE(other.points.size(), 2U);
}

TEST(SweepSpec, ParameterConstraintsDropPointsBeforeRunning) {
  const Expansion e =
      expand_points(spec("axes:\n"
                         "  - params: [pe_array.rows, pe_array.cols]\n"
                         "    values: [8, 16, 32, 64]\n"
                         "  - param: buffer.capacity_kib\n"
                         "    values: [64, 4096]\n"
                         "constraints:\n"
                         "  - {product: [pe_array.rows, pe_array.cols], max: 1024}\n"
                         "  - {sum: [buffer.capacity_kib, pe_array.rows], max: 4100}\n"));
  // rows 64 is over the product budget (2 points); 4096 + rows over 4100 for rows 8, 16, 32.
  EXPECT_EQ(e.dropped, 5U);
  EXPECT_EQ(e.points.size(), 3U);
}

TEST(SweepSpec, BadSpecsAreLocatedErrors) {
  const std::string f = kSourceDir + "/sweep.yaml";
  EXPECT_NE(error_of("axes:\n  - param: pe_array.rowz\n    values: [8]\n").find(f + ":4"),
            std::string::npos)
      << error_of("axes:\n  - param: pe_array.rowz\n    values: [8]\n");
  EXPECT_NE(error_of("axes:\n  - param: pe_array.rowz\n    values: [8]\n").find("rowz"),
            std::string::npos);
  EXPECT_NE(error_of("axes:\n  - param: pe_array.rows\n    values: []\n").find(f + ":5"),
            std::string::npos);
  const std::string sign =
      error_of("axes:\n  - param: pe_array.rows\n    range: {from: 8, to: 64, step: -8}\n");
  EXPECT_NE(sign.find(f + ":5: field 'axes[0].range.step'"), std::string::npos) << sign;
  EXPECT_NE(sign.find("wrong sign"), std::string::npos) << sign;
  const std::string metric = error_of(
      "axes:\n  - param: pe_array.rows\n    values: [8]\nconstraints:\n  - {metric: cycels, max: "
      "1}\n");
  EXPECT_NE(metric.find(f + ":7: field 'constraints[0].metric'"), std::string::npos) << metric;
  EXPECT_NE(metric.find("unknown metric 'cycels'"), std::string::npos) << metric;
  const std::string none = error_of(
      "axes:\n  - param: pe_array.rows\n    values: [8, 16]\nconstraints:\n"
      "  - {product: [pe_array.rows, pe_array.cols], max: 10}\n");
  EXPECT_NE(none.find("no point to run: the constraints drop all 2 points"), std::string::npos)
      << none;
  const std::string malformed = error_of("axes: [\n");
  EXPECT_NE(malformed.find(f + ":3"), std::string::npos) << malformed;
  EXPECT_NE(malformed.find("malformed YAML"), std::string::npos) << malformed;
  const std::string value = error_of("axes:\n  - param: pe_array.rows\n    values: [8, zero]\n");
  EXPECT_NE(value.find(f + ":5: field 'axes[0].values[1]'"), std::string::npos) << value;
  EXPECT_NE(
      error_of("axes:\n  - param: pe_array.rows\n    values: [8]\nsampling: {method: sobol}\n")
          .find("unknown method 'sobol'"),
      std::string::npos);
  EXPECT_THROW((void)parse_axis_option("pe_array.rows="), InputError);
  EXPECT_THROW((void)parse_axis_option("rows=8"), InputError);
}

TEST(SweepMetrics, ReadsTotalsCausesAndComponentsFromAReport) {
  const auto report = nlohmann::json::parse(R"({
    "pes": 64,
    "totals": {"cycles": 100, "energy_pj": 2.5, "cycles_by_cause": {"compute": 60}},
    "components": [{"name": "dram", "counters": {"activates": 7},
                    "energy_pj": {"act": 1.5, "total": 2.0}}]})");
  EXPECT_EQ(metric_value(report, "cycles"), nlohmann::json(100));
  EXPECT_EQ(metric_value(report, "pes"), nlohmann::json(64));
  EXPECT_EQ(metric_value(report, "cycles_by_cause.compute"), nlohmann::json(60));
  EXPECT_EQ(metric_value(report, "dram.activates"), nlohmann::json(7));
  EXPECT_EQ(metric_value(report, "dram.energy_pj"), nlohmann::json(2.0));
  EXPECT_EQ(metric_value(report, "dram.energy_pj.act"), nlohmann::json(1.5));
  EXPECT_FALSE(metric_value(report, "dram.refreshes").has_value());
  EXPECT_FALSE(metric_value(report, "buffer.read_word").has_value());
  EXPECT_FALSE(metric_value(report, "edp").has_value());
  EXPECT_EQ(metric_unit("edp"), "pJ x cycles");
  EXPECT_EQ(metric_unit("dram.energy_pj"), "pJ");
  const tessera::SourceLocation at{"s.yaml", 3, "metrics[0]"};
  EXPECT_NO_THROW(check_metric("buffer.anything", at));
  EXPECT_THROW(check_metric("gpu.cycles", at), InputError);
  EXPECT_THROW(check_metric("cycles_by_cause.waiting", at), InputError);
}

TEST(SweepPareto, MarksTheNonDominatedPoints) {
  const std::vector<std::vector<double>> v{{1, 9}, {2, 5}, {2, 5}, {3, 6}, {4, 1}, {4, 2}, {5, 1}};
  EXPECT_EQ(pareto_front(v), (std::vector<bool>{true, true, true, false, true, false, false}));
  EXPECT_EQ(pareto_front({{3}, {1}, {1}, {2}}), (std::vector<bool>{false, true, true, false}));
  EXPECT_TRUE(pareto_front({}).empty());
}

}  // namespace
