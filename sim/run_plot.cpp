#include "sim/run_plot.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/cycle_causes.h"
#include "sim/error.h"
#include "sim/gnuplot.h"
#include "sim/numbers.h"
#include "sim/text_format.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

using nlohmann::json;

constexpr const char* kScript = "run.gp";

using PlotData = RunPlotData;
using PlotLayer = RunPlotData::Layer;

// The line of byte `offset` in `text`, counted from 1.
int line_at(const std::string& text, size_t offset) {
  return 1 + static_cast<int>(std::count(
                 text.begin(),
                 text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size())), '\n'));
}

// A number at `key` of `node`; `where` names it in errors.
double number(const json& node, const std::string& key, const SourceLocation& where) {
  const auto it = node.find(key);
  if (it == node.end() || !it->is_number()) throw InputError(where, "expected a number");
  return it->get<double>();
}

}  // namespace

RunPlotData parse_run_report(const std::string& text, const std::string& path) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InputError({path, line_at(text, e.byte == 0 ? 0 : e.byte - 1), ""},
                     "not JSON: " + std::string(e.what()));
  } catch (const json::out_of_range& e) {
    // A number beyond a double's range; the message quotes it, which finds its line.
    const std::string what = e.what();
    const size_t open = what.find('\''), close = what.rfind('\'');
    const size_t at = open < close ? text.find(what.substr(open + 1, close - open - 1)) : 0;
    throw InputError({path, line_at(text, at == std::string::npos ? 0 : at), ""},
                     "not JSON tessera can read: " + what);
  }
  const auto at = [&path](const std::string& field) { return SourceLocation{path, 0, field}; };
  if (!j.is_object() || !j.contains("schema_version") || !j.contains("layers")) {
    throw InputError(at("schema_version"), "not a tessera run report");
  }
  const double version = number(j, "schema_version", at("schema_version"));
  if (version != kPlottableSchemaVersion) {
    throw InputError(at("schema_version"), "schema version " + shortest_text(version) +
                                               "; this tessera reads version " +
                                               std::to_string(kPlottableSchemaVersion));
  }
  PlotData d;
  d.trace = j.value("trace", std::string());
  d.pes = number(j, "pes", at("pes"));
  d.dram_peak = number(j, "dram_peak_bytes_per_cycle", at("dram_peak_bytes_per_cycle"));
  if (!j["layers"].is_array()) throw InputError(at("layers"), "expected a list of layers");
  for (size_t i = 0; i < j["layers"].size(); ++i) {
    const json& l = j["layers"][i];
    const std::string base = "layers[" + std::to_string(i) + "].";
    PlotLayer p;
    if (!l.is_object() || !l.contains("name") || !l["name"].is_string()) {
      throw InputError(at(base + "name"), "expected the layer's name");
    }
    p.name = l["name"].get<std::string>();
    p.cycles = number(l, "cycles", at(base + "cycles"));
    p.macs = number(l, "macs", at(base + "macs"));
    p.dram_bytes = number(l, "dram_bytes_read", at(base + "dram_bytes_read")) +
                   number(l, "dram_bytes_written", at(base + "dram_bytes_written"));
    const auto causes = l.find("cycles_by_cause");
    if (causes == l.end() || !causes->is_object()) {
      throw InputError(at(base + "cycles_by_cause"), "expected the layer's cycles by cause");
    }
    for (const std::string_view cause : kCycleCauseNames) {
      p.causes.push_back(
          number(*causes, std::string(cause), at(base + "cycles_by_cause." + std::string(cause))));
    }
    d.layers.push_back(std::move(p));
  }
  const auto components = j.find("components");
  if (components == j.end() || !components->is_array()) {
    throw InputError(at("components"), "expected a list of components");
  }
  for (size_t i = 0; i < components->size(); ++i) {
    const json& c = (*components)[i];
    const std::string base = "components[" + std::to_string(i) + "].";
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() ||
        !c.contains("energy_pj") || !c["energy_pj"].is_object()) {
      throw InputError(at(base + "energy_pj"), "expected the component's name and energy");
    }
    d.energy_pj.emplace_back(c["name"].get<std::string>(),
                             number(c["energy_pj"], "total", at(base + "energy_pj.total")));
  }
  return d;
}

namespace {

std::string causes_data(const PlotData& d) {
  std::string out = causes_header();
  for (const PlotLayer& l : d.layers) {
    out += gnuplot_quoted(l.name);
    for (const double c : l.causes) out += " " + shortest_text(c);
    out += "\n";
  }
  return out;
}

std::string energy_data(const PlotData& d) {
  std::string out = "# component energy_uJ\n";
  for (const auto& [name, pj] : d.energy_pj) {
    out += gnuplot_quoted(name) + " " + shortest_text(pj / 1e6) + "\n";
  }
  return out;
}

// Layers with DRAM traffic and MACs: intensity (MACs per byte) and MACs per cycle.
std::string roofline_data(const PlotData& d) {
  std::string out = "# layer macs_per_dram_byte macs_per_cycle\n";
  for (const PlotLayer& l : d.layers) {
    if (l.dram_bytes <= 0 || l.macs <= 0 || l.cycles <= 0) continue;
    out += gnuplot_quoted(l.name) + " " + shortest_text(l.macs / l.dram_bytes) + " " +
           shortest_text(l.macs / l.cycles) + "\n";
  }
  return out;
}

std::string script(const PlotData& d) {
  const size_t width = std::max<size_t>(900, 200 + 22 * d.layers.size());
  // The roofline's x range spans the layers' intensities and the ridge point.
  double lo = 0, hi = 0;
  for (const PlotLayer& l : d.layers) {
    if (l.dram_bytes <= 0 || l.macs <= 0) continue;
    const double x = l.macs / l.dram_bytes;
    lo = lo == 0 ? x : std::min(lo, x);
    hi = std::max(hi, x);
  }
  const double ridge = d.dram_peak > 0 ? d.pes / d.dram_peak : 0;
  if (ridge > 0) {
    lo = lo == 0 ? ridge : std::min(lo, ridge);
    hi = std::max(hi, ridge);
  }
  if (hi == 0) lo = 0.1, hi = 10;
  const std::string pes = shortest_text(d.pes), peak = shortest_text(d.dram_peak);
  const std::string peak_text = d.dram_peak > 0 ? fixed(d.dram_peak, 1) : "unlimited";
  // gnuplot has no min(): the roof is the lower of the two as a conditional.
  const std::string memory_roof =
      d.dram_peak > 0 ? "(" + peak + " * x < " + pes + " ? " + peak + " * x : " + pes + ")" : pes;
  return std::string("# Made by tessera plot; run in this folder: gnuplot ") + kScript + "\n" +
         "set terminal pngcairo size " + std::to_string(width) +
         ",700 font 'sans,10' noenhanced\n"
         "set output '.causes.png.part'\n"
         "set title 'Cycles of each layer by cause: " +
         d.trace + "'\n" + cause_bars_style() +
         "plot for [i=2:" + std::to_string(kNumCycleCauses + 1) +
         "] 'causes.dat' using i:xtic(1) title columnheader(i)\n"
         "reset\n"
         "set terminal pngcairo size 900,600 font 'sans,10' noenhanced\n"
         "set output '.energy.png.part'\n"
         "set title 'Energy by component, whole run: " +
         d.trace +
         "'\n"
         "set style data histograms\n"
         "set style fill solid 0.85 border -1\n"
         "set boxwidth 0.6\n"
         "set xlabel 'component'\n"
         "set ylabel 'energy (uJ)'\n"
         "set yrange [0:*]\n"
         "set grid ytics\n"
         "unset key\n"
         "plot 'energy.dat' using 2:xtic(1) lc rgb '#4e79a7'\n"
         "reset\n"
         "set terminal pngcairo size 900,700 font 'sans,10' noenhanced\n"
         "set output '.roofline.png.part'\n"
         "set title 'Roofline: " +
         d.trace + " (" + pes + " PEs, DRAM " + peak_text +
         " B/cycle)'\n"
         "set logscale xy\n"
         "set xrange [" +
         shortest_text(lo / 4) + ":" + shortest_text(hi * 4) +
         "]\n"
         "set yrange [*:" +
         shortest_text(d.pes * 2) +
         "]\n"
         "set grid\n"
         "set key bottom right\n"
         "set xlabel 'operational intensity (MACs per DRAM byte, log scale)'\n"
         "set ylabel 'achieved MACs per cycle (log scale)'\n"
         "set samples 400\n"
         "plot " +
         memory_roof +
         " with lines lw 2 lc rgb 'black' title 'roof: min(PEs, DRAM B/cycle x intensity)', \\\n"
         "     'roofline.dat' using 2:3 with points pt 7 ps 1.2 lc rgb '#e15759' title 'layer'\n";
}

}  // namespace

void plot_run_report(const std::string& report_path, const std::string& dir) {
  const PlotData d = parse_run_report(read_text_file(report_path, "report"), report_path);
  run_gnuplot(dir, kScript, script(d),
              {{"causes.dat", causes_data(d)},
               {"energy.dat", energy_data(d)},
               {"roofline.dat", roofline_data(d)}},
              {"causes", "energy", "roofline"}, "output");
}

}  // namespace tessera
