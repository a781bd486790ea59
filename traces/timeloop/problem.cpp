// Reads a Timeloop v0.4 problem (`problem: {version, instance, shape}`) with the keys
// timeloop-model v3.0.3's own parser wants. Only the convolution shape (Weights C M R S, Inputs
// N C and the two sliding-window axes, Outputs N M P Q, optional groups G) is accepted: it is the
// one tessera's GEMM view can hold.
#include <algorithm>
#include <cctype>
#include <set>
#include <utility>
#include <vector>

#include "sim/error.h"
#include "traces/timeloop/timeloop_import.h"
#include "traces/timeloop/yaml_read.h"

namespace tessera::timeloop {
namespace {

using detail::require_map;
using detail::require_sequence;

constexpr int64_t kMaxBound = (int64_t{1} << 31) - 1;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A term of a projection: a dimension times a coefficient (none: 1).
struct Term {
  char dim = 0;
  std::string coefficient;
};
using Rank = std::vector<Term>;

struct Coefficient {
  int64_t value = 1;
  int line = 0;       // where the value was written (instance, else the default)
  std::string field;  // and under which key
};

class ProblemReader {
 public:
  explicit ProblemReader(const std::string& path) : src_{path, 0} { p_.file = path; }

  Problem read() {
    const YAML::Node problem = detail::load_root(src_.file, "problem");
    require_map(problem, src_, "problem");
    yaml::require_known_keys(problem, {"version", "instance", "shape"}, src_, "problem");
    if (const YAML::Node v = problem["version"]) {
      const std::string version = yaml::scalar_text(v, src_, "problem.version");
      if (version != "0.4") {
        throw InputError(src_.at(v, "problem.version"), "expected 0.4, got '" + version + "'");
      }
    }
    const YAML::Node shape = problem["shape"];
    require_map(shape, src_, "problem.shape");
    if (shape["data_spaces"]) {
      throw InputError(src_.at(detail::key_node(shape, "data_spaces"), "problem.shape.data_spaces"),
                       "Timeloop v3.0.3 reads 'data-spaces' (with data_spaces it stops with "
                       "'key not found: data-spaces')");
    }
    yaml::require_known_keys(shape, {"name", "coefficients", "dimensions", "data-spaces"}, src_,
                             "problem.shape");
    if (const YAML::Node name = shape["name"]) {
      p_.name = yaml::scalar_text(name, src_, "problem.shape.name");
    }
    read_dimensions(shape["dimensions"]);
    read_coefficients(shape["coefficients"]);
    read_instance(problem["instance"]);
    read_data_spaces(shape["data-spaces"]);
    return p_;
  }

 private:
  void read_dimensions(const YAML::Node& dims) {
    require_sequence(dims, src_, "problem.shape.dimensions");
    for (size_t i = 0; i < dims.size(); ++i) {
      const std::string field = "problem.shape.dimensions[" + std::to_string(i) + "]";
      const std::string d = yaml::scalar_text(dims[i], src_, field);
      if (d.size() != 1 || std::string(kDims).find(d[0]) == std::string::npos) {
        throw InputError(src_.at(dims[i], field),
                         "'" + d + "' is not a convolution dimension (C M R S N P Q G)");
      }
      if (p_.dims.find(d[0]) != std::string::npos) {
        throw InputError(src_.at(dims[i], field), "'" + d + "' is declared twice");
      }
      p_.dims += d;
    }
    for (const char d : std::string("CMRSNPQ")) {
      if (p_.dims.find(d) == std::string::npos) {
        throw InputError(src_.at(dims, "problem.shape.dimensions"),
                         std::string("missing dimension ") + d +
                             ": tessera imports the convolution shape C M R S N P Q (G)");
      }
    }
  }

  void read_coefficients(const YAML::Node& list) {
    if (!list) return;
    require_sequence(list, src_, "problem.shape.coefficients");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string field = "problem.shape.coefficients[" + std::to_string(i) + "]";
      const YAML::Node c = list[i];
      require_map(c, src_, field);
      yaml::require_known_keys(c, {"name", "default"}, src_, field);
      detail::require_present(c["name"], c, src_, field + ".name");
      const std::string name = yaml::scalar_text(c["name"], src_, field + ".name");
      if (coefficients_.count(name) != 0 || std::string(kDims).find(name) != std::string::npos) {
        throw InputError(src_.at(c["name"], field + ".name"),
                         "'" + name + "' is already a coefficient or dimension name");
      }
      Coefficient coefficient{1, src_.line(c), field + ".default"};
      if (const YAML::Node d = c["default"]) {
        coefficient.value = yaml::to_int(d, src_, field + ".default");
        coefficient.line = src_.line(d);
      }
      coefficients_[name] = coefficient;
    }
  }

  void read_instance(const YAML::Node& instance) {
    require_map(instance, src_, "problem.instance");
    yaml::require_unique_keys(instance, src_, "problem.instance");
    for (const auto& kv : instance) {
      const std::string key = kv.first.Scalar();
      const std::string field = "problem.instance." + key;
      if (key.size() == 1 && p_.dims.find(key[0]) != std::string::npos) {
        const int64_t v = yaml::to_int(kv.second, src_, field);
        if (v > kMaxBound) throw InputError(src_.at(kv.second, field), "too large");
        p_.bounds[key[0]] = v;
        p_.bound_lines[key[0]] = src_.line(kv.second);
      } else if (const auto it = coefficients_.find(key); it != coefficients_.end()) {
        it->second.value = yaml::to_int(kv.second, src_, field);
        if (it->second.value > kMaxBound) throw InputError(src_.at(kv.second, field), "too large");
        it->second.line = src_.line(kv.second);
        it->second.field = field;
      } else {
        std::string known, hint;
        for (const auto& c : coefficients_) {
          known += (known.empty() ? "" : ", ") + c.first;
          if (lower(c.first) == lower(key)) hint = "; did you mean '" + c.first + "'?";
        }
        throw InputError(src_.at(kv.first, field),
                         "not a dimension (" + p_.dims + ") or coefficient (" +
                             (known.empty() ? std::string("none") : known) +
                             "): Timeloop ignores such a key without a word" + hint);
      }
    }
    for (const char d : p_.dims) {
      if (p_.bounds.count(d) == 0) {
        throw InputError(src_.at(instance, "problem.instance." + std::string(1, d)),
                         "missing (every declared dimension needs a bound)");
      }
    }
    for (const char d : std::string(kDims)) p_.bounds.emplace(d, 1);
    if (p_.bounds['G'] > 1) {
      throw InputError(
          {src_.file, p_.bound_lines['G'], "problem.instance.G"},
          "grouped convolution (G " + std::to_string(p_.bounds['G']) + "): tessera has no groups");
    }
    const double macs = static_cast<double>(p_.bounds['N']) * p_.bounds['P'] * p_.bounds['Q'] *
                        p_.bounds['M'] * p_.bounds['C'] * p_.bounds['R'] * p_.bounds['S'];
    if (macs > 0x1p62) {
      throw InputError(src_.at(instance, "problem.instance"), "layer is too large to simulate");
    }
  }

  Rank read_rank(const YAML::Node& rank, const std::string& field) {
    require_sequence(rank, src_, field);
    Rank out;
    for (size_t t = 0; t < rank.size(); ++t) {
      const std::string tf = field + "[" + std::to_string(t) + "]";
      const YAML::Node term = rank[t];
      require_sequence(term, src_, tf);
      if (term.size() != 1 && term.size() != 2) {
        throw InputError(src_.at(term, tf), "a term is [dimension] or [dimension, coefficient]");
      }
      const std::string d = yaml::scalar_text(term[0], src_, tf + "[0]");
      if (d.size() != 1 || p_.dims.find(d[0]) == std::string::npos) {
        throw InputError(src_.at(term[0], tf + "[0]"), "'" + d + "' is not a declared dimension");
      }
      Term parsed{d[0], {}};
      if (term.size() == 2) {
        parsed.coefficient = yaml::scalar_text(term[1], src_, tf + "[1]");
        if (coefficients_.count(parsed.coefficient) == 0) {
          throw InputError(src_.at(term[1], tf + "[1]"),
                           "'" + parsed.coefficient + "' is not a declared coefficient");
        }
      }
      out.push_back(parsed);
    }
    return out;
  }

  // The single-dimension ranks must be exactly `expected` (plus G when declared), and the
  // compound ones the two sliding windows of Inputs.
  void check_space(const std::string& name, const std::vector<Rank>& ranks, std::string expected,
                   const YAML::Node& node, const std::string& field) {
    if (p_.dims.find('G') != std::string::npos) expected += 'G';
    std::string singles;
    for (const Rank& r : ranks) {
      if (r.size() == 1 && r[0].coefficient.empty()) singles += r[0].dim;
    }
    std::string sorted = singles, want = expected;
    std::sort(sorted.begin(), sorted.end());
    std::sort(want.begin(), want.end());
    const size_t compound = ranks.size() - singles.size();
    if (sorted != want || compound != (name == "Inputs" ? 2U : 0U)) {
      std::string form = "one rank per dimension " + expected;
      if (name == "Inputs") form += " plus [[R, dilation], [P, stride]] and [[S, ...], [Q, ...]]";
      throw InputError(src_.at(node, field),
                       name + " is not projected as a convolution's (" + form + ")");
    }
  }

  // Finds the Inputs rank holding `out` (P or Q) and `filter` (R or S); returns its stride.
  int64_t window(const std::vector<Rank>& ranks, char out, char filter, const YAML::Node& node,
                 const std::string& field) {
    for (const Rank& r : ranks) {
      if (r.size() != 2 || (r[0].dim != out && r[1].dim != out)) continue;
      const Term& o = r[0].dim == out ? r[0] : r[1];
      const Term& f = r[0].dim == out ? r[1] : r[0];
      if (f.dim != filter) break;
      const Coefficient dilation = value_of(f.coefficient);
      if (dilation.value != 1) {
        throw InputError({src_.file, dilation.line, dilation.field},
                         "dilation " + std::to_string(dilation.value) + " (of " + filter +
                             "): tessera has no dilated convolution");
      }
      return value_of(o.coefficient).value;
    }
    throw InputError(src_.at(node, field), std::string("Inputs has no rank [[") + filter +
                                               ", dilation], [" + out + ", stride]]");
  }

  [[nodiscard]] Coefficient value_of(const std::string& coefficient) const {
    if (coefficient.empty()) return {};
    return coefficients_.at(coefficient);
  }

  void read_data_spaces(const YAML::Node& spaces) {
    require_sequence(spaces, src_, "problem.shape.data-spaces");
    std::set<std::string> seen;
    for (size_t i = 0; i < spaces.size(); ++i) {
      const std::string field = "problem.shape.data-spaces[" + std::to_string(i) + "]";
      const YAML::Node s = spaces[i];
      require_map(s, src_, field);
      if (s["read_write"]) {
        throw InputError(src_.at(detail::key_node(s, "read_write"), field + ".read_write"),
                         "Timeloop v3.0.3 reads 'read-write'; it ignores 'read_write'");
      }
      yaml::require_known_keys(s, {"name", "projection", "read-write"}, src_, field);
      detail::require_present(s["name"], s, src_, field + ".name");
      const std::string name = yaml::scalar_text(s["name"], src_, field + ".name");
      if (name != "Weights" && name != "Inputs" && name != "Outputs") {
        throw InputError(
            src_.at(s["name"], field + ".name"),
            "'" + name + "': tessera imports the data spaces Weights, Inputs, Outputs");
      }
      if (!seen.insert(name).second) {
        throw InputError(src_.at(s["name"], field + ".name"), "'" + name + "' appears twice");
      }
      const bool read_write = s["read-write"] && yaml::scalar_text(s["read-write"], src_,
                                                                   field + ".read-write") == "true";
      if (read_write != (name == "Outputs")) {
        throw InputError(src_.at(s, field + ".read-write"), name == "Outputs"
                                                                ? "Outputs must be read-write: true"
                                                                : name + " must not be read-write");
      }
      const YAML::Node proj = s["projection"];
      require_sequence(proj, src_, field + ".projection");
      std::vector<Rank> ranks;
      for (size_t r = 0; r < proj.size(); ++r) {
        ranks.push_back(read_rank(proj[r], field + ".projection[" + std::to_string(r) + "]"));
      }
      const std::string pf = field + ".projection";
      if (name == "Weights") check_space(name, ranks, "CMRS", proj, pf);
      if (name == "Outputs") check_space(name, ranks, "NMPQ", proj, pf);
      if (name == "Inputs") {
        check_space(name, ranks, "NC", proj, pf);
        p_.stride_h = window(ranks, 'P', 'R', proj, pf);
        p_.stride_w = window(ranks, 'Q', 'S', proj, pf);
      }
    }
    if (seen.size() != 3) {
      throw InputError(src_.at(spaces, "problem.shape.data-spaces"),
                       "expected the data spaces Weights, Inputs and Outputs");
    }
  }

  yaml::Source src_;
  Problem p_;
  std::map<std::string, Coefficient> coefficients_;
};

}  // namespace

Problem read_problem(const std::string& path) {
  return ProblemReader(path).read();
}

}  // namespace tessera::timeloop
