#include "sim/gnuplot.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iterator>

#include "sim/atomic_file.h"
#include "sim/cycle_causes.h"
#include "sim/error.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLog = "gnuplot.log";

// gnuplot runs in DIR, its messages to DIR/gnuplot.log; returns its exit status (127: not run).
int run_in(const std::string& dir, const std::string& script_name, const SourceLocation& where) {
  const pid_t pid = fork();
  if (pid < 0) throw InputError(where, "cannot start gnuplot");
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    const int log = open(kLog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      close(log);
    }
    execlp("gnuplot", "gnuplot", script_name.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) throw InputError(where, "lost track of gnuplot");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

void prepare_plot_folder(const std::string& dir, const std::string& field) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError({dir, 0, field}, "cannot create the folder: " + ec.message());
  if (!fs::is_directory(dir, ec)) {
    throw InputError({dir, 0, field}, "cannot create the folder: a file is in the way");
  }
}

void run_gnuplot(const std::string& dir, const std::string& script_name, const std::string& script,
                 const std::vector<std::pair<std::string, std::string>>& files,
                 const std::vector<std::string>& pictures, const std::string& field) {
  const SourceLocation where{dir, 0, field};
  prepare_plot_folder(dir, field);
  const fs::path folder(dir);
  for (const auto& [name, contents] : files) {
    write_file_atomically((folder / name).string(), contents);
  }
  write_file_atomically((folder / script_name).string(), script);
  const int status = run_in(dir, script_name, where);
  if (status == 127) throw InputError(where, "gnuplot could not be run (is it installed?)");
  if (status != 0) {
    throw InputError(where, "gnuplot failed (exit status " + std::to_string(status) +
                                "); its messages are in " + (folder / kLog).string());
  }
  for (const std::string& png : pictures) {
    std::error_code ec;
    fs::rename(folder / ("." + png + ".png.part"), folder / (png + ".png"), ec);
    if (ec) throw InputError(where, "gnuplot made no " + png + ".png: " + ec.message());
  }
}

std::string gnuplot_quoted(std::string text) {
  std::replace(text.begin(), text.end(), '"', '\'');
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return "\"" + text + "\"";
}

std::string causes_header() {
  std::string out = "layer";
  for (const std::string_view name : kCycleCauseNames) out += " " + std::string(name);
  return out + "\n";
}

std::string cause_bars_style() {
  static const char* const kColours[] = {"#4e79a7", "#a0cbe8", "#f28e2b", "#ffbe7d", "#e15759",
                                         "#ff9d9a", "#59a14f", "#8cd17d", "#b07aa1", "#d4a6c8",
                                         "#9d7660", "#bab0ac", "#79706e"};
  static_assert(std::size(kColours) >= kNumCycleCauses);
  std::string out;
  for (size_t i = 0; i < kNumCycleCauses; ++i) {
    out += "set linetype " + std::to_string(i + 1) + " lc rgb '" + kColours[i] + "'\n";
  }
  return out +
         "set style data histograms\n"
         "set style histogram rowstacked\n"
         "set style fill solid 0.85 border -1\n"
         "set boxwidth 0.75\n"
         "set key outside right top\n"
         "set xlabel 'layer'\n"
         "set ylabel 'cycles'\n"
         "set yrange [0:*]\n"
         "set grid ytics\n"
         "set xtics rotate by -45 scale 0\n";
}

}  // namespace tessera
