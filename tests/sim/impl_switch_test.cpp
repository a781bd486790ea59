// Switching an implementation with `-p family.impl=X`: the file's parameters X does not declare
// are dropped with a note naming them; a `-p` parameter X does not declare, and a misspelt key
// of the file's own choice, stay errors.
#include <gtest/gtest.h>

#include <string>

#include "sim/arch_config.h"
#include "sim/error.h"
#include "tests/support/files.h"

namespace tessera {
namespace {

const std::string kSparseArch = std::string(TESSERA_SOURCE_DIR) + "/traces/arch/sparse.yaml";

ArchConfig sparse_arch(const std::vector<std::string>& overrides) {
  return load_arch(test::read_file(kSparseArch), kSparseArch, overrides);
}

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides) {
  try {
    (void)load_arch(yaml, "a.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// traces/arch/sparse.yaml gives dram: ideal with bandwidth_gbps and latency_ns.
TEST(ImplSwitch, TheFilesParametersOfTheOldImplAreDroppedWithANote) {
  const ArchConfig arch = sparse_arch({"dram.impl=ddr"});
  EXPECT_EQ(arch.module("dram").impl, "ddr");
  ASSERT_EQ(arch.notes.size(), 1U);
  EXPECT_EQ(arch.notes[0], kSparseArch +
                               ": dram.impl is ddr (from -p): the file's parameters it does not "
                               "declare are dropped: bandwidth_gbps, latency_ns");
  EXPECT_EQ(arch.module("dram").params.get_string("preset"), "DDR4-3200-x8");
}

// Parameters the new implementation declares too are kept.
TEST(ImplSwitch, SharedParametersAreKept) {
  const ArchConfig arch = sparse_arch({"buffer.impl=buffet"});
  EXPECT_TRUE(arch.notes.empty());
  EXPECT_EQ(arch.module("buffer").params.get_int("capacity_kib"), 512);
}

TEST(ImplSwitch, NoSwitchNoNote) {
  EXPECT_TRUE(sparse_arch({"dram.impl=ideal", "dram.latency_ns=5"}).notes.empty());
  EXPECT_TRUE(sparse_arch({}).notes.empty());
}

TEST(ImplSwitch, AnOverrideTheNewImplDoesNotDeclareIsAnError) {
  EXPECT_EQ(
      error_of("dram: {impl: ideal, latency_ns: 5}\n", {"dram.impl=ddr", "dram.latency_ns=3"}),
      "-p dram.latency_ns=3: field 'dram.latency_ns': unknown parameter (known: preset, "
      "ini, controller, scheduler, page_policy, refresh_policy, address_mapping, channels, "
      "powerdown, powerdown_cycles, self_refresh_cycles)");
}

TEST(ImplSwitch, AMisspeltKeyOfTheFilesOwnImplStaysAnError) {
  EXPECT_EQ(error_of("dram:\n  impl: ideal\n  latency_nss: 5\n", {}).rfind("a.yaml:3:", 0), 0U);
  EXPECT_EQ(error_of("dram:\n  impl: ideal\n  latency_nss: 5\n", {"dram.impl=ideal"})
                .rfind("a.yaml:3:", 0),
            0U);
}

// Without an impl in the file, the family's default is the file's choice: a -p switch away from
// it drops the file's parameters for the default.
TEST(ImplSwitch, TheDefaultImplCountsAsTheFilesChoice) {
  const ArchConfig arch = load_arch("dram: {bandwidth_gbps: 10}\n", "a.yaml", {"dram.impl=ddr"});
  ASSERT_EQ(arch.notes.size(), 1U);
  EXPECT_NE(arch.notes[0].find("bandwidth_gbps"), std::string::npos);
}

}  // namespace
}  // namespace tessera
