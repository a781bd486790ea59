// The architecture: one YAML node per module family, each naming its `impl:` and that
// implementation's parameters, plus `system` (the clock). Unknown families, implementations and
// keys are errors; `-p family.param=value` overrides any value, including `impl`.
//
// Switching an implementation from the command line: when `-p family.impl=X` replaces the file's
// implementation of that family, the file's parameters of that family that X does not declare
// are dropped (they were meant for the other implementation), with a note naming them. A `-p`
// parameter X does not declare, and any key X does not declare when X is the file's own
// choice, stay errors.
#pragma once

#include <string>
#include <vector>

#include "sim/params.h"

namespace tessera {

struct ModuleConfig {
  std::string family;  // controller, pe_array, buffer, sparse, dram, crypto, vector
  std::string impl;
  std::string impl_description;
  ParamValues params;
};

struct ArchConfig {
  std::string file;                // "<built-in>" for the default
  std::vector<std::string> notes;  // parameters dropped by an implementation switch
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
// Every registered implementation (built in and from loaded plugins), one line each, starting
// with `family.impl`, then its description and its parameters with their defaults.
[[nodiscard]] std::string list_implementations();

}  // namespace tessera
