#include "sim/validation_plot.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iterator>

#include "sim/atomic_file.h"
#include "sim/error.h"
#include "sim/numbers.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScatter = "predicted_vs_simulated";
constexpr const char* kCauses = "causes";
constexpr const char* kScript = "validation.gp";
constexpr const char* kLog = "gnuplot.log";

// gnuplot's data files quote strings with double quotes and know no escape for one inside.
std::string quoted_name(std::string name) {
  std::replace(name.begin(), name.end(), '"', '\'');
  std::replace(name.begin(), name.end(), '\n', ' ');
  std::replace(name.begin(), name.end(), '\r', ' ');
  return "\"" + name + "\"";
}

std::string scatter_data(const Validation& v) {
  std::string out = "# layer predicted_cycles simulated_cycles\n";
  for (const LayerComparison& l : v.layers) {
    out += quoted_name(l.name) + " " + shortest_text(l.predicted_cycles) + " " +
           std::to_string(l.simulated_cycles) + "\n";
  }
  return out;
}

std::string causes_data(const Validation& v) {
  std::string out = "layer";
  for (const std::string_view name : kCycleCauseNames) out += " " + std::string(name);
  out += "\n";
  for (const LayerComparison& l : v.layers) {
    out += quoted_name(l.name);
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

// One colour per cause: gnuplot's default cycle has fewer, so causes would share one.
std::string cause_colours() {
  static const char* const kColours[] = {"#4e79a7", "#a0cbe8", "#f28e2b", "#ffbe7d",
                                         "#e15759", "#ff9d9a", "#59a14f", "#8cd17d",
                                         "#b07aa1", "#9d7660", "#bab0ac", "#79706e"};
  static_assert(std::size(kColours) >= kNumCycleCauses);
  std::string out;
  for (size_t i = 0; i < kNumCycleCauses; ++i) {
    out += "set linetype " + std::to_string(i + 1) + " lc rgb '" + kColours[i] + "'\n";
  }
  return out;
}

std::string script(const Validation& v) {
  const size_t width = std::max<size_t>(900, 200 + 30 * v.layers.size());
  const std::string range = log_range(v);
  return std::string("# Made by tessera validate; run in this folder: gnuplot ") + kScript +
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
         cause_colours() +
         "set style data histograms\n"
         "set style histogram rowstacked\n"
         "set style fill solid 0.85 border -1\n"
         "set boxwidth 0.75\n"
         "set key outside right top\n"
         "set xlabel 'layer'\n"
         "set ylabel 'cycles'\n"
         "set yrange [0:*]\n"
         "set grid ytics\n"
         "set xtics rotate by -45 scale 0\n"
         "plot for [i=2:" +
         std::to_string(kNumCycleCauses + 1) + "] '" + kCauses +
         ".dat' using i:xtic(1) title columnheader(i), \\\n"
         "     '" +
         kScatter +
         ".dat' using 0:2 with points pt 7 ps 1.3 lc rgb 'black' title 'predicted cycles', \\\n"
         "     '" +
         kScatter +
         ".dat' using 0:3 with points pt 6 ps 1.6 lc rgb 'red' title 'simulated cycles'\n";
}

[[noreturn]] void fail(const std::string& dir, const std::string& message) {
  throw InputError({dir, 0, "plot"}, message);
}

// gnuplot runs in DIR, its messages to DIR/gnuplot.log; returns its exit status (127: not run).
int run_gnuplot(const std::string& dir) {
  const pid_t pid = fork();
  if (pid < 0) fail(dir, "cannot start gnuplot");
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    const int log = open(kLog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      close(log);
    }
    execlp("gnuplot", "gnuplot", kScript, static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) fail(dir, "lost track of gnuplot");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

void prepare_plot_folder(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail(dir, "cannot create the folder: " + ec.message());
  if (!fs::is_directory(dir, ec)) fail(dir, "cannot create the folder: a file is in the way");
}

void write_validation_plots(const Validation& v, const std::string& dir) {
  prepare_plot_folder(dir);
  const fs::path folder(dir);
  write_file_atomically((folder / (std::string(kScatter) + ".dat")).string(), scatter_data(v));
  write_file_atomically((folder / (std::string(kCauses) + ".dat")).string(), causes_data(v));
  write_file_atomically((folder / kScript).string(), script(v));
  const int status = run_gnuplot(dir);
  if (status == 127) fail(dir, "gnuplot could not be run (is it installed?)");
  if (status != 0) {
    fail(dir, "gnuplot failed (exit status " + std::to_string(status) + "); its messages are in " +
                  (folder / kLog).string());
  }
  // The pictures appear under their names only once both are whole.
  for (const char* png : {kScatter, kCauses}) {
    std::error_code ec;
    fs::rename(folder / ("." + std::string(png) + ".png.part"),
               folder / (std::string(png) + ".png"), ec);
    if (ec) fail(dir, "gnuplot made no " + std::string(png) + ".png: " + ec.message());
  }
}

}  // namespace tessera
