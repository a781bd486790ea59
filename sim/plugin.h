// Implementations built outside the tree, in a shared library loaded at run time:
//
//   #include "models/dram/interface.h"
//   #include "sim/plugin.h"
//   class MyDram : public tessera::Dram { ... };
//   TESSERA_REGISTER(Dram, mine, MyDram, "what it models", {...});
//   TESSERA_PLUGIN();
//
// built against the installed package (find_package(tessera), tessera_add_plugin) and loaded with
// `tessera ... --plugin libmine.so` or TESSERA_PLUGIN_PATH. The library's registrations then work
// like the built-in ones: `-p dram.impl=mine`, `config --list`, `config --dump`.
#pragma once

#include <string>
#include <vector>

// Raised whenever a family's interface, the registry or what a module shares (Component, the
// payload, the parameters) changes, so a plugin built against another tessera is refused.
#ifndef TESSERA_PLUGIN_ABI
#define TESSERA_PLUGIN_ABI 6
#endif

// The entry point tessera looks for: exactly once in every plugin.
#define TESSERA_PLUGIN()                        \
  extern "C" int tessera_plugin_abi_version() { \
    return TESSERA_PLUGIN_ABI;                  \
  }

namespace tessera {

// Loads the plugin at `path` and checks it: a shared library, with the entry point, built for this
// ABI, registering no name that is taken. Throws InputError naming the file otherwise.
void load_plugin(const std::string& path);

// The libraries TESSERA_PLUGIN_PATH names: a colon-separated list of files and folders (every
// lib*.so in a folder, in name order).
[[nodiscard]] std::vector<std::string> plugins_from_environment();

}  // namespace tessera
