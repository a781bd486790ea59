// Parameters: every parameter of every module is declared once, with its type, default, unit and
// description. A module's YAML node and the -p overrides are checked against the declaration, so a
// misspelt or unknown key is an error, and `tessera config --dump` can describe everything.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/error.h"

namespace tessera {

enum class ParamType { integer, real, boolean, string };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::integer;
  std::string default_value;  // as written in YAML
  std::string unit;           // "" when dimensionless
  std::string description;
  std::vector<std::string> choices;  // for strings: the allowed values (empty = any)
  double min = 0;                    // for numbers: the smallest allowed value
};

// Fluent builders, so a declaration reads as one line per parameter.
ParamSpec int_param(std::string name, int64_t def, std::string unit, std::string desc,
                    int64_t min = 1);
ParamSpec real_param(std::string name, double def, std::string unit, std::string desc,
                     double min = 0);
ParamSpec bool_param(std::string name, bool def, std::string desc);
ParamSpec choice_param(std::string name, std::string def, std::vector<std::string> choices,
                       std::string desc);
// A string whose values the module checks itself (a file, a registered name).
ParamSpec string_param(std::string name, std::string def, std::string desc);

// The resolved parameters of one module: every declared parameter has a value, either given or
// its default. Values were validated when they were set, so the getters cannot fail on type.
class ParamValues {
 public:
  ParamValues() = default;
  ParamValues(std::string module, std::vector<ParamSpec> specs);

  // Sets a value from its textual form; throws InputError (naming `where`) when the name is not
  // declared or the text does not parse as the declared type or range.
  void set(const std::string& name, const std::string& text, const SourceLocation& where);

  [[nodiscard]] int64_t get_int(const std::string& name) const;
  [[nodiscard]] double get_real(const std::string& name) const;
  [[nodiscard]] bool get_bool(const std::string& name) const;
  [[nodiscard]] const std::string& get_string(const std::string& name) const;

  [[nodiscard]] const std::string& module() const { return module_; }
  [[nodiscard]] const std::vector<ParamSpec>& specs() const { return specs_; }
  [[nodiscard]] bool declares(const std::string& name) const {
    for (const ParamSpec& s : specs_) {
      if (s.name == name) return true;
    }
    return false;
  }
  [[nodiscard]] const std::string& text(const std::string& name) const;
  // Where the value was given (the architecture file's line, a -p option), for errors a module
  // finds in it; "<default>" when it was not given.
  [[nodiscard]] SourceLocation where(const std::string& name) const;

 private:
  [[nodiscard]] const ParamSpec& spec(const std::string& name) const;
  [[nodiscard]] std::string field(const std::string& name) const;  // "module.name"
  std::string module_;
  std::vector<ParamSpec> specs_;
  std::map<std::string, std::string> values_;  // canonical text of each value
  std::map<std::string, SourceLocation> given_at_;
};

[[nodiscard]] const char* to_string(ParamType t);

}  // namespace tessera
