#include "sim/cli/attack_options.h"

#include "models/crypto/attack.h"

namespace po = boost::program_options;

namespace tessera::cli {

void add_attack_options(po::options_description& d, AttackOptions& a) {
  d.add_options()("tamper", po::value(&a.tamper)->composing(),
                  "LAYER:TENSOR:BYTE[:BIT]: flip a bit of that tensor's ciphertext in DRAM "
                  "(implies --functional; needs crypto: aes_gcm; a sparse layer's tensors are A, "
                  "B and Z)")("tamper-tag", po::value(&a.tamper_tag)->composing(),
                              "LAYER:TENSOR:BYTE[:BIT]: flip a bit of the tag of the block "
                              "holding that byte")(
      "replay", po::value(&a.replay)->composing(),
      "LAYER:TENSOR: roll the tensor's first block back to an older ciphertext and tag");
}

void apply_attack_options(const AttackOptions& a, const Trace& trace, RunOptions& options) {
  for (const auto& [kind, specs] :
       {std::pair{Attack::Kind::data, &a.tamper}, std::pair{Attack::Kind::tag, &a.tamper_tag},
        std::pair{Attack::Kind::replay, &a.replay}}) {
    for (const std::string& spec : *specs) {
      options.attacks.push_back(parse_attack(kind, spec, to_string(kind)));
    }
  }
  check_attacks(options.attacks, trace);
  if (!options.attacks.empty()) options.functional = true;
}

}  // namespace tessera::cli
