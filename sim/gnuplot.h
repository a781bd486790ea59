// Pictures made with gnuplot: a script and its data files written into a folder and run there.
// The PNGs appear under their names only once gnuplot has drawn them all whole.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tessera {

// Creates DIR (and its parents) where it does not exist; InputError naming DIR (field `field`)
// when it cannot be made or is not a folder.
void prepare_plot_folder(const std::string& dir, const std::string& field = "plot");

// Writes `files` (name, contents) and `script` (as SCRIPT_NAME) into DIR and runs gnuplot there,
// its messages to DIR/gnuplot.log. The script draws each of `pictures` (names without .png) to
// the file `.NAME.png.part`; all are then renamed to NAME.png. InputError naming DIR (field
// `field`) when gnuplot cannot run, fails or draws no picture.
void run_gnuplot(const std::string& dir, const std::string& script_name, const std::string& script,
                 const std::vector<std::pair<std::string, std::string>>& files,
                 const std::vector<std::string>& pictures, const std::string& field = "plot");

// A string as gnuplot's data files quote it: in double quotes, which it cannot escape inside.
[[nodiscard]] std::string gnuplot_quoted(std::string text);

// Per-layer bars of cycles stacked by cause: the data file's header row (`layer` and the cause
// names of sim/cycle_causes.h, in order), and the script lines that give each cause its own
// colour and style the bars and their axes.
[[nodiscard]] std::string causes_header();
[[nodiscard]] std::string cause_bars_style();

}  // namespace tessera
