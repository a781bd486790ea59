// The engine's AES-GCM against every vector of four public suites: each valid vector must
// encrypt to its ciphertext and tag and decrypt back, each must-fail vector must be rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "models/crypto/aes_gcm_cipher.h"
#include "traces/text_file.h"

namespace tessera {
namespace {

const std::string kData = std::string(TESSERA_SOURCE_DIR) + "/tests/data/aes_gcm/";

Bytes hex(const std::string& s) {
  std::string digits;
  for (char c : s) {
    if (c != ' ' && c != '"') digits += c;
  }
  Bytes out;
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

struct Vector {
  Bytes key, iv, aad, plain, cipher, tag;
};

// Decrypts and verifies through the engine's code path; true when the vector is accepted with
// the expected plaintext.
bool accepts(const Vector& v) {
  const AesGcmCipher c(v.key);
  Bytes plain(v.cipher.size());
  if (!c.decrypt(v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(), v.cipher.data(),
                 v.cipher.size(), v.tag.data(), v.tag.size(), plain.data())) {
    return false;
  }
  return plain == v.plain;
}

// Encrypting the plaintext gives the vector's ciphertext and tag (truncated to its length).
void expect_encrypts(const Vector& v, const std::string& what) {
  const AesGcmCipher c(v.key);
  Bytes cipher(v.plain.size()), tag(v.tag.size());
  c.encrypt(v.iv.data(), v.iv.size(), v.aad.data(), v.aad.size(), v.plain.data(), v.plain.size(),
            cipher.data(), tag.data(), tag.size());
  ASSERT_EQ(cipher.size(), v.cipher.size()) << what;
  const auto diff = std::mismatch(cipher.begin(), cipher.end(), v.cipher.begin());
  EXPECT_TRUE(diff.first == cipher.end())
      << what << ": ciphertext differs from byte " << (diff.first - cipher.begin());
  EXPECT_EQ(tag, v.tag) << what;
}

TEST(AesGcmCipher, Wycheproof) {
  const auto doc = nlohmann::json::parse(read_text_file(kData + "wycheproof_aes_gcm_test.json"));
  int valid = 0, invalid = 0, too_long_iv = 0;
  for (const auto& group : doc["testGroups"]) {
    for (const auto& t : group["tests"]) {
      const Vector v{hex(t["key"]), hex(t["iv"]), hex(t["aad"]),
                     hex(t["msg"]), hex(t["ct"]), hex(t["tag"])};
      const std::string what = "wycheproof tcId " + std::to_string(t["tcId"].get<int>());
      if (t["result"] == "valid" && v.iv.size() > AesGcmCipher::kMaxIvBytes) {
        // Beyond OpenSSL's GCM IV limit: refused outright, never answered wrongly.
        ++too_long_iv;
        Bytes out(v.plain.size()), tag(v.tag.size());
        EXPECT_THROW(
            AesGcmCipher(v.key).encrypt(v.iv.data(), v.iv.size(), nullptr, 0, v.plain.data(),
                                        v.plain.size(), out.data(), tag.data(), tag.size()),
            std::invalid_argument)
            << what;
      } else if (t["result"] == "valid") {
        ++valid;
        EXPECT_TRUE(accepts(v)) << what;
        expect_encrypts(v, what);
      } else {
        ASSERT_EQ(t["result"], "invalid") << what;
        ++invalid;
        EXPECT_FALSE(accepts(v)) << what;
      }
    }
  }
  EXPECT_EQ(valid + invalid + too_long_iv, doc["numberOfTests"].get<int>());
  EXPECT_LE(too_long_iv, 3);  // the three 2056-bit IVs
  EXPECT_GT(invalid, 0);
}

// NIST CAVP .rsp layout: "Name = value" lines, a vector per Count, ending in "PT = ..." or in
// "FAIL" for a must-fail one.
TEST(AesGcmCipher, NistCavpDecrypt) {
  std::istringstream in(read_text_file(kData + "nist_gcmDecrypt128_excerpt_from_quiche.rsp"));
  std::vector<std::pair<Vector, bool>> vectors;  // (vector, must fail)
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "FAIL") vectors.back().second = true;
    const size_t eq = line.find(" = ");
    if (line.empty() || line[0] == '#' || line[0] == '[' || eq == std::string::npos) continue;
    const std::string name = line.substr(0, eq);
    if (name == "Count") vectors.emplace_back(Vector{}, false);
    Vector& v = vectors.back().first;
    const Bytes value = hex(line.substr(eq + 3));
    if (name == "Key") v.key = value;
    if (name == "IV") v.iv = value;
    if (name == "CT") v.cipher = value;
    if (name == "AAD") v.aad = value;
    if (name == "Tag") v.tag = value;
    if (name == "PT") v.plain = value;
  }
  int fails = 0;
  for (size_t i = 0; i < vectors.size(); ++i) {
    const auto& [vec, must_fail] = vectors[i];
    fails += must_fail;
    EXPECT_EQ(accepts(vec), !must_fail) << "NIST vector " << i;
  }
  EXPECT_EQ(vectors.size(), 17u);
  EXPECT_EQ(fails, 6);  // the file marks 6 vectors FAIL
}

// Crypto++ test-vector layout: "Name: value" lines (a final backslash continues a value on the next
// line; a token "rN" repeats the next token N times) whose values carry over to later tests until
// set again; "Test: Encrypt" must encrypt (and decrypt), "Test: NotVerify" must be rejected.
Bytes cryptopp_value(const std::string& text) {
  std::istringstream tokens(text);
  std::string out;
  for (std::string t; tokens >> t;) {
    if (t == "\\") continue;
    if (t[0] == 'r') {
      std::string repeated;
      tokens >> repeated;
      for (int i = std::stoi(t.substr(1)); i > 0; --i) out += repeated;
    } else {
      out += t;
    }
  }
  return hex(out);
}

TEST(AesGcmCipher, McGrewViegaViaCryptopp) {
  std::istringstream in(read_text_file(kData + "cryptopp_TestVectors_gcm.txt"));
  Vector v;
  int encrypts = 0, rejects = 0;
  std::string last;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    while (!line.empty() && line.back() == '\\') {
      std::string more;
      if (!std::getline(in, more)) break;
      if (!more.empty() && more.back() == '\r') more.pop_back();
      line.pop_back();
      line += " " + more;
    }
    const size_t colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    const std::string name = line.substr(0, colon);
    const std::string value = line.substr(colon + 1);
    if (name == "Key") v.key = cryptopp_value(value);
    if (name == "IV") v.iv = cryptopp_value(value);
    if (name == "Header") v.aad = cryptopp_value(value);
    if (name == "Plaintext") v.plain = cryptopp_value(value);
    if (name == "Ciphertext") v.cipher = cryptopp_value(value);
    if (name == "MAC") v.tag = cryptopp_value(value);
    if (name != "Test") continue;
    const std::string what = "Crypto++ vector " + std::to_string(encrypts + rejects);
    if (value.find("NotVerify") != std::string::npos) {
      ++rejects;
      EXPECT_FALSE(accepts(v)) << what;
    } else {
      ASSERT_NE(value.find("Encrypt"), std::string::npos) << what;
      ++encrypts;
      expect_encrypts(v, what);
      EXPECT_TRUE(accepts(v)) << what;
    }
  }
  EXPECT_GE(encrypts, 18);
  EXPECT_EQ(rejects, 1);
}

// Mbed TLS suite: gcm_decrypt_and_verify:ID:"key":"ct":"iv":"aad":tag_bits:"tag":"FAIL"|"":"pt":0.
// The suite's other functions exercise Mbed TLS's own API (bad parameters, buffer sizes).
TEST(AesGcmCipher, MbedTlsNistDecrypt) {
  std::istringstream in(read_text_file(kData + "mbedtls_test_suite_gcm.aes128_de.data"));
  int passes = 0, fails = 0;
  for (std::string line; std::getline(in, line);) {
    const std::string prefix = "gcm_decrypt_and_verify:MBEDTLS_CIPHER_ID_AES:";
    if (line.rfind(prefix, 0) != 0) continue;
    std::vector<std::string> f;
    std::istringstream fields(line.substr(prefix.size()));
    for (std::string s; std::getline(fields, s, ':');) f.push_back(s);
    ASSERT_EQ(f.size(), 9u) << line;
    const Vector v{hex(f[0]), hex(f[2]), hex(f[3]), hex(f[7]), hex(f[1]), hex(f[5])};
    ASSERT_EQ(v.tag.size() * 8, std::stoul(f[4])) << line;
    const bool must_fail = f[6] == "\"FAIL\"";
    (must_fail ? fails : passes)++;
    EXPECT_EQ(accepts(v), !must_fail) << line;
    if (!must_fail) expect_encrypts(v, line);
  }
  EXPECT_EQ(passes + fails, 168);
  EXPECT_GT(fails, 0);
}

// A truncated 64-bit tag still catches a flipped ciphertext bit, tag bit or IV change.
TEST(AesGcmCipher, TruncatedTagDetectsTampering) {
  const AesGcmCipher c(Bytes(16, 7));
  const Bytes iv(12, 1), plain(100, 42);
  Bytes cipher(plain.size()), tag(8), out(plain.size());
  c.encrypt(iv.data(), iv.size(), nullptr, 0, plain.data(), plain.size(), cipher.data(), tag.data(),
            tag.size());
  ASSERT_TRUE(c.decrypt(iv.data(), 12, nullptr, 0, cipher.data(), cipher.size(), tag.data(), 8,
                        out.data()));
  EXPECT_EQ(out, plain);
  Bytes bad = cipher;
  bad[50] ^= 0x08;
  EXPECT_FALSE(
      c.decrypt(iv.data(), 12, nullptr, 0, bad.data(), bad.size(), tag.data(), 8, out.data()));
  Bytes bad_tag = tag;
  bad_tag[7] ^= 0x80;
  EXPECT_FALSE(c.decrypt(iv.data(), 12, nullptr, 0, cipher.data(), cipher.size(), bad_tag.data(), 8,
                         out.data()));
  Bytes other_iv = iv;
  other_iv[11] ^= 1;
  EXPECT_FALSE(c.decrypt(other_iv.data(), 12, nullptr, 0, cipher.data(), cipher.size(), tag.data(),
                         8, out.data()));
}

}  // namespace
}  // namespace tessera
