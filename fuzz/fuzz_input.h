// What every fuzz target shares: the input as text, and the rule that a parser may only fail
// with InputError. Any other exception escapes and libFuzzer reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

namespace tessera::fuzz {

inline std::string as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Parsers that take a path read the input from this per-process scratch file.
inline std::string write_scratch_file(const uint8_t* data, size_t size, const char* suffix) {
  const std::string path = "/tmp/tessera-fuzz-" + std::to_string(getpid()) + suffix;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace tessera::fuzz
