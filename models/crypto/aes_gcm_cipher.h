// AES-GCM (NIST SP 800-38D) through OpenSSL's EVP interface, with tags truncated to any length
// GCM allows. One cipher holds one key; every message names its own IV.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace tessera {

using Bytes = std::vector<uint8_t>;

class AesGcmCipher {
 public:
  // OpenSSL's GCM takes IVs of 1 to 128 bytes; the engine itself uses 12.
  static constexpr size_t kMaxIvBytes = 128;

  // `key` is 16, 24 or 32 bytes (AES-128, -192, -256); anything else throws invalid_argument.
  explicit AesGcmCipher(const Bytes& key);
  ~AesGcmCipher();
  AesGcmCipher(const AesGcmCipher&) = delete;
  AesGcmCipher& operator=(const AesGcmCipher&) = delete;

  // Encrypts `n` bytes of `plain` into `cipher` (n bytes) and writes the first `tag_len` bytes
  // (1..16) of the tag. Throws invalid_argument for an IV of 0 or more than kMaxIvBytes bytes
  // or a tag length outside 1..16.
  void encrypt(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len,
               const uint8_t* plain, size_t n, uint8_t* cipher, uint8_t* tag, size_t tag_len) const;

  // Decrypts and verifies; false when the tag does not match (or the parameters are not a valid
  // GCM message), in which case `plain` must not be used.
  [[nodiscard]] bool decrypt(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len,
                             const uint8_t* cipher, size_t n, const uint8_t* tag, size_t tag_len,
                             uint8_t* plain) const;

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
  Bytes key_;
};

}  // namespace tessera
