// Plugins (sim/plugin.h): the three example plugins of examples/plugins/ load with --plugin or
// TESSERA_PLUGIN_PATH, appear in `config --list`, and run with their own numbers: the banked
// DRAM moves the same bytes as the ideal one, the broadcast array takes the cycles its formula
// gives, the LRU buffer fetches less from DRAM than the buffet. Every output is checked in
// functional runs. The test modules of the other families (tests/plugins/), each one file, run
// with theirs. Broken plugins are each one clear error, exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/files.h"
#include "tests/support/program.h"

namespace {

using nlohmann::json;
using tessera::test::quote;
using tessera::test::read_file;
using tessera::test::run;
using tessera::test::TempDir;

using tessera::test::kBinary;
using tessera::test::kSourceDir;
const std::string kPlugins = TESSERA_TEST_PLUGIN_DIR;
const std::string kSmall = kSourceDir + "/examples/plugins/small.yaml";

std::string plugin(const std::string& name) {
  return " --plugin " + quote(kPlugins + "/lib" + name + ".so");
}

// Runs tessera with `args` and a JSON report; returns the report.
json report(const std::string& args) {
  TempDir dir;
  const std::string path = dir.path() + "/r.json";
  std::string out;
  const std::string command = kBinary + " " + args + " --quiet --json " + quote(path);
  EXPECT_EQ(run(command, out), 0) << command << "\n" << out;
  return json::parse(read_file(path));
}

uint64_t counter(const json& r, const std::string& component, const std::string& name) {
  for (const json& c : r["components"]) {
    if (c["name"] == component) return c["counters"].value(name, uint64_t{0});
  }
  return 0;
}

TEST(Plugins, ListedWithTheBuiltInOnes) {
  std::string out;
  ASSERT_EQ(run(kBinary + " config --list" + plugin("banked_dram") + plugin("broadcast_array") +
                    plugin("lru_buffer"),
                out),
            0)
      << out;
  for (const char* line : {"\ndram.banked ", "\npe_array.broadcast ", "\nbuffer.lru ",
                           "\ndram.ideal ", "\nbuffer.tailors "}) {
    EXPECT_NE(("\n" + out).find(line), std::string::npos) << line << "\n" << out;
  }
}

TEST(Plugins, FromTheEnvironment) {
  std::string out;
  ASSERT_EQ(run("TESSERA_PLUGIN_PATH=" +
                    quote(kPlugins + "/liblru_buffer.so:" + kPlugins + "/libbanked_dram.so") + " " +
                    kBinary + " config --dump -p buffer.impl=lru -p dram.impl=banked",
                out),
            0)
      << out;
  EXPECT_NE(out.find("impl: lru"), std::string::npos) << out;
  EXPECT_NE(out.find("interleave_bytes: 256"), std::string::npos) << out;
}

TEST(Plugins, EachChecksItsOutputs) {
  for (const auto& [name, option] :
       {std::pair{"banked_dram", "-p dram.impl=banked"},
        std::pair{"broadcast_array", "-p pe_array.impl=broadcast -p pe_array.rows=8"},
        std::pair{"lru_buffer", "-p buffer.impl=lru -p buffer.capacity_kib=64"}}) {
    SCOPED_TRACE(name);
    const json r = report("run " + quote(kSmall) + plugin(name) + " " + option + " --functional");
    EXPECT_TRUE(r["functional_checked"].get<bool>());
  }
}

TEST(Plugins, BankedDramMovesWhatTheIdealOneDoes) {
  // The same peak bandwidth (8 banks of 4 bytes a cycle at 1 GHz), so the tiler plans alike.
  const json ideal = report("run -p dram.impl=ideal -p dram.bandwidth_gbps=32");
  const json banked = report("run" + plugin("banked_dram") + " -p dram.impl=banked");
  const uint64_t bytes = banked["totals"]["dram_bytes_read"].get<uint64_t>() +
                         banked["totals"]["dram_bytes_written"].get<uint64_t>();
  EXPECT_EQ(bytes, ideal["totals"]["dram_bytes_read"].get<uint64_t>() +
                       ideal["totals"]["dram_bytes_written"].get<uint64_t>());
  EXPECT_NE(banked["totals"]["cycles"], ideal["totals"]["cycles"]);
  // Each of the banks moves at most 4 bytes a cycle.
  EXPECT_GE(counter(banked, "dram", "bank_busy_cycles"), bytes / 4);
}

// A policy of the DDR controller from a plugin: served first, reads wait less.
TEST(Plugins, ReadsFirstSchedulerServesReadsSooner) {
  const std::string options = "run " + quote(kSourceDir + "/traces/samples/gpt2_block.yaml") +
                              plugin("reads_first_scheduler") +
                              " -p dram.impl=ddr -p dram.controller=queue";
  const json first_ready = report(options + " -p dram.scheduler=frfcfs");
  const json reads_first = report(options + " -p dram.scheduler=reads_first");
  EXPECT_EQ(counter(reads_first, "dram", "reads"), counter(first_ready, "dram", "reads"));
  EXPECT_LT(counter(reads_first, "dram", "read_latency_dram_cycles"),
            counter(first_ready, "dram", "read_latency_dram_cycles"));
}

TEST(Plugins, BroadcastArrayTakesItsFormulasCycles) {
  TempDir dir;
  const std::string trace = dir.write("gemm.yaml", R"(tessera_trace: 1
layers:
  - name: g
    op: gemm
    m: 64
    n: 64
    k: 100
    mapping:
      buffer_tile: {m: 64, n: 64, k: 100}
)");
  const json r = report("run " + quote(trace) + plugin("broadcast_array") +
                        " -p pe_array.impl=broadcast -p pe_array.rows=16 -p pe_array.cols=8 "
                        "-p pe_array.writeout_cycles=2 -p dram.impl=ideal");
  const json& c = r["layers"][0]["cycles_by_cause"];
  // 4 x 8 folds of 100 reduction steps and 2 write-out cycles each.
  EXPECT_EQ(c["compute"].get<uint64_t>() + c["array_underuse"].get<uint64_t>(), 32U * 100);
  EXPECT_EQ(c["fill_drain"].get<uint64_t>(), 32U * 2);
  EXPECT_EQ(r["totals"]["macs"].get<uint64_t>(), 64U * 64 * 100);
  EXPECT_EQ(counter(r, "pe_array", "folds"), 32U);
}

TEST(Plugins, LruBufferFetchesLessThanTheBuffet) {
  const std::string options = plugin("lru_buffer") + " -p buffer.capacity_kib=128";
  const json buffet = report("run" + options);
  const json lru = report("run" + options + " -p buffer.impl=lru");
  EXPECT_LT(lru["totals"]["dram_bytes_read"].get<uint64_t>(),
            buffet["totals"]["dram_bytes_read"].get<uint64_t>());
  EXPECT_EQ(lru["totals"]["dram_bytes_written"], buffet["totals"]["dram_bytes_written"]);
  EXPECT_GT(counter(lru, "buffer", "lru_hits"), 0U);
}

// The buffer decides which tiles stay (models/buffer/interface.h): a buffer whose slots keep
// their tiles finds a tile again in the other slot, where the buffet fetches it once more (inputs
// alternating over two k-tiles) or reads its partial sums back (outputs alternating over two
// n-tiles). The outputs stay right.
TEST(Plugins, TheBufferDecidesWhichTilesStay) {
  TempDir dir;
  const auto gemm = [&](const std::string& order) {
    std::string name = order;  // "m, n, k" -> "mnk"
    name.erase(
        std::remove_if(name.begin(), name.end(), [](char c) { return c == ',' || c == ' '; }),
        name.end());
    return quote(dir.write(name + ".yaml",
                           std::string("tessera_trace: 1\nlayers:\n  - name: g\n    op: gemm\n"
                                       "    m: 64\n    n: 64\n    k: 64\n    mapping:\n"
                                       "      buffer_tile: {m: 64, n: 32, k: 32}\n"
                                       "      loop_order: [") +
                               order + "]\n"));
  };
  const std::string options = plugin("both_slots_buffer") + " --functional";
  // k innermost: inputs (m0,k0) (m0,k1) (m0,k0) (m0,k1), 4 KiB each.
  const json k_buffet = report("run " + gemm("m, n, k") + options);
  const json k_kept = report("run " + gemm("m, n, k") + options + " -p buffer.impl=both_slots");
  EXPECT_EQ(counter(k_kept, "buffer", "other_slot_hits"), 2U);
  EXPECT_EQ(counter(k_buffet, "controller", "fetches") - counter(k_kept, "controller", "fetches"),
            2U);
  EXPECT_EQ(k_buffet["totals"]["dram_bytes_read"].get<uint64_t>() -
                k_kept["totals"]["dram_bytes_read"].get<uint64_t>(),
            2U * 64 * 32);
  // n innermost: outputs (m0,n0) (m0,n1) (m0,n0) (m0,n1), each left with partial sums once.
  const json n_buffet = report("run " + gemm("m, k, n") + options);
  const json n_kept = report("run " + gemm("m, k, n") + options + " -p buffer.impl=both_slots");
  EXPECT_EQ(counter(n_buffet, "controller", "psum_refills"), 2U);
  EXPECT_EQ(counter(n_kept, "controller", "psum_refills"), 0U);
  EXPECT_LT(n_kept["totals"]["dram_bytes_read"].get<uint64_t>(),
            n_buffet["totals"]["dram_bytes_read"].get<uint64_t>());
  for (const json* r : {&k_buffet, &k_kept, &n_buffet, &n_kept}) {
    EXPECT_TRUE((*r)["functional_checked"].get<bool>());
  }
}

// A replacement that looks ahead (the controller tells each placement when the tile is needed
// next): Belady's reads no more from DRAM than LRU's, and the outputs stay right.
TEST(Plugins, BeladyBufferFetchesNoMoreThanLru) {
  const std::string options =
      plugin("lru_buffer") + plugin("belady_buffer") + " -p buffer.capacity_kib=128";
  const json lru = report("run" + options + " -p buffer.impl=lru");
  const json belady = report("run" + options + " -p buffer.impl=belady");
  EXPECT_LE(belady["totals"]["dram_bytes_read"].get<uint64_t>(),
            lru["totals"]["dram_bytes_read"].get<uint64_t>());
  EXPECT_GT(counter(belady, "buffer", "belady_hits"), 0U);
  EXPECT_EQ(belady["totals"]["dram_bytes_written"], lru["totals"]["dram_bytes_written"]);
  const json checked = report("run " + quote(kSmall) + plugin("belady_buffer") +
                              " -p buffer.impl=belady -p buffer.capacity_kib=64 --functional");
  EXPECT_TRUE(checked["functional_checked"].get<bool>());
}

// One file per family: the examples and the test modules of tests/plugins/ together.
const char* const kFamilyModules[][3] = {
    {"banked_dram", "dram.banked", "-p dram.impl=banked"},
    {"broadcast_array", "pe_array.broadcast", "-p pe_array.impl=broadcast -p pe_array.rows=8"},
    {"lru_buffer", "buffer.lru", "-p buffer.impl=lru -p buffer.capacity_kib=64"},
    {"throughput_crypto", "crypto.throughput", "-p crypto.impl=throughput"},
    {"scalar_vector", "vector.scalar", "-p vector.impl=scalar"},
    {"tagged_decoder", "sparse.tagged", "-p sparse.impl=tagged"},
    {"whole_layer_controller", "controller.whole_layer", "-p controller.impl=whole_layer"},
};

TEST(Plugins, AModuleOfEachFamilyIsOneFile) {
  std::string plugins;
  for (const auto& m : kFamilyModules) plugins += plugin(m[0]);
  std::string out;
  ASSERT_EQ(run(kBinary + " config --list" + plugins, out), 0) << out;
  for (const auto& m : kFamilyModules) {
    EXPECT_NE(("\n" + out).find("\n" + std::string(m[1]) + " "), std::string::npos) << m[1] << "\n"
                                                                                    << out;
    // Each runs, and the outputs of a functional run are right.
    const json r = report("run " + quote(kSmall) + plugin(m[0]) + " " + m[2] + " --functional");
    EXPECT_TRUE(r["functional_checked"].get<bool>()) << m[0];
  }
}

TEST(Plugins, SpmspmTakesAnyRegisteredBuffer) {
  // The LRU buffer registers no tile policy: its sparse tiles are sized for the worst case, as the
  // buffet's are, and it runs the same tiles.
  const std::string options =
      " spmspm " + quote(kSourceDir + "/data/matrices/karate.mtx") + " --transpose --functional";
  const json lru = report(options + plugin("lru_buffer") + " --buffer lru");
  const json buffet = report(options + " --buffer buffet");
  EXPECT_TRUE(lru["functional_checked"].get<bool>());
  EXPECT_EQ(lru["totals"]["macs"], buffet["totals"]["macs"]);
  EXPECT_EQ(counter(lru, "controller", "tiles"), counter(buffet, "controller", "tiles"));
}

TEST(Plugins, ThroughputCryptoMovesEveryByteAtItsRate) {
  const std::string options = " " + quote(kSmall) + " -p dram.impl=ideal";
  const json none = report("run" + options);
  const json r = report("run" + options + plugin("throughput_crypto") +
                        " -p crypto.impl=throughput -p crypto.bytes_per_cycle=2");
  const uint64_t bytes = r["totals"]["dram_bytes_read"].get<uint64_t>() +
                         r["totals"]["dram_bytes_written"].get<uint64_t>();
  EXPECT_EQ(counter(r, "crypto", "bytes"), bytes);
  // Half a cycle per byte, and ceil() adds at most one cycle to each transfer (a fetch or a
  // write-back).
  const uint64_t transfers =
      counter(r, "controller", "fetches") + counter(r, "controller", "writebacks");
  EXPECT_GE(counter(r, "crypto", "busy_cycles"), bytes / 2);
  EXPECT_LE(counter(r, "crypto", "busy_cycles"), bytes / 2 + transfers);
  EXPECT_GT(r["totals"]["cycles_by_cause"]["crypto_stall"].get<uint64_t>(), 0U);
  EXPECT_GT(r["totals"]["cycles"].get<uint64_t>(), none["totals"]["cycles"].get<uint64_t>());
}

const char* const kEltwise = R"(tessera_trace: 1
layers:
  - name: add
    op: eltwise
    elements: 4096
    reads: 8192
)";

TEST(Plugins, ScalarVectorTakesACyclePerOperation) {
  TempDir dir;
  const std::string trace = quote(dir.write("add.yaml", kEltwise));
  const json simd = report("run " + trace + " -p vector.impl=simd -p vector.lanes=64");
  const json r = report("run " + trace + plugin("scalar_vector") + " -p vector.impl=scalar");
  EXPECT_EQ(counter(r, "vector", "op"), 4096U);
  EXPECT_EQ(r["layers"][0]["vector_ops"].get<uint64_t>(), 4096U);
  EXPECT_GE(r["layers"][0]["cycles"].get<uint64_t>(), 4096U);
  EXPECT_LT(simd["layers"][0]["cycles"].get<uint64_t>(), 4096U);
}

TEST(Plugins, TaggedDecoderMovesItsTags) {
  TempDir dir;
  // One tile: each operand is fetched once. 8-bit values.
  const std::string trace = quote(dir.write("g.yaml", R"(tessera_trace: 1
layers:
  - name: g
    op: gemm
    m: 16
    n: 32
    k: 64
    precision: 8
    mapping:
      buffer_tile: {m: 16, n: 32, k: 64}
)"));
  const std::string options = " " + trace + " -p dram.impl=ideal" + plugin("tagged_decoder");
  const json dense = report("run" + options);
  const json r = report("run" + options + " -p sparse.impl=tagged -p sparse.tag_bits=2");
  // 64 x 32 weights, two more bits each; the inputs as they were.
  EXPECT_EQ(r["totals"]["dram_bytes_read"].get<uint64_t>(),
            dense["totals"]["dram_bytes_read"].get<uint64_t>() + 64 * 32 * 2 / 8);
  EXPECT_EQ(r["totals"]["macs"], dense["totals"]["macs"]);
  EXPECT_GE(counter(r, "sparse", "tag_bits"), 64U * 32 * 2);
}

TEST(Plugins, WholeLayerControllerMovesEachTensorOnce) {
  const json r = report("run " + quote(kSmall) + plugin("whole_layer_controller") +
                        " -p controller.impl=whole_layer -p dram.impl=ideal --functional");
  EXPECT_TRUE(r["functional_checked"].get<bool>());
  // small.yaml at 8 bits: conv 19x19x24 inputs, 3x3x24x40 weights, 10x10x40 outputs (stride 2,
  // padding 1); gemm 33x150 inputs, 150x70 weights, 33x70 outputs.
  EXPECT_EQ(r["totals"]["dram_bytes_read"].get<uint64_t>(),
            19U * 19 * 24 + 3 * 3 * 24 * 40 + 33 * 150 + 150 * 70);
  EXPECT_EQ(r["totals"]["dram_bytes_written"].get<uint64_t>(), 10U * 10 * 40 + 33 * 70);
  EXPECT_EQ(counter(r, "controller", "tiles"), 2U);
  // A layer larger than a slot is refused before anything runs.
  std::string out;
  EXPECT_EQ(run(kBinary + " run --quiet" + plugin("whole_layer_controller") +
                    " -p controller.impl=whole_layer",
                out),
            2);
  EXPECT_NE(out.find("field 'op': layer 'Conv1' needs"), std::string::npos) << out;
}

struct Broken {
  const char* name;
  std::string plugins;
  const char* message;
};

class BrokenPlugin : public testing::TestWithParam<Broken> {};

TEST_P(BrokenPlugin, IsOneClearError) {
  TempDir dir;
  const std::string text = dir.write("libtext.so", "not a library\n");
  std::string plugins = GetParam().plugins;
  if (plugins == "TEXT") plugins = " --plugin " + quote(text);
  std::string out;
  EXPECT_EQ(run(kBinary + " run --quiet" + plugins, out), 2) << out;
  EXPECT_NE(out.find(GetParam().message), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BrokenPlugin,
    testing::Values(Broken{"not_a_library", "TEXT", "cannot load it as a shared library"},
                    Broken{"missing_file", " --plugin /no/such/libplugin.so",
                           "cannot load it as a shared library"},
                    Broken{"no_entry_point", plugin("no_entry_point"), "is not a tessera plugin"},
                    Broken{"other_abi", plugin("other_abi"),
                           "built against tessera plugin ABI 999"},
                    Broken{"name_taken", plugin("banked_dram") + plugin("banked_dram_copy"),
                           "registers dram.banked, a name that is already registered"}),
    [](const testing::TestParamInfo<Broken>& i) { return i.param.name; });

}  // namespace
