// The Pareto front of a sweep's points under one or two objectives, both minimised, and its
// picture.
#pragma once

#include <string>
#include <vector>

namespace tessera::sweep {

// For each point (its objective values), whether no other point is at least as good in every
// objective and better in one. Points with equal values are all on the front or all off it.
[[nodiscard]] std::vector<bool> pareto_front(const std::vector<std::vector<double>>& objectives);

// DIR/pareto.png: every point, the front highlighted and joined, axes named with their units.
// `objectives` are the two metric names; `values` and `front` as above.
void plot_pareto(const std::string& dir, const std::vector<std::string>& objectives,
                 const std::vector<std::vector<double>>& values, const std::vector<bool>& front);

}  // namespace tessera::sweep
