#include "traces/trace_writer.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace tessera {

namespace {

// Names a YAML reader would not read back as the same string (numbers, booleans, null) are
// quoted; anything else is left to the emitter, which quotes what it must.
bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  const auto c0 = static_cast<unsigned char>(s[0]);
  if (!std::isalpha(c0) && s[0] != '_') return true;
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const char* const kReserved[] = {"true", "false", "yes",  "no",  "on", "off",
                                          "y",    "n",     "null", "nan", "inf"};
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](const char* r) { return lower == r; });
}

void emit_pair(YAML::Emitter& out, const char* key, int64_t a, int64_t b) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq << a << b << YAML::EndSeq;
}

// One number when both directions agree, as people write it; a pair otherwise.
void emit_scalar_or_pair(YAML::Emitter& out, const char* key, int64_t h, int64_t w) {
  if (h == w) {
    out << YAML::Key << key << YAML::Value << h;
  } else {
    emit_pair(out, key, h, w);
  }
}

void emit_mapping(YAML::Emitter& out, const Mapping& m) {
  if (!m.dataflow && !m.buffer_tile && !m.loop_order) return;
  out << YAML::Key << "mapping" << YAML::Value << YAML::BeginMap;
  if (m.dataflow) out << YAML::Key << "dataflow" << YAML::Value << to_string(*m.dataflow);
  if (m.buffer_tile) {
    const GemmExtents& t = *m.buffer_tile;
    out << YAML::Key << "buffer_tile" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (GemmDim d : {GemmDim::m, GemmDim::n, GemmDim::k}) {
      out << YAML::Key << to_string(d) << YAML::Value << t[static_cast<int>(d)];
    }
    out << YAML::EndMap;
  }
  if (m.loop_order) {
    out << YAML::Key << "loop_order" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (GemmDim d : *m.loop_order) out << to_string(d);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void emit_security(YAML::Emitter& out, const std::optional<Security>& security) {
  if (!security) return;
  out << YAML::Key << "security" << YAML::Value << YAML::BeginMap;
  const char* const names[] = {"inputs", "weights", "outputs"};
  for (size_t t = 0; t < 3; ++t) {
    const int64_t words = security->auth_block_words[t];
    out << YAML::Key << names[t] << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "auth_block" << YAML::Value;
    if (words == Security::kTileBlocks) {
      out << "tile";
    } else {
      out << words;
    }
    if (t == 0 && security->reencrypt_inputs_from) {
      out << YAML::Key << "reencrypt_from" << YAML::Value << *security->reencrypt_inputs_from;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit_layer(YAML::Emitter& out, const Layer& layer) {
  const ConvShape& s = layer.shape;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value;
  if (needs_quotes(layer.name)) out << YAML::DoubleQuoted;
  out << layer.name;
  out << YAML::Key << "op" << YAML::Value << to_string(layer.op);
  if (layer.vector) {
    const VectorWork& w = *layer.vector;
    if (!w.function.empty()) out << YAML::Key << "function" << YAML::Value << w.function;
    out << YAML::Key << "elements" << YAML::Value << w.elements;
    out << YAML::Key << "reads" << YAML::Value << w.reads;
    out << YAML::Key << "ops" << YAML::Value << w.ops;
  } else if (layer.op == Op::gemm) {
    const GemmExtents g = layer.gemm();
    if (s.groups != 1) out << YAML::Key << "batch" << YAML::Value << s.groups;
    out << YAML::Key << "m" << YAML::Value << g[0];
    out << YAML::Key << "n" << YAML::Value << g[1];
    out << YAML::Key << "k" << YAML::Value << g[2];
  } else {
    out << YAML::Key << "batch" << YAML::Value << s.batch;
    emit_pair(out, "input", s.in_h, s.in_w);
    out << YAML::Key << "channels" << YAML::Value << s.channels;
    out << YAML::Key << "filters" << YAML::Value << s.filters;
    if (s.groups != 1) out << YAML::Key << "groups" << YAML::Value << s.groups;
    emit_pair(out, "filter", s.filter_h, s.filter_w);
    emit_scalar_or_pair(out, "stride", s.stride_h, s.stride_w);
    emit_scalar_or_pair(out, "padding", s.pad_h, s.pad_w);
    emit_pair(out, "output", s.out_h, s.out_w);
  }
  out << YAML::Key << "precision" << YAML::Value << layer.precision_bits;
  emit_mapping(out, layer.mapping);
  emit_security(out, layer.security);
  out << YAML::EndMap;
}

}  // namespace

std::string write_trace_yaml(const Trace& trace, const std::string& comment) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "tessera_trace" << YAML::Value << 1;
  if (!trace.name.empty()) {
    out << YAML::Key << "name" << YAML::Value;
    if (needs_quotes(trace.name)) out << YAML::DoubleQuoted;
    out << trace.name;
  }
  out << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
  for (const Layer& layer : trace.layers) emit_layer(out, layer);
  out << YAML::EndSeq << YAML::EndMap;

  std::ostringstream text;
  text << "# tessera trace, format v1 (traces/FORMAT.md); written by tessera's trace writer\n";
  std::istringstream lines(comment);
  for (std::string line; std::getline(lines, line);) {
    text << (line.empty() ? "#" : "# " + line) << "\n";
  }
  text << out.c_str() << "\n";
  return text.str();
}

}  // namespace tessera
