#include "sim/plugin.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "sim/error.h"
#include "sim/registry.h"

namespace tessera {

void load_plugin(const std::string& path) {
  const SourceLocation where{path, 0, ""};
  const size_t taken_before = taken_registrations().size();
  // RTLD_NOW: a symbol the library needs and tessera does not have is an error here, not a
  // crash in the middle of a run.
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    throw InputError(where, std::string("cannot load it as a shared library: ") +
                                (why != nullptr ? why : "unknown reason"));
  }
  using AbiVersion = int (*)();
  const auto abi = reinterpret_cast<AbiVersion>(dlsym(library, "tessera_plugin_abi_version"));
  if (abi == nullptr) {
    throw InputError(where,
                     "is not a tessera plugin: it has no entry point tessera_plugin_abi_version "
                     "(one of its files must say TESSERA_PLUGIN())");
  }
  if (abi() != TESSERA_PLUGIN_ABI) {
    throw InputError(where, "was built against tessera plugin ABI " + std::to_string(abi()) +
                                "; this tessera has ABI " + std::to_string(TESSERA_PLUGIN_ABI) +
                                ": rebuild it against the installed tessera");
  }
  const std::vector<std::string>& taken = taken_registrations();
  if (taken.size() > taken_before) {
    throw InputError(where, "registers " + taken[taken_before] +
                                ", a name that is already registered (built in, or by another "
                                "plugin)");
  }
}

std::vector<std::string> plugins_from_environment() {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  const char* list = std::getenv("TESSERA_PLUGIN_PATH");
  if (list == nullptr) return paths;
  const std::string text(list);
  for (size_t from = 0; from <= text.size();) {
    const size_t colon = std::min(text.find(':', from), text.size());
    const std::string entry = text.substr(from, colon - from);
    from = colon + 1;
    if (entry.empty()) continue;
    std::error_code ec;
    if (!fs::is_directory(entry, ec)) {
      paths.push_back(entry);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& file : fs::directory_iterator(entry, ec)) {
      const std::string name = file.path().filename().string();
      if (name.rfind("lib", 0) == 0 && file.path().extension() == ".so") {
        found.push_back(file.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  return paths;
}

}  // namespace tessera
