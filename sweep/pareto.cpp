#include "sweep/pareto.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "sim/gnuplot.h"
#include "sim/numbers.h"
#include "sweep/metrics.h"

namespace tessera::sweep {

std::vector<bool> pareto_front(const std::vector<std::vector<double>>& objectives) {
  const size_t n = objectives.size();
  std::vector<bool> front(n, false);
  if (n == 0) return front;
  if (objectives[0].size() == 1) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& o : objectives) best = std::min(best, o[0]);
    for (size_t i = 0; i < n; ++i) front[i] = objectives[i][0] == best;
    return front;
  }
  // Sorted by the first objective, a point is on the front when its second objective is the
  // smallest among the points of its first-objective value and below that of every point with a
  // smaller first objective.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return objectives[a] < objectives[b]; });
  double best = std::numeric_limits<double>::infinity();
  for (size_t g = 0; g < n;) {
    size_t end = g;
    while (end < n && objectives[order[end]][0] == objectives[order[g]][0]) ++end;
    const double group_min = objectives[order[g]][1];  // sorted by the second within the group
    if (group_min < best) {
      for (size_t k = g; k < end && objectives[order[k]][1] == group_min; ++k)
        front[order[k]] = true;
      best = group_min;
    }
    g = end;
  }
  return front;
}

void plot_pareto(const std::string& dir, const std::vector<std::string>& objectives,
                 const std::vector<std::vector<double>>& values, const std::vector<bool>& front) {
  std::string all, on_front;
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  for (const size_t i : order) {
    const std::string line = shortest_text(values[i][0]) + " " + shortest_text(values[i][1]) + "\n";
    all += line;
    if (front[i]) on_front += line;
  }
  bool positive = true;  // a logarithmic axis needs values above 0
  for (const auto& v : values) positive = positive && v[0] > 0 && v[1] > 0;
  const auto label = [](const std::string& m) {
    return gnuplot_quoted(m + " (" + metric_unit(m) + ")");
  };
  const std::string script =
      "set terminal pngcairo size 900,650 font 'sans,10' noenhanced\n"
      "set output '.pareto.png.part'\n"
      "set title 'Sweep: " +
      std::to_string(values.size()) + " points, " +
      std::to_string(std::count(front.begin(), front.end(), true)) +
      " on the Pareto front'\n"
      "set xlabel " +
      label(objectives[0]) +
      "\n"
      "set ylabel " +
      label(objectives[1]) + "\n" + std::string(positive ? "set logscale xy\n" : "") +
      "set grid\n"
      "set key top right\n"
      "plot 'pareto_all.dat' using 1:2 with points pt 7 ps 0.5 lc rgb '#9aa5b1' title 'all "
      "points', \\\n"
      "     'pareto_front.dat' using 1:2 with linespoints pt 7 ps 1.1 lw 2 lc rgb '#d1495b' "
      "title 'Pareto front'\n";
  run_gnuplot(dir, "pareto.gp", script, {{"pareto_all.dat", all}, {"pareto_front.dat", on_front}},
              {"pareto"}, "pareto");
}

}  // namespace tessera::sweep
