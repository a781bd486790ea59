// A new implementation registered from outside the simulator's sources is picked up by name from
// an architecture file and simulated, with no change to the core. Each test runs in its own
// process (gtest_discover_tests), since SystemC allows one simulation per process.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include <unistd.h>

#include "models/dram/interface.h"
#include "models/functional_store.h"
#include "sim/arch_config.h"
#include "sim/energy_table.h"
#include "sim/error.h"
#include "sim/registry.h"
#include "sim/top.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

// dram: test_fixed — every transfer takes exactly `cycles` cycles, however large it is.
class FixedDram : public Dram {
 public:
  FixedDram(const sc_core::sc_module_name& name, const ParamValues& p)
      : Dram(name, p),
        latency_(static_cast<uint64_t>(p.get_int("cycles"))),
        // Not an energy action: the built-in energy table has no entry for it.
        transfers_(stats().counter("transfers", "transactions", "transfers served")),
        read_(stats().counter("read_bytes", "bytes", "bytes read")),
        written_(stats().counter("written_bytes", "bytes", "bytes written")) {
    counts_bytes_in(read_, written_);
  }

  [[nodiscard]] double peak_bytes_per_cycle() const override { return 0; }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    ++transfers_;
    (p.is_read() ? read_ : written_) += static_cast<uint64_t>(extension_of(p).bytes);
    if (p.get_data_ptr() != nullptr) store_.transfer(p, extension_of(p).box);
    delay += cycles(latency_);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  unsigned debug_transport(tlm::tlm_generic_payload& p) override {
    return store_.debug(p, extension_of(p).box);
  }

 private:
  uint64_t latency_;
  FunctionalStore store_;
  uint64_t& transfers_;
  uint64_t& read_;
  uint64_t& written_;
};

// dram: test_uncounted — the same, but it does not name the counters of its bytes, which every
// DRAM must (Dram::counts_bytes_in): it is refused before anything runs.
class UncountedDram : public Dram {
 public:
  UncountedDram(const sc_core::sc_module_name& name, const ParamValues& p) : Dram(name, p) {}

  [[nodiscard]] double peak_bytes_per_cycle() const override { return 0; }

 protected:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& /*delay*/) override {
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned debug_transport(tlm::tlm_generic_payload& /*p*/) override { return 0; }
};

}  // namespace

TESSERA_REGISTER(Dram, test_fixed, FixedDram, "test only: a fixed number of cycles per transfer",
                 {int_param("cycles", 1, "cycles", "cycles of every transfer")});
TESSERA_REGISTER(Dram, test_uncounted, UncountedDram,
                 "test only: a DRAM that does not name the counters of its bytes", {});

namespace {

namespace fs = std::filesystem;

const char* const kTrace = R"(tessera_trace: 1
name: tiny
layers:
  - name: conv
    op: conv
    input: [12, 12]
    channels: 8
    filters: 16
    filter: [3, 3]
  - name: fc
    op: gemm
    m: 16
    n: 40
    k: 64
)";

const ComponentResult* find_component(const RunResult& r, const std::string& name) {
  const auto it = std::find_if(r.components.begin(), r.components.end(),
                               [&](const ComponentResult& c) { return c.name == name; });
  return it == r.components.end() ? nullptr : &*it;
}

uint64_t counter(const ComponentResult& c, const std::string& name) {
  for (const CounterValue& v : c.counters) {
    if (v.name == name) return v.value;
  }
  ADD_FAILURE() << "no counter " << name << " in " << c.name;
  return 0;
}

const char* const kArchPrefix = "pe_array: {impl: systolic, rows: 8, cols: 8}\ndram: ";

RunResult simulate_with_dram(const std::string& dram_yaml) {
  const Trace trace = parse_trace(kTrace, "<tiny>");
  const ArchConfig arch = load_arch(kArchPrefix + dram_yaml + "\n", "<test arch>", {});
  return simulate(trace, arch, EnergyTable::builtin(), RunOptions{});
}

// Total cycles of the tiny trace with `dram_yaml`, from the tessera program: a second
// simulate() is not possible in this process. Only the built-in implementations are known there.
int64_t cycles_from_program(const std::string& dram_yaml) {
  const fs::path dir = fs::temp_directory_path() / ("registry_test." + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "trace.yaml") << kTrace;
  std::ofstream(dir / "arch.yaml") << kArchPrefix << dram_yaml << "\n";
  const std::string command =
      std::string(TESSERA_BINARY) + " run '" + (dir / "trace.yaml").string() + "' --arch '" +
      (dir / "arch.yaml").string() + "' -q --json '" + (dir / "out.json").string() + "'";
  const int status = std::system(command.c_str());
  int64_t cycles = -1;
  if (status == 0) {
    std::ifstream in(dir / "out.json");
    cycles = nlohmann::json::parse(in).at("totals").at("cycles").get<int64_t>();
  }
  fs::remove_all(dir);
  EXPECT_EQ(status, 0) << command;
  return cycles;
}

TEST(Registry, TestOnlyImplementationIsSelectedAndSimulated) {
  const ArchConfig arch = load_arch("dram: {impl: test_fixed, cycles: 7}\n", "<test arch>", {});
  EXPECT_EQ(arch.module("dram").impl, "test_fixed");
  EXPECT_EQ(arch.module("dram").params.get_int("cycles"), 7);
  EXPECT_NE(dump_arch(arch).find("test only: a fixed number of cycles per transfer"),
            std::string::npos);

  const int64_t ideal_cycles = cycles_from_program("{impl: ideal}");
  const RunResult r = simulate_with_dram("{impl: test_fixed, cycles: 7}");
  const ComponentResult* dram = find_component(r, "dram");
  ASSERT_NE(dram, nullptr);
  EXPECT_EQ(dram->impl, "test_fixed");
  EXPECT_GT(counter(*dram, "transfers"), 0u);
  EXPECT_GT(r.cycles(), 0u);
  EXPECT_GT(ideal_cycles, 0);
  EXPECT_NE(static_cast<int64_t>(r.cycles()), ideal_cycles);
}

TEST(Registry, ProgramAndInProcessRunsAgree) {
  // Validates the comparison above: the same ideal configuration gives the same cycles in the
  // program and in this process, so a difference there comes from the DRAM alone.
  const int64_t from_program = cycles_from_program("{impl: ideal}");
  const RunResult r = simulate_with_dram("{impl: ideal}");
  const ComponentResult* dram = find_component(r, "dram");
  ASSERT_NE(dram, nullptr);
  EXPECT_EQ(dram->impl, "ideal");
  EXPECT_EQ(static_cast<int64_t>(r.cycles()), from_program);
}

TEST(Registry, ADramThatDoesNotNameItsByteCountersIsRefused) {
  try {
    (void)simulate_with_dram("{impl: test_uncounted}");
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(
        std::string(e.what()).find("field 'dram.impl': dram implementation "
                                   "'test_uncounted' does not name the counters of its bytes"),
        std::string::npos)
        << e.what();
  }
}

TEST(Registry, UnknownImplListsKnownOnes) {
  try {
    (void)load_arch("dram:\n  impl: hbm9\n", "arch.yaml", {});
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("arch.yaml:2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("field 'dram.impl'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("hbm9"), std::string::npos) << msg;
    EXPECT_NE(msg.find("test_fixed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("ideal"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace tessera
