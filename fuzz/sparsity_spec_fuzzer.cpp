// Fuzzes the sparsity specs (`--sparsify weights=SPEC` and `inputs=SPEC|relu`, traces/sparsity.h)
// and the block arithmetic every accepted spec feeds: fit checks and kept-value counts over a few
// extents.
#include "fuzz/fuzz_input.h"
#include "sim/error.h"
#include "traces/sparsify.h"
#include "traces/sparsity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = tessera::fuzz::as_text(data, size);
  try {
    const bool option = text.rfind("weights=", 0) == 0 || text.rfind("inputs=", 0) == 0;
    const tessera::SparsitySpec spec =
        option ? tessera::parse_sparsify_option(text).spec
               : tessera::parse_sparsity_spec(text, {"fuzz", 0, "spec"});
    (void)spec.density();
    (void)spec.text();
    for (const int64_t k : {int64_t{1}, int64_t{96}, int64_t{4096}, int64_t{1} << 40}) {
      (void)tessera::sparsity_fit_problem(spec, k);
      (void)tessera::kept_before(spec, k);
      (void)tessera::most_kept(spec, k / 3, k);
    }
  } catch (const tessera::InputError&) {
  }
  return 0;
}
