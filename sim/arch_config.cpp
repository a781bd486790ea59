#include "sim/arch_config.h"

#include <functional>
#include <map>
#include <sstream>

#include "models/buffer/interface.h"
#include "models/controller/interface.h"
#include "models/crypto/interface.h"
#include "models/dram/ddr/policies.h"
#include "models/dram/interface.h"
#include "models/pe_array/interface.h"
#include "models/sparse/interface.h"
#include "models/vector/interface.h"
#include "sim/embedded_files.h"
#include "sim/registry.h"
#include "traces/yaml_util.h"

namespace tessera {
namespace {

// One line per registered implementation of family F: "family.impl  description; parameters".
template <typename F>
void list_family(std::ostringstream& out) {
  for (const auto& [name, e] : Registry<F>::instance().entries()) {
    std::string line = std::string(F::kFamily) + "." + name;
    if (line.size() < 24) line.resize(24, ' ');
    out << line << "  " << e.description << "; parameters:";
    if (e.params.empty()) out << " none";
    for (size_t i = 0; i < e.params.size(); ++i) {
      const ParamSpec& s = e.params[i];
      out << (i ? ", " : " ") << s.name << "=" << s.default_value;
      if (!s.unit.empty()) out << " " << s.unit;
    }
    out << "\n";
  }
}

struct Family {
  const char* name;
  const char* default_impl;
  // The implementation's declared parameters and description; throws for unknown names.
  std::function<std::pair<std::vector<ParamSpec>, std::string>(const std::string&,
                                                               const SourceLocation&)>
      lookup;
  void (*list)(std::ostringstream&);  // list_family of the family's base class
};

template <typename F>
std::pair<std::vector<ParamSpec>, std::string> lookup(const std::string& impl,
                                                      const SourceLocation& where) {
  const auto& e = Registry<F>::instance().find(impl, where);
  return {e.params, e.description};
}

const std::vector<Family>& families() {
  static const std::vector<Family> list{
      {"controller", "tiled", lookup<Controller>, list_family<Controller>},
      {"pe_array", "systolic", lookup<PeArray>, list_family<PeArray>},
      {"buffer", "buffet", lookup<Buffer>, list_family<Buffer>},
      {"sparse", "dense", lookup<SparseDecoder>, list_family<SparseDecoder>},
      {"dram", "ideal", lookup<Dram>, list_family<Dram>},
      {"crypto", "none", lookup<CryptoEngine>, list_family<CryptoEngine>},
      {"vector", "none", lookup<VectorUnit>, list_family<VectorUnit>}};
  return list;
}

std::vector<ParamSpec> system_params() {
  return {real_param("clock_mhz", 1000, "MHz", "accelerator clock", 1e-3)};
}

struct RawValue {
  std::string text;
  SourceLocation where;
  bool from_file = true;  // not a -p override
};

}  // namespace

const std::string& default_arch_yaml() {
  static const std::string text(embedded_arch_yaml());
  return text;
}

const ModuleConfig& ArchConfig::module(const std::string& family) const {
  for (const auto& m : modules) {
    if (m.family == family) return m;
  }
  throw std::logic_error("no module of family " + family);
}

ArchConfig load_arch(const std::string& yaml_text, const std::string& file,
                     const std::vector<std::string>& overrides) {
  const YAML::Node root = yaml::parse(yaml_text, file);
  const yaml::Source src{file};
  if (root && !root.IsNull() && !root.IsMap()) {
    throw InputError({file, 1, ""}, "expected a map of module nodes");
  }
  // Raw values per node: from the file first, then the overrides on top.
  std::map<std::string, std::map<std::string, RawValue>> raw;
  std::map<std::string, int> node_line;
  std::vector<const char*> known{"system"};
  for (const auto& f : families()) known.push_back(f.name);
  if (root.IsMap()) {
    yaml::require_unique_keys(root, src, "");
    for (const auto& kv : root) {
      const std::string node = kv.first.Scalar();
      bool ok = false;
      for (const char* k : known) ok = ok || node == k;
      if (!ok) {
        std::string list;
        for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        throw InputError(src.at(kv.first, node), "unknown module (known: " + list + ")");
      }
      if (!kv.second.IsMap()) {
        throw InputError(src.at(kv.second, node), "expected a map of parameters");
      }
      yaml::require_unique_keys(kv.second, src, node);
      node_line[node] = src.line(kv.first);
      for (const auto& p : kv.second) {
        const std::string key = p.first.Scalar();
        raw[node][key] = {yaml::scalar_text(p.second, src, node + "." + key),
                          src.at(p.first, node + "." + key)};
      }
    }
  }
  // Each family's implementation as the file (or, without one, the default) names it.
  std::map<std::string, std::string> file_impl;
  for (const auto& f : families()) {
    const auto it = raw[f.name].find("impl");
    file_impl[f.name] = it != raw[f.name].end() ? it->second.text : f.default_impl;
  }
  for (const std::string& o : overrides) {
    const size_t dot = o.find('.');
    const size_t eq = o.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot > eq) {
      throw InputError({"-p " + o, 0, "-p"}, "expected module.param=value");
    }
    const std::string node = o.substr(0, dot);
    const std::string key = o.substr(dot + 1, eq - dot - 1);
    bool ok = false;
    for (const char* k : known) ok = ok || node == k;
    if (!ok) throw InputError({"-p " + o, 0, node}, "unknown module");
    raw[node][key] = {o.substr(eq + 1), {"-p " + o, 0, node + "." + key}, false};
  }

  ArchConfig arch;
  arch.file = file;
  arch.system = ParamValues("system", system_params());
  for (const auto& [key, v] : raw["system"]) arch.system.set(key, v.text, v.where);
  for (const auto& f : families()) {
    auto& values = raw[f.name];
    ModuleConfig m;
    m.family = f.name;
    m.impl = f.default_impl;
    SourceLocation impl_at{file, node_line[f.name], std::string(f.name) + ".impl"};
    bool switched = false;  // by -p, away from the file's implementation
    if (auto it = values.find("impl"); it != values.end()) {
      m.impl = it->second.text;
      impl_at = it->second.where;
      switched = !it->second.from_file && m.impl != file_impl[f.name];
      values.erase(it);
    }
    auto [specs, description] = f.lookup(m.impl, impl_at);
    m.impl_description = description;
    m.params = ParamValues(f.name, std::move(specs));
    std::string dropped;
    for (const auto& [key, v] : values) {
      if (switched && v.from_file && !m.params.declares(key)) {
        dropped += (dropped.empty() ? "" : ", ") + key;
        continue;
      }
      m.params.set(key, v.text, v.where);
    }
    if (!dropped.empty()) {
      arch.notes.push_back(
          file + ": " + f.name + ".impl is " + m.impl +
          " (from -p): the file's parameters it does not declare are dropped: " + dropped);
    }
    arch.modules.push_back(std::move(m));
  }
  return arch;
}

namespace {
void dump_param(std::ostringstream& out, const ParamValues& values, const ParamSpec& s) {
  std::string line = "  " + s.name + ": " + values.text(s.name);
  if (line.size() < 32) line.resize(32, ' ');
  out << line << "  # " << s.description;
  if (!s.unit.empty()) out << " [" << s.unit << "]";
  if (!s.choices.empty()) {
    out << " (";
    for (size_t i = 0; i < s.choices.size(); ++i) out << (i ? ", " : "") << s.choices[i];
    out << ")";
  }
  out << "; default " << s.default_value << "\n";
}
}  // namespace

std::string list_implementations() {
  std::ostringstream out;
  for (const Family& f : families()) f.list(out);
  // The policies inside `dram: ddr`, chosen with its parameters of the same names.
  list_family<ddr::Scheduler>(out);
  list_family<ddr::PagePolicy>(out);
  list_family<ddr::RefreshPolicy>(out);
  return out.str();
}

std::string dump_arch(const ArchConfig& arch) {
  std::ostringstream out;
  out << "# effective architecture (from " << arch.file << ")\n";
  out << "system:\n";
  for (const auto& s : arch.system.specs()) dump_param(out, arch.system, s);
  for (const auto& m : arch.modules) {
    out << m.family << ":\n";
    std::string line = "  impl: " + m.impl;
    if (line.size() < 32) line.resize(32, ' ');
    out << line << "  # " << m.impl_description << "\n";
    for (const auto& s : m.params.specs()) dump_param(out, m.params, s);
  }
  return out.str();
}

}  // namespace tessera
