#include "traces/predictions/timeloop_stats.h"

#include <cmath>
#include <map>
#include <optional>

#include "sim/error.h"
#include "traces/predictions/prediction_text.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

// One storage or arithmetic level of the "Buffer and Arithmetic Levels" section.
struct Level {
  int line = 0;
  std::optional<double> word_bits;
  std::optional<double> instances;
  std::optional<double> scalar_accesses;  // reads + fills + updates per instance, all data spaces
};

// Lines that start a section of their own at the left margin and end the level before them.
bool ends_level(const std::string& line) {
  return line == "Networks" || line == "Operational Intensity Stats" || line == "Summary Stats";
}

double energy_pj(const std::string& value, const SourceLocation& where) {
  static const std::map<std::string, double> kPjPerUnit{
      {"pJ", 1}, {"nJ", 1e3}, {"uJ", 1e6}, {"mJ", 1e9}, {"J", 1e12}};
  const size_t space = value.find(' ');
  const std::string unit =
      space == std::string::npos ? "" : prediction_detail::trim(value.substr(space));
  const auto it = kPjPerUnit.find(unit);
  if (it == kPjPerUnit.end()) {
    throw InputError(where, "unit '" + unit + "' is none of pJ, nJ, uJ, mJ, J");
  }
  const double pj = prediction_detail::non_negative(value.substr(0, space), where) * it->second;
  if (!std::isfinite(pj)) throw InputError(where, value + " is too large");
  return pj;
}

// "256 (16*16)" counts 256.
double leading_number(const std::string& value, const SourceLocation& where) {
  return prediction_detail::non_negative(value.substr(0, value.find(' ')), where);
}

class StatsReader {
 public:
  explicit StatsReader(std::string file) : file_(std::move(file)) {}

  void read(const std::string& line, int number) {
    const bool at_margin = !line.empty() && line[0] != ' ' && line[0] != '\t';
    if (at_margin && line.rfind("Level ", 0) == 0) {
      levels_.push_back({number, {}, {}, {}});
      in_level_ = true;
      return;
    }
    if (at_margin && ends_level(line)) in_level_ = false;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return;
    const std::string key = prediction_detail::trim(line.substr(0, colon));
    const std::string value = prediction_detail::trim(line.substr(colon + 1));
    const SourceLocation where{file_, number, key};
    if (at_margin && key == "Cycles") {
      once(cycles_line_, number, where);
      cycles_ = prediction_detail::non_negative(value, where);
    } else if (at_margin && key == "Energy") {
      once(energy_line_, number, where);
      energy_pj_ = energy_pj(value, where);
    } else if (!at_margin && in_level_) {
      read_level_line(key, value, where);
    }
  }

  [[nodiscard]] Predictions finish(int last_line) const {
    if (!cycles_) {
      throw InputError({file_, last_line, "Cycles"},
                       "no summary 'Cycles:' line (is this timeloop-model's stats file?)");
    }
    LayerPrediction p;
    p.line = cycles_line_;
    p.cycles = *cycles_;
    p.energy_pj = energy_pj_;
    if (!levels_.empty() && levels_.back().scalar_accesses) p.dram_bytes = outermost_bytes();
    return {file_, false, {p}};
  }

 private:
  static void once(int& seen_on, int number, const SourceLocation& where) {
    if (seen_on != 0) {
      throw InputError(where, "appears twice (first on line " + std::to_string(seen_on) + ")");
    }
    seen_on = number;
  }

  void read_level_line(const std::string& key, const std::string& value,
                       const SourceLocation& where) {
    Level& level = levels_.back();
    if (key == "Word bits" && !level.word_bits) {
      level.word_bits = prediction_detail::non_negative(value, where);
    } else if (key == "Instances" && !level.instances) {
      level.instances = leading_number(value, where);
    } else if (key == "Scalar reads (per-instance)" || key == "Scalar fills (per-instance)" ||
               key == "Scalar updates (per-instance)") {
      level.scalar_accesses =
          level.scalar_accesses.value_or(0) + prediction_detail::non_negative(value, where);
    }
  }

  [[nodiscard]] double outermost_bytes() const {
    const Level& level = levels_.back();
    if (!level.word_bits) {
      throw InputError({file_, level.line, "Word bits"},
                       "the outermost level counts accesses but not its word size");
    }
    const double bytes =
        *level.scalar_accesses * level.instances.value_or(1) * *level.word_bits / 8;
    if (!std::isfinite(bytes)) {
      throw InputError({file_, level.line, "Scalar reads (per-instance)"},
                       "the outermost level's traffic is too large");
    }
    return bytes;
  }

  std::string file_;
  std::vector<Level> levels_;
  bool in_level_ = false;
  std::optional<double> cycles_, energy_pj_;
  int cycles_line_ = 0, energy_line_ = 0;
};

}  // namespace

Predictions parse_timeloop_stats(const std::string& text, const std::string& file) {
  const std::vector<std::string> lines = prediction_detail::split_lines(text);
  StatsReader reader(file);
  for (size_t i = 0; i < lines.size(); ++i) reader.read(lines[i], static_cast<int>(i + 1));
  return reader.finish(static_cast<int>(lines.size()));
}

Predictions read_timeloop_stats(const std::string& path) {
  return parse_timeloop_stats(read_text_file(path, "predictions"), path);
}

}  // namespace tessera
