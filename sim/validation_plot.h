// `tessera validate --plot DIR`: gnuplot data and a script written into DIR, then run, making
// predicted_vs_simulated.png (log-log, each layer a point, with the line y = x) and causes.png
// (each layer's simulated cycles stacked by cause, its predicted cycles a point over the bar).
#pragma once

#include <string>

#include "sim/gnuplot.h"  // prepare_plot_folder: called before simulating, a bad DIR costs nothing
#include "sim/validation.h"

namespace tessera {

// Writes the data and script into DIR and runs gnuplot there. InputError naming DIR (field
// "plot") when gnuplot cannot run or fails; gnuplot's messages are then in DIR/gnuplot.log.
void write_validation_plots(const Validation& v, const std::string& dir);

}  // namespace tessera
