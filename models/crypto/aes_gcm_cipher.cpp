#include "models/crypto/aes_gcm_cipher.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <openssl/evp.h>

namespace tessera {

struct AesGcmCipher::Context {
  EVP_CIPHER_CTX* ctx = nullptr;
  const EVP_CIPHER* cipher = nullptr;
};

namespace {
const EVP_CIPHER* cipher_for(size_t key_bytes) {
  switch (key_bytes) {
    case 16: return EVP_aes_128_gcm();
    case 24: return EVP_aes_192_gcm();
    case 32: return EVP_aes_256_gcm();
    default: throw std::invalid_argument("AES-GCM key must be 16, 24 or 32 bytes");
  }
}

int as_int(size_t n) {
  if (n > static_cast<size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("AES-GCM message too long");
  }
  return static_cast<int>(n);
}
}  // namespace

AesGcmCipher::AesGcmCipher(const Bytes& key) : ctx_(std::make_unique<Context>()), key_(key) {
  ctx_->cipher = cipher_for(key.size());
  ctx_->ctx = EVP_CIPHER_CTX_new();
  if (ctx_->ctx == nullptr) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
}

AesGcmCipher::~AesGcmCipher() {
  EVP_CIPHER_CTX_free(ctx_->ctx);
}

void AesGcmCipher::encrypt(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len,
                           const uint8_t* plain, size_t n, uint8_t* cipher, uint8_t* tag,
                           size_t tag_len) const {
  if (tag_len < 1 || tag_len > 16 || iv_len == 0 || iv_len > kMaxIvBytes) {
    throw std::invalid_argument("AES-GCM: IV of 1 to 128 bytes and tag of 1 to 16 bytes needed");
  }
  EVP_CIPHER_CTX* c = ctx_->ctx;
  int len = 0;
  uint8_t full_tag[16];
  const bool ok =
      EVP_EncryptInit_ex(c, ctx_->cipher, nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, as_int(iv_len), nullptr) == 1 &&
      EVP_EncryptInit_ex(c, nullptr, nullptr, key_.data(), iv) == 1 &&
      (aad_len == 0 || EVP_EncryptUpdate(c, nullptr, &len, aad, as_int(aad_len)) == 1) &&
      (n == 0 || EVP_EncryptUpdate(c, cipher, &len, plain, as_int(n)) == 1) &&
      EVP_EncryptFinal_ex(c, cipher + n, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, full_tag) == 1;
  if (!ok) throw std::runtime_error("AES-GCM encryption refused its parameters");
  // A truncated GCM tag is the leading bytes of the full one (SP 800-38D, 5.2.1.2).
  std::copy(full_tag, full_tag + tag_len, tag);
}

bool AesGcmCipher::decrypt(const uint8_t* iv, size_t iv_len, const uint8_t* aad, size_t aad_len,
                           const uint8_t* cipher, size_t n, const uint8_t* tag, size_t tag_len,
                           uint8_t* plain) const {
  if (tag_len < 1 || tag_len > 16 || iv_len == 0 || iv_len > kMaxIvBytes) return false;
  EVP_CIPHER_CTX* c = ctx_->ctx;
  int len = 0;
  uint8_t tag_copy[16];
  std::copy(tag, tag + tag_len, tag_copy);
  return EVP_DecryptInit_ex(c, ctx_->cipher, nullptr, nullptr, nullptr) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, as_int(iv_len), nullptr) == 1 &&
         EVP_DecryptInit_ex(c, nullptr, nullptr, key_.data(), iv) == 1 &&
         (aad_len == 0 || EVP_DecryptUpdate(c, nullptr, &len, aad, as_int(aad_len)) == 1) &&
         (n == 0 || EVP_DecryptUpdate(c, plain, &len, cipher, as_int(n)) == 1) &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, as_int(tag_len), tag_copy) == 1 &&
         EVP_DecryptFinal_ex(c, plain + n, &len) == 1;
}

}  // namespace tessera
