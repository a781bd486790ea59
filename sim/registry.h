// Self-registering implementations, picked by name with `impl:` in the architecture config.
//
// Each module family (controller, pe_array, buffer, sparse, dram, crypto, vector) has an abstract
// SystemC module. An implementation registers itself from its own .cpp file:
//
//   TESSERA_REGISTER(Buffer, buffet, BuffetBuffer, "double-buffered global buffer",
//                    {int_param("capacity_kib", 512, "KiB", "capacity"), ...});
//
// and is then available to every architecture file; nothing in the core changes. What the tools
// must know before building it (a buffer's tile policy, whether an engine authenticates) is its
// family's Facts, given with TESSERA_REGISTER_WITH_FACTS: the tools ask the registry, never the
// implementation's name.
//
// A family of plain objects inside a module (the DDR controller's policies,
// models/dram/ddr/policies.h) registers the same way; its base class names in `Context` what
// its implementations are built from.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <systemc>

#include "sim/error.h"
#include "sim/params.h"

namespace tessera {

// "family.impl" of every registration refused because its name was taken: a plugin that clashes
// with a built-in or another plugin's implementation (see sim/plugin.h).
inline std::vector<std::string>& taken_registrations() {
  static std::vector<std::string> names;
  return names;
}

// How a family's implementations are built: a module from its instance name and parameters.
template <typename Family, typename = void>
struct Construction {
  using Factory =
      std::function<std::unique_ptr<Family>(const sc_core::sc_module_name&, const ParamValues&)>;
  template <typename Class>
  static Factory of() {
    return [](const sc_core::sc_module_name& n, const ParamValues& p) -> std::unique_ptr<Family> {
      return std::make_unique<Class>(n, p);
    };
  }
};

// A family of plain objects: from its Context.
template <typename Family>
struct Construction<Family, std::void_t<typename Family::Context>> {
  using Factory = std::function<std::unique_ptr<Family>(const typename Family::Context&)>;
  template <typename Class>
  static Factory of() {
    return [](const typename Family::Context& c) -> std::unique_ptr<Family> {
      return std::make_unique<Class>(c);
    };
  }
};

template <typename Family>
class Registry {
 public:
  using Factory = typename Construction<Family>::Factory;

  struct Entry {
    std::string name;
    std::string description;
    std::vector<ParamSpec> params;
    Factory create;
    typename Family::Facts facts;  // what tools know of it before it is built
  };

  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  bool add(Entry entry) {
    const std::string name = entry.name;
    const bool added = entries_.emplace(name, std::move(entry)).second;
    if (!added) taken_registrations().push_back(std::string(Family::kFamily) + "." + name);
    return added;
  }

  // Throws InputError naming the known implementations when `name` is not registered.
  [[nodiscard]] const Entry& find(const std::string& name, const SourceLocation& where) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) {
      std::string known;
      for (const auto& [n, e] : entries_) known += (known.empty() ? "" : ", ") + n;
      throw InputError(where, "unknown " + std::string(Family::kFamily) + " implementation '" +
                                  name + "' (known: " + known + ")");
    }
    return it->second;
  }

  [[nodiscard]] const std::map<std::string, Entry>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry> entries_;
};

}  // namespace tessera

// Registers `Class` (constructible from (sc_module_name, const ParamValues&), or from the
// family's Context) as implementation `name` of `Family`. Use once, at namespace scope, in the
// implementation's .cpp file.
#define TESSERA_REGISTER(Family, name, Class, description, ...) \
  TESSERA_REGISTER_WITH_FACTS(Family, name, Class, Family::Facts{}, description, __VA_ARGS__)

// The same with the facts tools read before the module is built (`Family::Facts`: a buffer's tile
// policy, whether a crypto engine authenticates), e.g. Buffer::Facts{TilePolicy::swiftiles}.
#define TESSERA_REGISTER_WITH_FACTS(Family, name, Class, facts, description, ...) \
  static const bool tessera_registered_##Family##_##name =                        \
      ::tessera::Registry<Family>::instance().add(                                \
          {#name, description, std::vector<::tessera::ParamSpec> __VA_ARGS__,     \
           ::tessera::Construction<Family>::template of<Class>(), facts})
