// Rank correlations of two equally long samples, for judging whether a cost model orders layers
// as the simulation does even where its absolute numbers are off.
#pragma once

#include <optional>
#include <vector>

namespace tessera {

// 1-based ranks in ascending order; tied values share the mean of the ranks they span.
[[nodiscard]] std::vector<double> average_ranks(const std::vector<double>& values);

// Spearman's rho: Pearson's correlation of the average ranks. Nothing for fewer than two pairs or
// when either sample is all one value (its ranks do not vary).
[[nodiscard]] std::optional<double> spearman_rho(const std::vector<double>& x,
                                                 const std::vector<double>& y);

// Kendall's tau-b: (concordant - discordant) / sqrt((n0 - tied x) (n0 - tied y)) over all
// n0 = n (n - 1) / 2 pairs. Nothing where Spearman's rho is nothing.
[[nodiscard]] std::optional<double> kendall_tau_b(const std::vector<double>& x,
                                                  const std::vector<double>& y);

}  // namespace tessera
