// The area model: totals are the hand sums of data/area/area_40nm.yaml's figures, the buffer grows
// by exactly its SRAM figure per KiB, and an area budget gives back the capacity it was made from.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/area.h"
#include "sim/error.h"

namespace tessera {
namespace {

ArchConfig arch(const std::vector<std::string>& overrides) {
  return load_arch(default_arch_yaml(), "<built-in>", overrides);
}

TEST(AreaModel, DefaultArchitectureIsTheHandSumOfTheFigures) {
  const AreaFigures f = AreaFigures::builtin();
  // The default: a 512 KiB buffer, 32x32 PEs, no crypto, 64 vector lanes, DRAM off chip.
  const double bit = f.value("sram_bit_um2") / f.value("sram_array_efficiency");
  const double buffer = 512.0 * 1024 * 8 * bit;
  const double m = f.value("pe_multiplier_bits") / 32;
  const double pe = f.value("multiplier_32b_um2") * m * m +
                    f.value("adder_32b_um2") * f.value("pe_accumulator_bits") / 32 +
                    f.value("register_bit_um2") * f.value("pe_register_bits");
  const double lane = f.value("multiplier_32b_um2") + f.value("adder_32b_um2") +
                      f.value("comparator_32b_um2") + 32 * f.value("register_bit_um2");
  const auto areas = component_area_mm2(arch({}), f);
  EXPECT_NEAR(areas.at("buffer"), buffer / 1e6, 1e-12);
  EXPECT_NEAR(areas.at("pe_array"), 1024 * pe / 1e6, 1e-12);
  EXPECT_NEAR(areas.at("vector"), 64 * lane / 1e6, 1e-12);
  EXPECT_EQ(areas.at("dram"), 0);
  EXPECT_EQ(areas.at("crypto"), 0);
  EXPECT_EQ(areas.at("sparse"), 0);
  EXPECT_NEAR(total_area_mm2(areas), (buffer + 1024 * pe + 64 * lane) / 1e6, 1e-12);
}

TEST(AreaModel, EnginesAreKiloGatesTimesAShrunkNand2) {
  const AreaFigures f = AreaFigures::builtin();
  const double shrink = f.value("node_nm") / f.value("nand2_node_nm");
  const double gate = f.value("nand2_um2") * shrink * shrink;
  const auto areas = component_area_mm2(
      arch({"crypto.impl=aes_gcm", "crypto.engine=parallel", "crypto.weights_engines=3"}), f);
  EXPECT_NEAR(areas.at("crypto"), 5 * f.value("aes_gcm_parallel_kgates") * 1000 * gate / 1e6,
              1e-12);
  // No figure for the serial engine: not modelled, reported as 0.
  EXPECT_EQ(
      component_area_mm2(arch({"crypto.impl=aes_gcm", "crypto.engine=serial"}), f).at("crypto"), 0);
}

TEST(AreaModel, DoublingTheBufferAddsExactlyItsSramFigure) {
  const AreaFigures f = AreaFigures::builtin();
  const double a = total_area_mm2(component_area_mm2(arch({"buffer.capacity_kib=96"}), f));
  const double b = total_area_mm2(component_area_mm2(arch({"buffer.capacity_kib=192"}), f));
  EXPECT_NEAR(b - a, 96 * 8192 * f.value("sram_bit_um2") / f.value("sram_array_efficiency") / 1e6,
              1e-12);
  EXPECT_NEAR(f.sram_mm2_per_kib() * 96, b - a, 1e-12);
}

TEST(AreaModel, BudgetGivesBackTheCapacityItWasMadeFrom) {
  const AreaFigures f = AreaFigures::builtin();
  const std::vector<std::string> secure{"crypto.impl=aes_gcm", "buffer.capacity_kib=200"};
  const double budget = total_area_mm2(component_area_mm2(arch(secure), f));
  BudgetSplit s = buffer_for_budget(arch(secure), f, budget, "--area-budget");
  EXPECT_EQ(s.buffer_kib, 200);
  EXPECT_NEAR(s.fixed_mm2 + s.buffer_mm2, budget, 1e-12);
  // Half a KiB more buys nothing; one more engine per datatype costs its area in whole KiB.
  EXPECT_EQ(buffer_for_budget(arch(secure), f, budget + f.sram_mm2_per_kib() / 2, "x").buffer_kib,
            200);
  std::vector<std::string> more = secure;
  more.insert(more.end(),
              {"crypto.inputs_engines=2", "crypto.weights_engines=2", "crypto.outputs_engines=2"});
  s = buffer_for_budget(arch(more), f, budget, "--area-budget");
  const double engines = 3 * *f.engine_mm2("pipelined");
  EXPECT_EQ(s.buffer_kib, static_cast<int64_t>(std::floor(200 - engines / f.sram_mm2_per_kib())));
  EXPECT_NEAR(s.engines_mm2, 2 * engines, 1e-12);
}

TEST(AreaModel, ImpossibleBudgetIsALocatedError) {
  const AreaFigures f = AreaFigures::builtin();
  const ArchConfig a = arch({"crypto.impl=aes_gcm"});
  const double fixed =
      total_area_mm2(component_area_mm2(a, f)) - component_area_mm2(a, f).at("buffer");
  try {
    (void)buffer_for_budget(a, f, fixed, "--area-budget");
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "--area-budget");
    EXPECT_NE(std::string(e.what()).find("fixed parts"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)buffer_for_budget(arch({"crypto.impl=aes_gcm", "crypto.engine=serial"}), f,
                                       100, "--area-budget"),
               InputError);
}

TEST(AreaModel, MalformedTableIsALocatedError) {
  const std::string text = std::string(default_area_yaml());
  const std::string broken = text.substr(0, text.find("  sram_array_efficiency:"));
  try {
    (void)AreaFigures::parse(broken, "a.yaml");
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "a.yaml");
    EXPECT_EQ(e.where().field, "figures.sram_array_efficiency");
  }
}

}  // namespace
}  // namespace tessera
