#include "sim/cli/sparse_arch.h"

#include "models/buffer/interface.h"
#include "sim/embedded_files.h"
#include "sim/error.h"
#include "sim/numbers.h"
#include "sim/registry.h"
#include "traces/text_file.h"

namespace tessera::cli {

ArchConfig load_sparse_arch(const ArchOptions& a, const std::vector<std::string>& extra) {
  std::vector<std::string> overrides = a.overrides;
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  if (a.file) return load_arch(read_text_file(*a.file), *a.file, overrides);
  return load_arch(std::string(embedded_sparse_arch_yaml()), "<built-in sparse architecture>",
                   overrides);
}

SparseTiling sparse_tiling_of(const ArchConfig& arch) {
  const ModuleConfig& buffer = arch.module("buffer");
  SparseTiling t;
  t.policy = Registry<Buffer>::instance()
                 .find(buffer.impl, {arch.file, 0, "buffer.impl"})
                 .facts.tile_policy;
  if (t.policy == TilePolicy::swiftiles) {
    t.target = buffer.params.get_real("overbook_target");
    if (t.target <= 0 || t.target >= 1) {
      throw InputError({arch.file, 0, "buffer.overbook_target"},
                       "must be a fraction in (0, 1), is " + buffer.params.text("overbook_target"));
    }
  }
  t.regions = operand_regions(buffer.params.get_int("capacity_kib") * 1024,
                              buffer.params.get_bool("double_buffered"));
  return t;
}

double overbook_fraction(const std::string& text, const std::string& option) {
  const auto v = parse_real(text);
  if (!v || *v <= 0 || *v >= 1) {
    throw InputError({option, 0, option}, "'" + text + "' is not a fraction in (0, 1)");
  }
  return *v;
}

}  // namespace tessera::cli
