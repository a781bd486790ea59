#include "sim/params.h"

#include "sim/numbers.h"

#include <sstream>

namespace tessera {

ParamSpec int_param(std::string name, int64_t def, std::string unit, std::string desc,
                    int64_t min) {
  return {std::move(name),         ParamType::integer, std::to_string(def),
          std::move(unit),         std::move(desc),    {},
          static_cast<double>(min)};
}

ParamSpec real_param(std::string name, double def, std::string unit, std::string desc, double min) {
  std::ostringstream text;
  text << def;
  return {std::move(name), ParamType::real, text.str(), std::move(unit), std::move(desc), {}, min};
}

ParamSpec bool_param(std::string name, bool def, std::string desc) {
  return {std::move(name), ParamType::boolean, def ? "true" : "false", "", std::move(desc), {}, 0};
}

ParamSpec choice_param(std::string name, std::string def, std::vector<std::string> choices,
                       std::string desc) {
  return {std::move(name),
          ParamType::string,
          std::move(def),
          "",
          std::move(desc),
          std::move(choices),
          0};
}

ParamSpec string_param(std::string name, std::string def, std::string desc) {
  return choice_param(std::move(name), std::move(def), {}, std::move(desc));
}

const char* to_string(ParamType t) {
  switch (t) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "real";
    case ParamType::boolean: return "boolean";
    case ParamType::string: return "string";
  }
  return "?";
}

namespace {

// Returns the canonical text of a valid value, or throws.
std::string validate(const ParamSpec& spec, const std::string& module, const std::string& text,
                     const SourceLocation& where) {
  SourceLocation at = where;
  at.field = module.empty() ? spec.name : module + "." + spec.name;
  switch (spec.type) {
    case ParamType::integer: {
      const auto v = parse_int(text);
      if (!v) throw InputError(at, "expected an integer, got '" + text + "'");
      if (static_cast<double>(*v) < spec.min) {
        throw InputError(at, "must be at least " + std::to_string(static_cast<int64_t>(spec.min)) +
                                 ", got " + text);
      }
      return std::to_string(*v);
    }
    case ParamType::real: {
      const auto v = parse_real(text);
      if (!v) throw InputError(at, "expected a number, got '" + text + "'");
      if (*v < spec.min) {
        std::ostringstream m;
        m << "must be at least " << spec.min << ", got " << text;
        throw InputError(at, m.str());
      }
      return text;
    }
    case ParamType::boolean:
      if (text == "true" || text == "false") return text;
      throw InputError(at, "expected true or false, got '" + text + "'");
    case ParamType::string:
      if (spec.choices.empty()) return text;
      for (const auto& c : spec.choices) {
        if (c == text) return text;
      }
      std::string list;
      for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
      throw InputError(at, "'" + text + "' is not one of: " + list);
  }
  return text;
}

}  // namespace

ParamValues::ParamValues(std::string module, std::vector<ParamSpec> specs)
    : module_(std::move(module)), specs_(std::move(specs)) {
  for (const auto& s : specs_) values_[s.name] = s.default_value;
}

void ParamValues::set(const std::string& name, const std::string& text,
                      const SourceLocation& where) {
  for (const auto& s : specs_) {
    if (s.name == name) {
      values_[name] = validate(s, module_, text, where);
      given_at_[name] = {where.file, where.line, field(name)};
      return;
    }
  }
  std::string known;
  for (const auto& s : specs_) known += (known.empty() ? "" : ", ") + s.name;
  throw InputError({where.file, where.line, field(name)},
                   "unknown parameter (known: " + (known.empty() ? "none" : known) + ")");
}

const ParamSpec& ParamValues::spec(const std::string& name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return s;
  }
  // Asking for an undeclared parameter is a bug in the module, not bad input.
  throw std::logic_error("parameter '" + name + "' is not declared by " + module_);
}

SourceLocation ParamValues::where(const std::string& name) const {
  (void)spec(name);
  const auto it = given_at_.find(name);
  return it != given_at_.end() ? it->second : SourceLocation{"<default>", 0, field(name)};
}

std::string ParamValues::field(const std::string& name) const {
  return module_.empty() ? name : module_ + "." + name;
}

const std::string& ParamValues::text(const std::string& name) const {
  (void)spec(name);
  return values_.at(name);
}

int64_t ParamValues::get_int(const std::string& name) const {
  if (spec(name).type != ParamType::integer) throw std::logic_error(name + " is not an integer");
  return *parse_int(values_.at(name));
}

double ParamValues::get_real(const std::string& name) const {
  const ParamType t = spec(name).type;
  if (t != ParamType::real && t != ParamType::integer)
    throw std::logic_error(name + " not a number");
  return *parse_real(values_.at(name));
}

bool ParamValues::get_bool(const std::string& name) const {
  if (spec(name).type != ParamType::boolean) throw std::logic_error(name + " is not a boolean");
  return values_.at(name) == "true";
}

const std::string& ParamValues::get_string(const std::string& name) const {
  if (spec(name).type != ParamType::string) throw std::logic_error(name + " is not a string");
  return values_.at(name);
}

}  // namespace tessera
