#include "sim/energy_table.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "sim/stats.h"
#include "tests/support/files.h"

namespace tessera {
namespace {

using test::read_file;

// Each table in a folder of its own as table.yaml (the file name is the table's default name);
// the folders are removed when the test program exits.
std::string write_table(const std::string& text) {
  static const test::TempDir dir;
  static int count = 0;
  const std::string folder = std::to_string(count++);
  std::filesystem::create_directory(dir.path() + "/" + folder);
  return dir.write(folder + "/table.yaml", text);
}

CounterValue counter(const std::string& name, uint64_t value, bool energy_action = true) {
  return {name, "", "", value, energy_action};
}

ComponentResult pe_array() {
  return {"pe_array",
          "systolic",
          {counter("mac", 1000), counter("idle_pe_cycle", 50), counter("stall_cycles", 7, false)},
          {}};
}

TEST(EnergyTable, BuiltinIsTheShippedFileByteForByte) {
  const std::string shipped = read_file(TESSERA_SOURCE_DIR "/sim/energy/default.yaml");
  ASSERT_FALSE(shipped.empty());
  EXPECT_EQ(std::string(default_energy_yaml()), shipped);
}

TEST(EnergyTable, BuiltinFiguresAndTheirSources) {
  const EnergyTable t = EnergyTable::builtin();
  EXPECT_EQ(t.name(), "default-65nm");
  EXPECT_NE(t.source_file().find("sim/energy/default.yaml"), std::string::npos);
  EXPECT_DOUBLE_EQ(*t.pj("pe_array", "mac"), 0.208);
  EXPECT_DOUBLE_EQ(*t.pj("pe_array", "idle_pe_cycle"), 0.208 * 0.066 / 2.2);
  EXPECT_DOUBLE_EQ(*t.pj("buffer", "read_word"), 18.18);
  EXPECT_DOUBLE_EQ(*t.pj("buffer", "write_word"), 14.14);
  EXPECT_DOUBLE_EQ(*t.pj("dram", "read_byte"), 512.0 / 8);
  EXPECT_DOUBLE_EQ(*t.pj("dram", "write_byte"), 512.0 / 8);
  EXPECT_FALSE(t.pj("dram", "refresh"));
  EXPECT_FALSE(t.pj("crypto", "aes_block"));
  for (const auto& [comp, c] : t.components()) {
    for (const auto& [action, e] : c.actions) {
      EXPECT_FALSE(e.per.empty()) << comp << "." << action;
      EXPECT_FALSE(e.source.empty()) << comp << "." << action;
    }
  }
}

// The figures the built-in table cites are rows of the CSV shipped beside it.
TEST(EnergyTable, CitedRowsAreInTheShippedCsv) {
  const std::string csv =
      read_file(TESSERA_SOURCE_DIR "/sim/energy/timeloop_exercises_ERT_summary_extracted.csv");
  for (const char* row :
       {"system_top_level.mac[1..168],compute,0.207692",
        "system_top_level.shared_glb[1..1],read,18.183829",
        "system_top_level.shared_glb[1..1],write,14.137929",
        "system_top_level.DRAM[1..1],read,512.0", "system_top_level.DRAM[1..1],write,512.0",
        "eyeriss_like.PE[0..167].mac,mac_random,2.20035",
        "eyeriss_like.PE[0..167].mac,idle,0.06595"}) {
    EXPECT_NE(csv.find(row), std::string::npos) << row;
  }
}

TEST(EnergyTable, AppliesCountsTimesPicojoules) {
  ComponentResult c = pe_array();
  apply_energy(EnergyTable::builtin(), c);
  ASSERT_EQ(c.energy_pj.size(), 2u);  // the stall counter is not an energy action
  EXPECT_DOUBLE_EQ(c.energy_pj.at("mac"), 1000 * 0.208);
  EXPECT_DOUBLE_EQ(c.energy_pj.at("idle_pe_cycle"), 50 * 0.00624);
}

TEST(EnergyTable, CustomTableChangesEnergies) {
  const std::string path = write_table(
      "tessera_energy: 1\n"
      "components:\n"
      "  pe_array:\n"
      "    mac: {pj: 1.5}\n"
      "    idle_pe_cycle: {pj: 0, per: \"idle PE\", source: \"assumed\"}\n");
  const EnergyTable t = EnergyTable::load(path);
  EXPECT_EQ(t.name(), "table");  // from the file name
  EXPECT_EQ(t.source_file(), path);
  ComponentResult custom = pe_array(), builtin = pe_array();
  apply_energy(t, custom);
  apply_energy(EnergyTable::builtin(), builtin);
  EXPECT_DOUBLE_EQ(custom.energy_pj.at("mac"), 1500);
  EXPECT_DOUBLE_EQ(custom.energy_pj.at("idle_pe_cycle"), 0);
  EXPECT_NE(custom.total_energy_pj(), builtin.total_energy_pj());
}

TEST(EnergyTable, LoadsTheShippedFileLikeTheBuiltin) {
  const EnergyTable t = EnergyTable::load(TESSERA_SOURCE_DIR "/sim/energy/default.yaml");
  EXPECT_EQ(t.name(), EnergyTable::builtin().name());
  EXPECT_EQ(t.pj("buffer", "read_word"), EnergyTable::builtin().pj("buffer", "read_word"));
}

struct BadTable {
  const char* label;
  const char* text;
  int line;
  const char* field;
};

class BadTableTest : public ::testing::TestWithParam<BadTable> {};

TEST_P(BadTableTest, NamesFileLineAndField) {
  const BadTable& bad = GetParam();
  const std::string path = write_table(bad.text);
  try {
    EnergyTable::load(path);
    FAIL() << "accepted " << bad.label;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().file, path);
    EXPECT_EQ(e.where().line, bad.line) << what;
    EXPECT_EQ(e.where().field, bad.field) << what;
    EXPECT_NE(what.find(path + ":" + std::to_string(bad.line) + ": field '" + bad.field + "'"),
              std::string::npos)
        << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    EnergyTable, BadTableTest,
    ::testing::Values(
        BadTable{"malformed_yaml",
                 "tessera_energy: 1\ncomponents:\n  pe_array:\n    mac: {pj: 1\n  buffer: {}\n", 5,
                 "components.buffer"},
        BadTable{"unknown_top_key", "tessera_energy: 1\ncolour: red\ncomponents: {}\n", 2,
                 "colour"},
        BadTable{"unknown_entry_key",
                 "tessera_energy: 1\ncomponents:\n  pe_array:\n    mac: {pj: 1, pJ: 2}\n", 4,
                 "components.pe_array.mac.pJ"},
        BadTable{"negative_pj",
                 "tessera_energy: 1\ncomponents:\n  dram:\n    read_byte:\n      pj: -64\n", 5,
                 "components.dram.read_byte.pj"},
        BadTable{"non_numeric_pj",
                 "tessera_energy: 1\ncomponents:\n  dram:\n    read_byte: {pj: lots}\n", 4,
                 "components.dram.read_byte.pj"},
        BadTable{"infinite_pj",
                 "tessera_energy: 1\ncomponents:\n  dram:\n    read_byte: {pj: .inf}\n", 4,
                 "components.dram.read_byte.pj"},
        BadTable{"missing_pj",
                 "tessera_energy: 1\ncomponents:\n  dram:\n    read_byte: {per: byte}\n", 4,
                 "components.dram.read_byte.pj"},
        BadTable{"repeated_action",
                 "tessera_energy: 1\ncomponents:\n  dram:\n    read_byte: {pj: 1}\n"
                 "    read_byte: {pj: 2}\n",
                 5, "components.dram.read_byte"},
        BadTable{"reserved_total", "tessera_energy: 1\ncomponents:\n  dram:\n    total: {pj: 1}\n",
                 4, "components.dram.total"},
        BadTable{"wrong_version", "name: x\ntessera_energy: 2\ncomponents: {}\n", 2,
                 "tessera_energy"},
        BadTable{"not_an_energy_table", "tessera_trace: 1\nlayers: []\n", 1, "tessera_energy"},
        BadTable{"missing_components", "tessera_energy: 1\nname: x\n", 1, "components"}),
    [](const ::testing::TestParamInfo<BadTable>& info) { return std::string(info.param.label); });

TEST(EnergyTable, MissingFileNamesTheFile) {
  const test::TempDir dir;
  const std::string path = dir.path() + "/absent.yaml";
  try {
    EnergyTable::load(path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, path);
    EXPECT_EQ(e.where().field, "energy_table");
    EXPECT_NE(std::string(e.what()).find(path + ": field 'energy_table'"), std::string::npos)
        << e.what();
  }
}

TEST(EnergyTable, CountedActionWithoutEntryNamesTableComponentAndAction) {
  const std::string path = write_table(
      "tessera_energy: 1\n"
      "name: partial\n"
      "components:\n"
      "  pe_array:\n"
      "    mac: {pj: 0.2}\n");
  const EnergyTable t = EnergyTable::load(path);
  ComponentResult c = pe_array();
  try {
    apply_energy(t, c);
    FAIL();
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().line, 4);  // the component's entry
    EXPECT_NE(what.find(path + ":4: field 'components.pe_array.idle_pe_cycle'"), std::string::npos)
        << what;
    EXPECT_NE(what.find("'partial'"), std::string::npos) << what;
  }

  ComponentResult dram{"dram", "ideal", {counter("read_byte", 8)}, {}};
  try {
    apply_energy(t, dram);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);  // no entry for the component: the `components` key
    EXPECT_EQ(e.where().field, "components.dram.read_byte");
  }
}

TEST(EnergyTable, MeasuredEnergyIsReportedWithoutAnEntry) {
  StatGroup stats;
  stats.measured_energy("act", "activations") = 2500;  // fJ
  stats.counter("activates", "commands", "ACT commands") = 7;
  ComponentResult dram{"dram", "ddr", stats.snapshot(), {}};
  // The built-in table has no dram.act entry: a measured energy needs none.
  apply_energy(EnergyTable::builtin(), dram);
  ASSERT_EQ(dram.energy_pj.size(), 1u);
  EXPECT_DOUBLE_EQ(dram.energy_pj.at("act"), 2.5);
  EXPECT_EQ(dram.counters.at(0).unit, "fJ");
  EXPECT_TRUE(dram.counters.at(0).measured_energy);
  EXPECT_FALSE(dram.counters.at(1).measured_energy);
}

}  // namespace
}  // namespace tessera
