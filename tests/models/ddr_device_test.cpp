// DRAMSim3 device files load as they are, presets are those files, keys tessera does not model
// are named, and bad files are errors naming file, line and field.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "models/dram/ddr/address_map.h"
#include "models/dram/ddr/presets.h"
#include "sim/error.h"
#include "tests/support/files.h"

namespace tessera::ddr {
namespace {

const std::string kData = std::string(TESSERA_SOURCE_DIR) + "/data/dram/";

std::string error_of(const std::string& text) {
  try {
    (void)parse_device_ini(text, "dev.ini");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string with(const std::string& key, const std::string& value) {
  std::string text = tessera::test::read_file(kData + "DDR4_8Gb_x8_3200.ini");
  const size_t at = text.find("\n" + key + " = ");
  if (at == std::string::npos) return text;
  const size_t end = text.find('\n', at + 1);
  return text.substr(0, at + 1) + key + " = " + value + text.substr(end);
}

TEST(DdrDevice, EveryShippedFileLoads) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData)) {
    if (entry.path().extension() != ".ini") continue;
    ++files;
    const LoadedDevice loaded = load_device_ini(entry.path().string());
    const Device& d = loaded.device;
    EXPECT_GT(d.tck_ns, 0) << entry.path();
    EXPECT_GE(d.tRC, d.tRAS + d.tRP) << entry.path();
    // DRAMSim3 derives ranks so that they fill channel_size (MB).
    EXPECT_EQ(AddressMap(d, d.address_mapping).capacity_bytes(),
              static_cast<uint64_t>(d.channel_size_mb) * d.channels << 20)
        << entry.path();
  }
  EXPECT_EQ(files, 8);
}

TEST(DdrDevice, PresetsAreTheShippedFiles) {
  for (const Preset& p : presets()) {
    const Device a = load_preset(p.name, {}).device;
    const Device b = load_device_ini(std::string(TESSERA_SOURCE_DIR) + "/" + p.file).device;
    EXPECT_EQ(a.tRCD_read, b.tRCD_read) << p.name;
    EXPECT_EQ(a.tREFI, b.tREFI) << p.name;
    EXPECT_EQ(a.IDD4R, b.IDD4R) << p.name;
    EXPECT_EQ(std::string(p.text()),
              tessera::test::read_file(std::string(TESSERA_SOURCE_DIR) + "/" + p.file));
  }
  const Device d = load_preset("DDR4-3200-x8", {}).device;
  EXPECT_EQ(d.ranks, 2);  // 16 GB of 8 GB ranks (8 x8 devices of 8 Gb)
  EXPECT_EQ(d.burst_bytes(), 64);
  EXPECT_NEAR(d.peak_gbps(), 64 / (4 * 0.63), 1e-9);
}

TEST(DdrDevice, KeysNotModelledAreNamedOnce) {
  const LoadedDevice loaded = load_device_ini(kData + "DDR4_8Gb_x8_2400.ini");
  int trfc2 = 0, thermal = 0;
  for (const auto& n : loaded.notes) {
    trfc2 += n.find("timing.tRFC2 (line") != std::string::npos ? 1 : 0;
    thermal += n.find("thermal.") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(trfc2, 1);
  EXPECT_EQ(thermal, 8);
  // DDR3's file calls the refresh interval REFI; HBM splits tRCD into tRCDRD and tRCDWR.
  const LoadedDevice ddr3 = load_device_ini(kData + "DDR3_8Gb_x8_1600.ini");
  EXPECT_EQ(ddr3.device.tREFI, 6240);
  const LoadedDevice hbm = load_device_ini(kData + "HBM2_8Gb_x128.ini");
  EXPECT_EQ(hbm.device.tRCD_read, 14);
  EXPECT_EQ(hbm.device.channels, 8);
  bool trtrs_assumed = false;
  for (const auto& n : hbm.notes) trtrs_assumed |= n.find("tRTRS not given") != std::string::npos;
  EXPECT_TRUE(trtrs_assumed);
}

TEST(DdrDevice, ImpossibleOrMalformedFilesNameFileLineAndField) {
  const std::string base = tessera::test::read_file(kData + "DDR4_8Gb_x8_3200.ini");
  std::string e = error_of(with("banks_per_group", "0"));
  EXPECT_NE(e.find("dev.ini:4: field 'dram_structure.banks_per_group'"), std::string::npos) << e;
  e = error_of(with("tRAS", "52\ntRC = 40"));
  EXPECT_NE(e.find("field 'timing.tRC'"), std::string::npos) << e;
  EXPECT_NE(e.find("tRAS (52) exceeds tRC (40)"), std::string::npos) << e;
  e = error_of(with("tCK", "fast"));
  EXPECT_NE(e.find("dev.ini:11: field 'timing.tCK'"), std::string::npos) << e;
  e = error_of(with("tREFI", "100"));
  EXPECT_NE(e.find("field 'timing.tREFI'"), std::string::npos) << e;
  e = error_of(with("address_mapping", "rochrababgxx"));
  EXPECT_NE(e.find("field 'system.address_mapping'"), std::string::npos) << e;
  e = error_of(with("rows", "65535"));
  EXPECT_NE(e.find("power of two"), std::string::npos) << e;
  e = error_of(base + "\nthis line has no equals sign\n");
  EXPECT_NE(e.find("dev.ini:69"), std::string::npos) << e;  // 67 lines, a blank, then it
  e = error_of(base.substr(0, base.find("tRP = 22")) + base.substr(base.find("tRAS = 52")));
  EXPECT_NE(e.find("field 'timing.tRP': missing"), std::string::npos) << e;
  e = error_of(with("IDD0", "10"));
  EXPECT_NE(e.find("field 'power.IDD0'"), std::string::npos) << e;
  // A controller structure tessera does not model is an error, never ignored.
  e = error_of(with("queue_structure", "PER_CHANNEL"));
  EXPECT_NE(e.find("field 'system.queue_structure'"), std::string::npos) << e;
  e = error_of(with("refresh_policy", "BANK_LEVEL_STAGGERED"));
  EXPECT_NE(e.find("field 'system.refresh_policy'"), std::string::npos) << e;
  EXPECT_NE(e.find("per-bank refresh is not modelled"), std::string::npos) << e;
  e = error_of(with("cmd_queue_size", "0"));
  EXPECT_NE(e.find("field 'system.cmd_queue_size'"), std::string::npos) << e;
  e = error_of(with("IDD2P", "99"));
  EXPECT_NE(e.find("field 'power.IDD2P'"), std::string::npos) << e;
  try {
    (void)load_preset("DDR4-2400-x16", {"arch.yaml", 3, "dram.preset"});
    FAIL();
  } catch (const InputError& err) {
    const std::string m = err.what();
    EXPECT_NE(m.find("arch.yaml:3: field 'dram.preset'"), std::string::npos) << m;
    EXPECT_NE(m.find("no DRAMSim3 device file for DDR4-2400 x16"), std::string::npos) << m;
  }
}

TEST(DdrDevice, AddressMappingDecodesEveryFieldAndInverts) {
  const Device d = load_preset("HBM2", {}).device;
  const AddressMap map(d, "rorabgbachco");
  std::mt19937_64 rng(3);
  const auto burst = static_cast<uint64_t>(d.burst_bytes());
  ASSERT_EQ(burst, 64u);  // 128-bit bus, BL4
  for (int i = 0; i < 10000; ++i) {
    const uint64_t a = rng() % map.capacity_bytes() / burst * burst;
    EXPECT_EQ(map.encode(map.decode(a)), a);
  }
  // The column counts bursts just above the burst offset (64 columns, read as DRAMSim3 reads an
  // HBM file: 128 / BL4 = 32, 5 bits); the channel is just above the column.
  EXPECT_EQ(d.columns, 128);
  EXPECT_EQ(d.ranks, 1);
  const Location at = map.decode(burst * 3 + burst * 32 * 5);
  EXPECT_EQ(at.column, 3);
  EXPECT_EQ(at.channel, 5);
  EXPECT_THROW(AddressMap(d, "rorabgbachch"), std::invalid_argument);
}

}  // namespace
}  // namespace tessera::ddr
