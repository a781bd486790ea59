// Reads a Timeloop `architecture: version 0.4` tree (subtree/local) into its storage levels,
// outermost first, the way timeloop-model v3.0.3 flattens it: a node's local components, then its
// subtree; a name `X[0..N-1]` multiplies the instances of everything below it by N.
// tessera can hold one shape of it: DRAM, one global buffer, then per-PE levels and the MACs.
#include <cmath>
#include <utility>

#include "sim/error.h"
#include "sim/numbers.h"
#include "traces/timeloop/timeloop_import.h"
#include "traces/timeloop/yaml_read.h"

namespace tessera::timeloop {
namespace {

using detail::require_map;
using detail::require_sequence;

constexpr int64_t kMaxInstances = int64_t{1} << 24;

bool is_storage(const std::string& cls) {
  return cls == "DRAM" || cls == "SRAM" || cls == "regfile" || cls == "storage" ||
         cls == "smartbuffer_SRAM" || cls == "smartbuffer_RF";
}
bool is_compute(const std::string& cls) {
  return cls == "intmac" || cls == "fpmac" || cls == "mac" || cls == "compute";
}

class ArchReader {
 public:
  explicit ArchReader(const std::string& path) : src_{path, 0} { arch_.file = path; }

  Arch read() {
    const YAML::Node root = detail::load_root(src_.file, "architecture");
    require_map(root, src_, "architecture");
    if (root["nodes"]) {
      throw InputError(src_.at(detail::key_node(root, "nodes"), "architecture.nodes"),
                       "the flat 'nodes' form is timeloopfe's; timeloop-model v3.0.3 reads the "
                       "subtree/local tree");
    }
    yaml::require_known_keys(root, {"version", "subtree", "local"}, src_, "architecture");
    if (const YAML::Node v = root["version"]) {
      const std::string version = yaml::scalar_text(v, src_, "architecture.version");
      if (version != "0.4") {
        throw InputError(src_.at(v, "architecture.version"), "expected 0.4, got '" + version + "'");
      }
    }
    walk(root, "architecture", 1);
    check_shape(root);
    return arch_;
  }

 private:
  // "PE[0..1023]" -> 1024; a plain name -> 1.
  int64_t instances_of(const std::string& name, const YAML::Node& node, const std::string& field) {
    const size_t open = name.find('[');
    if (open == std::string::npos) return 1;
    const size_t dots = name.find("..", open);
    const size_t close = name.find(']', open);
    const std::optional<int64_t> lo = dots == std::string::npos
                                          ? std::nullopt
                                          : parse_int(name.substr(open + 1, dots - open - 1));
    const std::optional<int64_t> hi =
        dots == std::string::npos || close == std::string::npos || close < dots
            ? std::nullopt
            : parse_int(name.substr(dots + 2, close - dots - 2));
    if (!lo || !hi || *lo != 0 || *hi < 0 || *hi >= kMaxInstances || close + 1 != name.size()) {
      throw InputError(src_.at(node, field), "'" + name + "': expected NAME[0..N-1]");
    }
    return *hi + 1;
  }

  void walk(const YAML::Node& node, const std::string& field, int64_t instances) {
    if (const YAML::Node local = node["local"]) {
      require_sequence(local, src_, field + ".local");
      for (size_t i = 0; i < local.size(); ++i) {
        read_component(local[i], field + ".local[" + std::to_string(i) + "]", instances);
      }
    }
    if (const YAML::Node sub = node["subtree"]) {
      require_sequence(sub, src_, field + ".subtree");
      if (sub.size() != 1) {
        throw InputError(src_.at(sub, field + ".subtree"),
                         "expected one subtree per level (tessera imports one PE array)");
      }
      const std::string f = field + ".subtree[0]";
      const YAML::Node child = sub[0];
      require_map(child, src_, f);
      yaml::require_known_keys(child, {"name", "local", "subtree", "attributes"}, src_, f);
      detail::require_present(child["name"], child, src_, f + ".name");
      const std::string name = yaml::scalar_text(child["name"], src_, f + ".name");
      if (const YAML::Node attrs = child["attributes"]) {
        require_map(attrs, src_, f + ".attributes");
        yaml::require_known_keys(attrs, {"technology", "global_cycle_seconds"}, src_,
                                 f + ".attributes");
        if (attrs["global_cycle_seconds"]) clock(attrs["global_cycle_seconds"], f);
      }
      walk(child, f,
           checked_product(instances, instances_of(name, child["name"], f + ".name"), child["name"],
                           f + ".name"));
    }
  }

  int64_t checked_product(int64_t a, int64_t b, const YAML::Node& n, const std::string& field) {
    if (a * b >= kMaxInstances) throw InputError(src_.at(n, field), "too many instances");
    return a * b;
  }

  void clock(const YAML::Node& n, const std::string& field) {
    const std::string f = field + ".attributes.global_cycle_seconds";
    const double seconds = detail::to_real(n, src_, f, 1e-15);
    const double mhz = 1e-6 / seconds;
    if (arch_.clock_line != 0 && mhz != arch_.clock_mhz) {
      throw InputError(src_.at(n, f), "differs from the cycle time given on line " +
                                          std::to_string(arch_.clock_line));
    }
    arch_.clock_mhz = mhz;
    arch_.clock_line = src_.line(n);
  }

  void read_component(const YAML::Node& c, const std::string& field, int64_t parent) {
    require_map(c, src_, field);
    yaml::require_known_keys(c, {"name", "class", "subclass", "attributes", "required_actions"},
                             src_, field);
    detail::require_present(c["name"], c, src_, field + ".name");
    detail::require_present(c["class"], c, src_, field + ".class");
    const std::string name = yaml::scalar_text(c["name"], src_, field + ".name");
    const std::string cls = yaml::scalar_text(c["class"], src_, field + ".class");
    const int64_t instances = checked_product(
        parent, instances_of(name, c["name"], field + ".name"), c["name"], field + ".name");
    const YAML::Node attrs = c["attributes"];
    if (attrs) require_map(attrs, src_, field + ".attributes");
    const std::string af = field + ".attributes";
    if (is_compute(cls)) {
      if (!arch_.compute_name.empty()) {
        throw InputError(src_.at(c["name"], field + ".name"),
                         "a second compute level ('" + arch_.compute_name + "' is the first)");
      }
      arch_.compute_name = name.substr(0, name.find('['));
      arch_.pes = instances;
      if (attrs) {
        yaml::require_known_keys(
            attrs, {"datawidth", "meshX", "meshY", "technology", "type", "global_cycle_seconds"},
            src_, af);
        mesh(attrs, af, instances);
      }
      return;
    }
    if (!is_storage(cls)) {
      throw InputError(src_.at(c["class"], field + ".class"),
                       "'" + cls +
                           "' is neither storage (DRAM, SRAM, regfile, storage, "
                           "smartbuffer_SRAM, smartbuffer_RF) nor compute (intmac, fpmac, mac, "
                           "compute)");
    }
    if (!arch_.compute_name.empty()) {
      throw InputError(src_.at(c["name"], field + ".name"),
                       "storage below the compute level '" + arch_.compute_name + "'");
    }
    StorageLevel level;
    level.name = name.substr(0, name.find('['));
    level.cls = cls;
    level.line = src_.line(c["name"]);
    level.instances = instances;
    for (const StorageLevel& other : arch_.levels) {
      if (other.name == level.name) {
        throw InputError(
            src_.at(c["name"], field + ".name"),
            "a second level named '" + level.name + "' (line " + std::to_string(other.line) + ")");
      }
    }
    if (attrs) read_storage_attributes(attrs, af, level);
    arch_.levels.push_back(level);
  }

  void read_storage_attributes(const YAML::Node& attrs, const std::string& af,
                               StorageLevel& level) {
    yaml::require_known_keys(
        attrs,
        {"type", "technology", "depth", "entries", "width", "block-size", "word-bits", "datawidth",
         "n_banks", "read_bandwidth", "write_bandwidth", "shared_bandwidth", "meshX", "meshY",
         "cluster-size", "num-ports", "multiple-buffering", "global_cycle_seconds"},
        src_, af);
    for (const auto& kv : attrs) level.attribute_lines[kv.first.Scalar()] = src_.line(kv.second);
    auto integer = [&](const char* key, int64_t& out, int64_t min) {
      if (const YAML::Node n = attrs[key]) out = yaml::to_int(n, src_, af + "." + key, min);
    };
    auto bandwidth = [&](const char* key, std::optional<double>& out) {
      if (const YAML::Node n = attrs[key]) out = detail::to_real(n, src_, af + "." + key, 1e-9);
    };
    if (attrs["depth"] && attrs["entries"]) {
      throw InputError(src_.at(attrs["entries"], af + ".entries"),
                       "give depth or entries, not both");
    }
    integer("depth", level.depth, 1);
    integer("entries", level.depth, 1);
    integer("width", level.width_bits, 1);
    if (attrs["word-bits"] && attrs["datawidth"]) {
      throw InputError(src_.at(attrs["datawidth"], af + ".datawidth"),
                       "give word-bits or datawidth, not both");
    }
    integer("word-bits", level.word_bits, 1);
    integer("datawidth", level.word_bits, 1);
    integer("n_banks", level.n_banks, 1);
    bandwidth("read_bandwidth", level.read_bw);
    bandwidth("write_bandwidth", level.write_bw);
    bandwidth("shared_bandwidth", level.shared_bw);
    if (const YAML::Node n = attrs["multiple-buffering"]) {
      if (detail::to_real(n, src_, af + ".multiple-buffering", 0) != 1) {
        throw InputError(src_.at(n, af + ".multiple-buffering"),
                         "only 1 (Timeloop's default) is imported");
      }
    }
    if (const YAML::Node n = attrs["cluster-size"]) {
      if (yaml::to_int(n, src_, af + ".cluster-size") != 1) {
        throw InputError(src_.at(n, af + ".cluster-size"), "only 1 is imported");
      }
    }
    if (level.word_bits > 32 || level.word_bits % 8 != 0) {
      throw InputError(
          {src_.file,
           level.attribute_lines.count("word-bits") != 0 ? level.attribute_lines["word-bits"]
                                                         : level.line,
           af + ".word-bits"},
          "tessera's precision is 8, 16, 24 or 32 bits");
    }
    mesh(attrs, af, level.instances);
    if (attrs["global_cycle_seconds"]) clock(attrs["global_cycle_seconds"], af);
  }

  void mesh(const YAML::Node& attrs, const std::string& af, int64_t instances) {
    const YAML::Node x = attrs["meshX"];
    if (x) {
      const int64_t mx = yaml::to_int(x, src_, af + ".meshX");
      if (instances % mx != 0) {
        throw InputError(src_.at(x, af + ".meshX"),
                         "does not divide the " + std::to_string(instances) + " instances");
      }
      if (arch_.mesh_line != 0 && mx != arch_.mesh_x) {
        throw InputError(src_.at(x, af + ".meshX"),
                         "differs from meshX on line " + std::to_string(arch_.mesh_line));
      }
      arch_.mesh_x = mx;
      arch_.mesh_line = src_.line(x);
    }
    if (const YAML::Node y = attrs["meshY"]) {
      const int64_t my = yaml::to_int(y, src_, af + ".meshY");
      if (!x || my * arch_.mesh_x != instances) {
        throw InputError(src_.at(y, af + ".meshY"), "meshX x meshY must equal the " +
                                                        std::to_string(instances) + " instances");
      }
    }
  }

  [[nodiscard]] InputError at_level(const StorageLevel& l, const std::string& message) const {
    return InputError({src_.file, l.line, l.name}, message);
  }

  // DRAM, one global buffer, per-PE levels, MACs.
  void check_shape(const YAML::Node& root) {
    const std::vector<StorageLevel>& levels = arch_.levels;
    if (arch_.compute_name.empty()) {
      throw InputError(src_.at(root, "architecture"), "no compute level (class intmac, ...)");
    }
    if (levels.size() < 2 || levels[0].cls != "DRAM") {
      throw InputError(src_.at(root, "architecture"),
                       "expected DRAM as the outermost level, then a global buffer");
    }
    if (arch_.pes > 1 && arch_.mesh_line == 0) {
      throw InputError(src_.at(root, "architecture"),
                       "the " + std::to_string(arch_.pes) + " PEs need a meshX");
    }
    for (size_t i = 0; i < levels.size(); ++i) {
      const StorageLevel& l = levels[i];
      if (i > 0 && l.cls == "DRAM") throw at_level(l, "a second DRAM level");
      if (l.instances != 1 && l.instances != arch_.pes) {
        throw at_level(l, std::to_string(l.instances) +
                              " instances: tessera has levels shared by "
                              "the whole array or one per PE");
      }
      if (i >= 2 && l.instances == 1) {
        throw at_level(l, "a second on-chip level above the PE array ('" + levels[1].name +
                              "' is the first): tessera has one global buffer");
      }
      if (i == 1 && l.instances != 1) {
        throw at_level(l, "no global buffer between DRAM and the PE array");
      }
      if (l.word_bits == 0) throw at_level(l, "no word-bits");
      if (l.word_bits != levels[0].word_bits) {
        throw at_level(l, "word-bits " + std::to_string(l.word_bits) + " differs from " +
                              levels[0].name + "'s " + std::to_string(levels[0].word_bits) +
                              ": tessera has one precision per layer");
      }
    }
  }

  yaml::Source src_;
  Arch arch_;
};

}  // namespace

const StorageLevel* Arch::find(const std::string& name) const {
  for (const StorageLevel& l : levels) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

Arch read_arch(const std::string& path) {
  return ArchReader(path).read();
}

}  // namespace tessera::timeloop
