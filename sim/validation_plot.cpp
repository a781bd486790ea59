#include "sim/validation_plot.h"

#include <algorithm>

#include "sim/gnuplot.h"
#include "sim/numbers.h"

namespace tessera {
namespace {

constexpr const char* kScatter = "predicted_vs_simulated";
constexpr const char* kCauses = "causes";
constexpr const char* kValidationScript = "validation.gp";

std::string scatter_data(const Validation& v) {
  std::string out = "# layer predicted_cycles simulated_cycles\n";
  for (const LayerComparison& l : v.layers) {
    out += gnuplot_quoted(l.name) + " " + shortest_text(l.predicted_cycles) + " " +
           std::to_string(l.simulated_cycles) + "\n";
  }
  return out;
}

std::string causes_data(const Validation& v) {
  std::string out = causes_header();
  for (const LayerComparison& l : v.layers) {
    out += gnuplot_quoted(l.name);
    for (const uint64_t c : l.cycles_by_cause.cycles) out += " " + std::to_string(c);
    out += "\n";
  }
  return out;
}

// Both axes span every positive predicted and simulated value, so y = x crosses the plot's
// diagonal and a point's distance from it reads the same on either axis.
std::string log_range(const Validation& v) {
  double lo = 0, hi = 0;
  for (const LayerComparison& l : v.layers) {
    for (const double c : {l.predicted_cycles, static_cast<double>(l.simulated_cycles)}) {
      if (c <= 0) continue;
      lo = lo == 0 ? c : std::min(lo, c);
      hi = std::max(hi, c);
    }
  }
  if (hi == 0) return "[1:10]";
  return "[" + shortest_text(lo / 2) + ":" + shortest_text(hi * 2) + "]";
}

std::string script(const Validation& v) {
  const size_t width = std::max<size_t>(900, 200 + 30 * v.layers.size());
  const std::string range = log_range(v);
  return std::string("# Made by tessera validate; run in this folder: gnuplot ") +
         kValidationScript +
         "\n"
         "set terminal pngcairo size 900,800 font 'sans,10' noenhanced\n"
         "set output '." +
         kScatter +
         ".png.part'\n"
         "set title 'Predicted against simulated cycles, one point per layer'\n"
         "set logscale xy\n"
         "set xrange " +
         range + "\nset yrange " + range +
         "\n"
         "set size square\n"
         "set grid\n"
         "set key top left\n"
         "set xlabel 'predicted cycles (log scale)'\n"
         "set ylabel 'simulated cycles (log scale)'\n"
         "set samples 400\n"
         "plot '" +
         kScatter +
         ".dat' using 2:3 with points pt 7 ps 1.3 title 'layer', \\\n"
         "     x with lines dt 2 lc rgb 'black' title 'y = x (exact prediction)'\n"
         "reset\n"
         "set terminal pngcairo size " +
         std::to_string(width) +
         ",700 font 'sans,10' noenhanced\n"
         "set output '." +
         kCauses +
         ".png.part'\n"
         "set title 'Simulated cycles of each layer by cause'\n" +
         cause_bars_style() + "plot for [i=2:" + std::to_string(kNumCycleCauses + 1) + "] '" +
         kCauses +
         ".dat' using i:xtic(1) title columnheader(i), \\\n"
         "     '" +
         kScatter +
         ".dat' using 0:2 with points pt 7 ps 1.3 lc rgb 'black' title 'predicted cycles', \\\n"
         "     '" +
         kScatter +
         ".dat' using 0:3 with points pt 6 ps 1.6 lc rgb 'red' title 'simulated cycles'\n";
}

}  // namespace

void write_validation_plots(const Validation& v, const std::string& dir) {
  run_gnuplot(dir, kValidationScript, script(v),
              {{std::string(kScatter) + ".dat", scatter_data(v)},
               {std::string(kCauses) + ".dat", causes_data(v)}},
              {kScatter, kCauses});
}

}  // namespace tessera
