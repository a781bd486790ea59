// Reads a Timeloop mapping: a list of per-level directives (temporal and spatial loops given as
// factors and a permutation, innermost first; bypass lists). Checks that every target is a storage
// level of the architecture and that each dimension's factors multiply to its bound.
#include <sstream>
#include <utility>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/timeloop/timeloop_import.h"
#include "traces/timeloop/yaml_read.h"

namespace tessera::timeloop {
namespace {

using detail::require_map;
using detail::require_sequence;

class MappingReader {
 public:
  MappingReader(const std::string& path, const Problem& problem, const Arch& arch)
      : src_{path, 0}, problem_(problem), arch_(arch) {
    mapping_.file = path;
  }

  Mapping read() {
    const YAML::Node list = detail::load_root(src_.file, "mapping");
    require_sequence(list, src_, "mapping");
    for (size_t i = 0; i < list.size(); ++i) read_entry(list[i], static_cast<int>(i));
    check_products(list);
    return mapping_;
  }

 private:
  void read_entry(const YAML::Node& e, int index) {
    const std::string field = "mapping[" + std::to_string(index) + "]";
    require_map(e, src_, field);
    detail::require_present(e["target"], e, src_, field + ".target");
    detail::require_present(e["type"], e, src_, field + ".type");
    const std::string target = yaml::scalar_text(e["target"], src_, field + ".target");
    const std::string type = yaml::scalar_text(e["type"], src_, field + ".type");
    if (arch_.find(target) == nullptr) {
      std::string names;
      for (const StorageLevel& l : arch_.levels) names += (names.empty() ? "" : ", ") + l.name;
      throw InputError(
          src_.at(e["target"], field + ".target"),
          "'" + target + "' is not a storage level of " + arch_.file + " (" + names + ")");
    }
    LevelMapping& level = mapping_.levels[target];
    if (type == "bypass") {
      yaml::require_known_keys(e, {"target", "type", "keep", "bypass"}, src_, field);
      if (level.bypass_index >= 0) throw twice(e, field, target, type);
      level.bypass_index = index;
      level.bypass_line = src_.line(e);
      const std::set<std::string> keep = spaces(e["keep"], field + ".keep");
      level.bypassed = spaces(e["bypass"], field + ".bypass");
      for (const std::string& s : keep) {
        if (level.bypassed.count(s) != 0) {
          throw InputError(src_.at(e["keep"], field + ".keep"), s + " is both kept and bypassed");
        }
      }
      return;
    }
    if (type != "temporal" && type != "spatial") {
      throw InputError(src_.at(e["type"], field + ".type"),
                       "'" + type + "': expected temporal, spatial or bypass");
    }
    const bool spatial = type == "spatial";
    if (spatial) {
      yaml::require_known_keys(e, {"target", "type", "factors", "permutation", "split"}, src_,
                               field);
    } else {
      yaml::require_known_keys(e, {"target", "type", "factors", "permutation"}, src_, field);
    }
    LevelMapping::Loops& loops = spatial ? level.spatial : level.temporal;
    if (loops.index >= 0) throw twice(e, field, target, type);
    loops.index = index;
    loops.line = src_.line(e);
    read_factors(e, field, loops);
    read_permutation(e, field, loops);
    loops.split = static_cast<int64_t>(loops.permutation.size());  // no split: all on X
    if (const YAML::Node s = e["split"]) {
      loops.split = yaml::to_int(s, src_, field + ".split", 0);
      if (loops.split > static_cast<int64_t>(loops.permutation.size())) {
        throw InputError(src_.at(s, field + ".split"),
                         "larger than the permutation's " +
                             std::to_string(loops.permutation.size()) + " entries");
      }
    }
  }

  InputError twice(const YAML::Node& e, const std::string& field, const std::string& target,
                   const std::string& type) const {
    return {src_.at(e, field), "a second " + type + " entry for " + target};
  }

  std::set<std::string> spaces(const YAML::Node& n, const std::string& field) const {
    std::set<std::string> out;
    if (!n) return out;
    require_sequence(n, src_, field);
    for (size_t i = 0; i < n.size(); ++i) {
      const std::string f = field + "[" + std::to_string(i) + "]";
      const std::string s = yaml::scalar_text(n[i], src_, f);
      if (s != "Weights" && s != "Inputs" && s != "Outputs") {
        throw InputError(src_.at(n[i], f), "'" + s +
                                               "' is not a data space (Weights, Inputs, "
                                               "Outputs)");
      }
      if (!out.insert(s).second) throw InputError(src_.at(n[i], f), s + " appears twice");
    }
    return out;
  }

  // "C=2 M=2 R=3 ..." : every problem dimension with a bound above 1 must be written.
  void read_factors(const YAML::Node& e, const std::string& field, LevelMapping::Loops& loops) {
    const std::string f = field + ".factors";
    detail::require_present(e["factors"], e, src_, f);
    const YAML::Node n = e["factors"];
    if (!n.IsScalar()) throw InputError(src_.at(n, f), "expected a string such as 'C=2 M=4'");
    loops.factors_line = src_.line(n);
    std::istringstream words(n.Scalar());
    for (std::string word; words >> word;) {
      const size_t eq = word.find('=');
      if (eq != 1 || problem_.dims.find(word[0]) == std::string::npos) {
        throw InputError(src_.at(n, f), "'" + word + "': expected D=N with D one of the " +
                                            "problem's dimensions " + problem_.dims);
      }
      const std::string value = word.substr(2);
      if (value.find(',') != std::string::npos) {
        throw InputError(src_.at(n, f), "'" + word +
                                            "': imperfect factors (a residual after "
                                            "the comma) are not imported");
      }
      const std::optional<int64_t> v = parse_int(value);
      if (!v || *v < 1) throw InputError(src_.at(n, f), "'" + word + "': expected a factor >= 1");
      if (!loops.factors.emplace(word[0], *v).second) {
        throw InputError(src_.at(n, f), std::string("gives ") + word[0] + " twice");
      }
    }
    for (const char d : std::string(kDims)) {
      if (loops.factors.count(d) != 0) continue;
      if (problem_.bounds.at(d) > 1) {
        throw InputError(src_.at(n, f), std::string("leaves out ") + d +
                                            " (Timeloop would infer it; write it out)");
      }
      loops.factors[d] = 1;
    }
  }

  // Every dimension split at this level must have a place in the order.
  void read_permutation(const YAML::Node& e, const std::string& field, LevelMapping::Loops& loops) {
    const std::string f = field + ".permutation";
    if (const YAML::Node n = e["permutation"]) {
      loops.permutation = yaml::scalar_text(n, src_, f);
      loops.permutation_line = src_.line(n);
      for (size_t i = 0; i < loops.permutation.size(); ++i) {
        const char d = loops.permutation[i];
        if (problem_.dims.find(d) == std::string::npos) {
          throw InputError(src_.at(n, f), std::string("'") + d + "' is not a problem dimension");
        }
        if (loops.permutation.find(d) != i) {
          throw InputError(src_.at(n, f), std::string("names ") + d + " twice");
        }
      }
    }
    for (const auto& [d, factor] : loops.factors) {
      if (factor > 1 && loops.permutation.find(d) == std::string::npos) {
        throw InputError(
            src_.at(e["permutation"] ? e["permutation"] : e, f),
            std::string("has no place for ") + d + " (factor " + std::to_string(factor) + ")");
      }
    }
  }

  // Each dimension's factors over all levels, temporal and spatial, multiply to its bound.
  void check_products(const YAML::Node& list) {
    for (const char d : problem_.dims) {
      int64_t product = 1;
      std::string parts;
      const LevelMapping::Loops* outermost = nullptr;
      for (auto it = arch_.levels.rbegin(); it != arch_.levels.rend(); ++it) {
        const auto found = mapping_.levels.find(it->name);
        if (found == mapping_.levels.end()) continue;
        for (const LevelMapping::Loops* loops : {&found->second.temporal, &found->second.spatial}) {
          if (loops->index < 0) continue;
          const int64_t factor = loops->factors.at(d);
          // Bounds fit 31 bits, so a product capped at 2^40 can only be wrong.
          const int64_t cap = int64_t{1} << 40;
          product = product > cap / factor ? cap : product * factor;
          parts += (parts.empty() ? "" : " x ") + it->name +
                   (loops == &found->second.spatial ? " spatial " : " ") + std::to_string(factor);
          outermost = loops;
        }
      }
      if (product == problem_.bounds.at(d)) continue;
      const std::string message =
          std::string("the factors of ") + d + " multiply to " + std::to_string(product) +
          (parts.empty() ? "" : " (" + parts + ")") + ", not to the problem's " + d + " " +
          std::to_string(problem_.bounds.at(d));
      if (outermost == nullptr) throw InputError(src_.at(list, "mapping"), message);
      throw InputError({src_.file, outermost->factors_line,
                        "mapping[" + std::to_string(outermost->index) + "].factors"},
                       message);
    }
  }

  yaml::Source src_;
  const Problem& problem_;
  const Arch& arch_;
  Mapping mapping_;
};

}  // namespace

Mapping read_mapping(const std::string& path, const Problem& problem, const Arch& arch) {
  return MappingReader(path, problem, arch).read();
}

}  // namespace tessera::timeloop
