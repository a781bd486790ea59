// Swiftiles on the shipped SuiteSparse matrices: the tile side it picks from one sample makes
// about the target fraction of the actual tiles overbook. Tolerance, stated here and in
// docs/sparse_tensors.md: for every matrix with at least 20 nonempty tiles at the chosen side, the
// actual fraction is within 0.2 of the target 0.1, and over all of them within 0.1 on average. (A
// fraction jumps in steps at a few sides on regular matrices, whose tiles all hold about the
// same number of nonzeros, so a per-matrix bound tighter than that would test luck.)
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "sparse/spmspm_plan.h"
#include "sparse/swiftiles.h"
#include "sparse/tiling.h"
#include "traces/sparse_operands.h"

namespace tessera {
namespace {

TEST(Swiftiles, ActualOverbookedFractionIsNearTheTargetOnShippedMatrices) {
  const double target = 0.1;
  for (const int64_t kib : {16, 64}) {
    SCOPED_TRACE(std::to_string(kib) + " KiB");
    const int64_t region = operand_regions(kib * 1024, true).b;
    double deviation_sum = 0;
    int counted = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(TESSERA_SOURCE_DIR) + "/data/matrices")) {
      if (entry.path().extension() != ".mtx") continue;
      const SparseMatrix a = read_matrix_market(entry.path().string());
      for (const SparseMatrix& b : {a, transpose(a)}) {
        SCOPED_TRACE(b.name);
        const SwiftilesEstimate e = swiftiles(b, region, target, kSwiftilesSeed);
        const TileGrid g = tile_grid(b, e.tile, e.tile);
        if (g.tiles < 20) continue;
        const double actual = g.fraction_over(region);
        EXPECT_LE(std::abs(actual - target), 0.2) << "side " << e.tile;
        deviation_sum += std::abs(actual - target);
        ++counted;
      }
    }
    ASSERT_GE(counted, 10);
    EXPECT_LE(deviation_sum / counted, 0.1) << counted << " matrices";
  }
}

TEST(Swiftiles, GrowthFollowsTheStructure) {
  // Nonzeros spread uniformly grow with the square of the side, a band's with the side.
  const SparseMatrix band = [] {
    std::vector<Coordinate> e;
    for (int64_t i = 0; i < 4000; ++i) e.push_back({i, i});
    return from_coordinates("diagonal", 4000, 4000, e);
  }();
  EXPECT_NEAR(swiftiles(band, 256, 0.1, 1).growth, 1.0, 0.05);
}

}  // namespace
}  // namespace tessera
