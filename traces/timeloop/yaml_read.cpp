#include "traces/timeloop/yaml_read.h"

#include "sim/numbers.h"
#include "traces/text_file.h"

namespace tessera::timeloop::detail {

YAML::Node load_root(const std::string& path, const char* root) {
  const std::string text = read_text_file(path, root);
  const YAML::Node doc = yaml::parse(text, path);
  const yaml::Source src{path, 0};
  if (!doc.IsMap()) {
    throw InputError(src.at(doc, root), std::string("expected a map with the key '") + root + "'");
  }
  yaml::require_known_keys(doc, {root}, src, "");
  const YAML::Node node = doc[root];
  if (!node) throw InputError({path, 0, root}, "missing");
  return node;
}

void require_map(const YAML::Node& n, const yaml::Source& src, const std::string& field) {
  if (!n) throw InputError(src.at(n, field), "missing");
  if (!n.IsMap()) throw InputError(src.at(n, field), "expected a map");
}

void require_sequence(const YAML::Node& n, const yaml::Source& src, const std::string& field) {
  if (!n) throw InputError(src.at(n, field), "missing");
  if (!n.IsSequence()) throw InputError(src.at(n, field), "expected a list");
}

void require_present(const YAML::Node& n, const YAML::Node& parent, const yaml::Source& src,
                     const std::string& field) {
  if (!n) throw InputError(src.at(parent, field), "missing");
}

YAML::Node key_node(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.first;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

double to_real(const YAML::Node& n, const yaml::Source& src, const std::string& field, double min) {
  const std::string s = yaml::scalar_text(n, src, field);
  const std::optional<double> v = parse_real(s);
  if (!v) throw InputError(src.at(n, field), "expected a number, got '" + s + "'");
  if (*v < min) {
    throw InputError(src.at(n, field), "must be at least " + shortest_text(min) + ", got " + s);
  }
  return *v;
}

}  // namespace tessera::timeloop::detail
