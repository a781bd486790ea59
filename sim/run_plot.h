// `tessera plot REPORT.json -o DIR`: pictures of a `tessera run` (or `tessera spmspm`) JSON
// report, drawn with gnuplot:
//  - causes.png: each layer's cycles stacked by cause (`cycles_by_cause`);
//  - energy.png: the whole run's energy by component;
//  - roofline.png: each layer's operational intensity (MACs per DRAM byte) against the MACs per
//    cycle it achieved, under the array's compute roof (its PEs) and the DRAM's bandwidth roof
//    (its peak bytes per cycle times the intensity), so memory-bound layers show at once.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tessera {

// The report's schema versions this reader knows.
inline constexpr int kPlottableSchemaVersion = 1;

// What the pictures show of a report.
struct RunPlotData {
  struct Layer {
    std::string name;
    double cycles = 0, macs = 0, dram_bytes = 0;
    std::vector<double> causes;  // in kCycleCauseNames' order
  };
  std::string trace;
  double pes = 0, dram_peak = 0;  // DRAM bytes per cycle; 0: unlimited
  std::vector<Layer> layers;
  std::vector<std::pair<std::string, double>> energy_pj;  // per component, whole run
};

// InputError naming `file`, the line (for malformed JSON) and the field for anything that is not
// a tessera run report of a known schema version.
[[nodiscard]] RunPlotData parse_run_report(const std::string& text, const std::string& file);

// Reads the report, then draws the pictures into DIR. Nothing is written when the report cannot
// be read.
void plot_run_report(const std::string& report_path, const std::string& dir);

}  // namespace tessera
