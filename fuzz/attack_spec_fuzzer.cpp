// Fuzzes the attack specs of --tamper, --tamper-tag and --replay (models/crypto/attack.h).
#include "fuzz/fuzz_input.h"
#include "models/crypto/attack.h"
#include "sim/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = tessera::fuzz::as_text(data, size);
  for (const auto kind :
       {tessera::Attack::Kind::data, tessera::Attack::Kind::tag, tessera::Attack::Kind::replay}) {
    try {
      (void)tessera::parse_attack(kind, text, tessera::to_string(kind));
    } catch (const tessera::InputError&) {
    }
  }
  return 0;
}
