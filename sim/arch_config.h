// The architecture: one YAML node per module family, each naming its `impl:` and that
// implementation's parameters, plus `system` (the clock). Unknown families, implementations and
// keys are errors; `-p family.param=value` overrides any value, including `impl`.
#pragma once

#include <string>
#include <vector>

#include "sim/params.h"

namespace tessera {

struct ModuleConfig {
  std::string family;  // controller, pe_array, buffer, sparse, dram, crypto
  std::string impl;
  std::string impl_description;
  ParamValues params;
};

struct ArchConfig {
  std::string file;  // "<built-in>" for the default
  ParamValues system;
  std::vector<ModuleConfig> modules;  // in family order
  [[nodiscard]] const ModuleConfig& module(const std::string& family) const;
};

// The built-in default architecture (identical to traces/arch/default.yaml).
[[nodiscard]] const std::string& default_arch_yaml();

// `overrides` are "family.param=value" strings from the command line.
[[nodiscard]] ArchConfig load_arch(const std::string& yaml_text, const std::string& file,
                                   const std::vector<std::string>& overrides);

// The effective configuration as YAML, with each parameter's unit and description as comments.
[[nodiscard]] std::string dump_arch(const ArchConfig& arch);

}  // namespace tessera
