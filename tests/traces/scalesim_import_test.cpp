// SCALE-Sim import and trace writer: real SCALE-Sim topologies and configs (tests/data/scalesim),
// hand-checked shapes, mappings, and the error for every kind of bad input.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "plan/tiler.h"
#include "sim/error.h"
#include "tests/support/files.h"
#include "traces/scalesim_import.h"
#include "traces/trace_reader.h"
#include "traces/trace_writer.h"

namespace tessera {
namespace {

using test::TempDir;

namespace fs = std::filesystem;

const std::string kData = std::string(TESSERA_SOURCE_DIR) + "/tests/data/scalesim";

const Layer& find_layer(const Trace& t, const std::string& name) {
  for (const Layer& l : t.layers) {
    if (l.name == name) return l;
  }
  throw std::runtime_error("no layer " + name);
}

// Runs `f`, which must throw InputError located at file:line, field.
template <typename F>
void expect_input_error(F f, const std::string& file, int line, const std::string& field) {
  try {
    f();
    ADD_FAILURE() << "no InputError for " << file;
  } catch (const InputError& e) {
    const std::string msg = e.what();
    const std::string at = line > 0 ? file + ":" + std::to_string(line) : file;
    EXPECT_NE(msg.find(at + ": field '" + field + "'"), std::string::npos) << msg;
    EXPECT_EQ(e.where().file, file);
    EXPECT_EQ(e.where().line, line);
    EXPECT_EQ(e.where().field, field);
  }
}

// ---- Topologies ------------------------------------------------------------------------------

TEST(ScaleSimTopology, ParsesEveryConvTopology) {
  const std::map<std::string, size_t> expected = {
      {"Resnet50.csv", 54},  {"Resnet18.csv", 21}, {"alexnet.csv", 5},  {"mobilenet.csv", 27},
      {"Googlenet.csv", 58}, {"yolo_tiny.csv", 9}, {"UNet_2d.csv", 19}, {"mobilnet_4k.csv", 28}};
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(kData + "/conv_nets")) {
    const std::string name = entry.path().filename().string();
    ASSERT_TRUE(expected.count(name)) << "add " << name << " to this test";
    const Trace t = read_scalesim_topology(entry.path().string(), false);
    EXPECT_EQ(t.layers.size(), expected.at(name)) << name;
    for (const Layer& l : t.layers) {
      EXPECT_EQ(l.op, Op::conv);
      EXPECT_EQ(l.precision_bits, 8);
      EXPECT_FALSE(l.mapping.buffer_tile || l.mapping.loop_order || l.mapping.dataflow);
    }
    ++files;
  }
  EXPECT_EQ(files, expected.size());
}

TEST(ScaleSimTopology, ParsesEveryGemmTopology) {
  const std::map<std::string, size_t> expected = {
      {"gpt2.csv", 6}, {"NCF.csv", 12}, {"gnmt.csv", 17}, {"test_mnk_input.csv", 1}};
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(kData + "/GEMM_mnk")) {
    const std::string name = entry.path().filename().string();
    ASSERT_TRUE(expected.count(name)) << "add " << name << " to this test";
    const Trace t = read_scalesim_topology(entry.path().string(), true);
    EXPECT_EQ(t.layers.size(), expected.at(name)) << name;
    for (const Layer& l : t.layers) EXPECT_EQ(l.op, Op::gemm);
    ++files;
  }
  EXPECT_EQ(files, expected.size());
}

TEST(ScaleSimTopology, Resnet50Shapes) {
  const std::string path = kData + "/conv_nets/Resnet50.csv";
  const Trace t = read_scalesim_topology(path, false);
  EXPECT_EQ(t.name, "Resnet50");
  EXPECT_EQ(t.file, path);
  // Line 2 is a row of only commas; Conv1 also carries the extra Eh, Ew, e2 columns.
  const Layer& conv1 = t.layers.front();
  EXPECT_EQ(conv1.name, "Conv1");
  EXPECT_EQ(conv1.line, 3);
  const ConvShape& s = conv1.shape;
  EXPECT_EQ(s.batch, 1);
  EXPECT_EQ(s.in_h, 224);
  EXPECT_EQ(s.in_w, 224);
  EXPECT_EQ(s.filter_h, 7);
  EXPECT_EQ(s.filter_w, 7);
  EXPECT_EQ(s.channels, 3);
  EXPECT_EQ(s.filters, 64);
  EXPECT_EQ(s.stride_h, 2);
  EXPECT_EQ(s.stride_w, 2);
  EXPECT_EQ(s.pad_h, 0);
  EXPECT_EQ(s.pad_w, 0);
  // ceil((224 - 7 + 2) / 2) = ceil(109.5) = 110; the file's own Eh/Ew columns say 110 too.
  EXPECT_EQ(s.out_h, 110);
  EXPECT_EQ(s.out_w, 110);
  EXPECT_EQ(conv1.gemm(), (GemmExtents{12100, 64, 147}));

  // 1x1 stride 2 on 56: ceil((56 - 1 + 2) / 2) = ceil(28.5) = 29 (floor convention: 28).
  const Layer& cb3a = find_layer(t, "CB3a_1");
  EXPECT_EQ(cb3a.shape.out_h, 29);
  EXPECT_EQ(cb3a.shape.out_w, 29);
  // 3x3 stride 1 on 28 without padding: 26.
  EXPECT_EQ(find_layer(t, "IB3b_2").shape.out_h, 26);
  // The fully connected layer: 1x1 input, 2048 channels, 1000 filters.
  EXPECT_EQ(t.layers.back().name, "FC6");
  EXPECT_EQ(t.layers.back().gemm(), (GemmExtents{1, 1000, 2048}));
}

TEST(ScaleSimTopology, OtherConvShapes) {
  // alexnet.csv pads fields with spaces. Conv1: ceil((224 - 11 + 4) / 4) = ceil(54.25) = 55.
  const Trace alex = read_scalesim_topology(kData + "/conv_nets/alexnet.csv", false);
  EXPECT_EQ(alex.layers[0].name, "Conv1");
  EXPECT_EQ(alex.layers[0].shape.out_h, 55);
  EXPECT_EQ(alex.layers[0].gemm(), (GemmExtents{3025, 96, 363}));
  // Conv2: 27 - 5 + 1 = 23.
  EXPECT_EQ(alex.layers[1].shape.out_w, 23);

  // mobilenet Conv4: 3x3 stride 2 on 112: ceil((112 - 3 + 2) / 2) = ceil(55.5) = 56.
  const Trace mobile = read_scalesim_topology(kData + "/conv_nets/mobilenet.csv", false);
  const Layer& c4 = find_layer(mobile, "Conv4");
  EXPECT_EQ(c4.shape.out_h, 56);
  EXPECT_EQ(c4.shape.channels, 64);
  EXPECT_EQ(c4.shape.filters, 1);

  // Googlenet.csv has a blank line 2: the first layer is on line 3.
  const Trace goog = read_scalesim_topology(kData + "/conv_nets/Googlenet.csv", false);
  EXPECT_EQ(goog.layers[0].line, 3);
  // UNet_2d.csv starts with a UTF-8 byte order mark.
  const Trace unet = read_scalesim_topology(kData + "/conv_nets/UNet_2d.csv", false);
  EXPECT_EQ(unet.layers[0].name, "Conv1a");
  EXPECT_EQ(unet.layers[0].shape.out_h, 2046);
  // mobilnet_4k.csv has '#dw' notes after the trailing comma.
  const Trace m4k = read_scalesim_topology(kData + "/conv_nets/mobilnet_4k.csv", false);
  EXPECT_EQ(find_layer(m4k, "Conv2_dw").shape.in_w, 2048);
}

TEST(ScaleSimTopology, GemmShapes) {
  // gpt2.csv has CRLF line ends.
  const Trace t = read_scalesim_topology(kData + "/GEMM_mnk/gpt2.csv", true);
  EXPECT_EQ(t.name, "gpt2");
  const Layer& qkt = t.layers[0];
  EXPECT_EQ(qkt.name, "QKT");
  EXPECT_EQ(qkt.line, 2);
  EXPECT_EQ(qkt.gemm(), (GemmExtents{1024, 1024, 64}));
  // Stored in conv form: batch 1, input [m, 1], channels k, filters n, filter 1x1.
  EXPECT_EQ(qkt.shape.batch, 1);
  EXPECT_EQ(qkt.shape.in_h, 1024);
  EXPECT_EQ(qkt.shape.out_h, 1024);
  EXPECT_EQ(qkt.shape.in_w, 1);
  EXPECT_EQ(qkt.shape.out_w, 1);
  EXPECT_EQ(qkt.shape.channels, 64);
  EXPECT_EQ(qkt.shape.filters, 1024);
  EXPECT_EQ(qkt.shape.filter_h, 1);
  EXPECT_EQ(qkt.shape.filter_w, 1);
  EXPECT_EQ(find_layer(t, "Linear1").gemm(), (GemmExtents{1024, 4800, 1600}));

  // Spaces in names and fields, no newline at the end of the file.
  const Trace one = read_scalesim_topology(kData + "/GEMM_mnk/test_mnk_input.csv", true);
  EXPECT_EQ(one.layers[0].name, "Test 1");
  EXPECT_EQ(one.layers[0].gemm(), (GemmExtents{128, 64, 256}));
  // NCF.csv names its layers 1, 2, 3...
  const Trace ncf = read_scalesim_topology(kData + "/GEMM_mnk/NCF.csv", true);
  EXPECT_EQ(ncf.layers[0].name, "1");
  EXPECT_EQ(ncf.layers[0].gemm(), (GemmExtents{256, 128, 2048}));
}

TEST(ScaleSimTopology, TabSeparatedAndOverhangingWindow) {
  TempDir dir;
  // 10 wide, filter 3, stride 4: ceil((10 - 3 + 4) / 4) = ceil(2.75) = 3 (floor convention: 2).
  const std::string p =
      dir.write("tabs.csv",
                "Layer name\tIFMAP Height\tIFMAP Width\tFilter Height\tFilter "
                "Width\tChannels\tNum Filter\tStrides\t\nL\t10\t10\t3\t3\t2\t4\t4\t\n");
  const Trace t = read_scalesim_topology(p, false);
  ASSERT_EQ(t.layers.size(), 1u);
  EXPECT_EQ(t.layers[0].shape.out_h, 3);
  EXPECT_EQ(t.layers[0].shape.channels, 2);
  EXPECT_EQ(t.name, "tabs");
}

// ---- Bad topologies --------------------------------------------------------------------------

const char* kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";

TEST(ScaleSimTopologyErrors, NonNumericField) {
  TempDir dir;
  const std::string p =
      dir.write("bad.csv", std::string(kConvHeader) + "C1, 224, abc, 3, 3, 3, 4, 1,\n");
  expect_input_error([&] { (void)read_scalesim_topology(p, false); }, p, 2, "IFMAP Width");
  const std::string q =
      dir.write("frac.csv", std::string(kConvHeader) + "C1, 224, 224, 3.5, 3, 3, 4, 1,\n");
  expect_input_error([&] { (void)read_scalesim_topology(q, false); }, q, 2, "Filter Height");
  const std::string g = dir.write("g.csv", "Layer, M, N, K,\nA, 4, x, 8,\n");
  expect_input_error([&] { (void)read_scalesim_topology(g, true); }, g, 2, "N");
}

TEST(ScaleSimTopologyErrors, MissingColumn) {
  TempDir dir;
  const std::string p = dir.write("short.csv", std::string(kConvHeader) + "C1, 8, 8, 3, 3, 3, 4\n");
  expect_input_error([&] { (void)read_scalesim_topology(p, false); }, p, 2, "Strides");
  const std::string e =
      dir.write("empty_field.csv", std::string(kConvHeader) + "C1, 8, , 3, 3, 3, 4, 1,\n");
  expect_input_error([&] { (void)read_scalesim_topology(e, false); }, e, 2, "IFMAP Width");
  const std::string n =
      dir.write("no_name.csv", std::string(kConvHeader) + " , 8, 8, 3, 3, 3, 4, 1,\n");
  expect_input_error([&] { (void)read_scalesim_topology(n, false); }, n, 2, "Layer name");
  // A header with too few columns: a GEMM file read as a convolution topology.
  const std::string h = dir.write("gemm.csv", "Layer, M, N, K,\nA, 4, 4, 8,\n");
  expect_input_error([&] { (void)read_scalesim_topology(h, false); }, h, 1, "Filter Width");
}

TEST(ScaleSimTopologyErrors, ZeroOrNegative) {
  TempDir dir;
  const std::string p =
      dir.write("zero.csv",
                std::string(kConvHeader) + "C1, 8, 8, 3, 3, 3, 4, 1,\nC2, 8, 8, 3, 3, 3, 4, 0,\n");
  expect_input_error([&] { (void)read_scalesim_topology(p, false); }, p, 3, "Strides");
  const std::string g = dir.write("neg.csv", "Layer, M, N, K,\nA, -4, 4, 8,\n");
  expect_input_error([&] { (void)read_scalesim_topology(g, true); }, g, 2, "M");
}

// Found by fuzzing: a huge stride makes the input window of a two-pixel tile span ~2^60 elements,
// which overflowed int64 in the footprint bound (caught by UBSan). It must be a plain input error.
TEST(ScaleSimMappingErrors, HugeStrideDoesNotOverflowTheFootprint) {
  TempDir dir;
  const std::string p = dir.write(
      "stride.csv", std::string(kConvHeader) + "Conv1, 2160, 96, 3, 3, 3, 32, 888888882,\n");
  Trace trace = read_scalesim_topology(p, false);
  ASSERT_EQ(trace.layers.at(0).shape.out_h, 2);
  expect_input_error([&] { add_scalesim_mappings(trace, ScaleSimConfig{}); }, p, 2,
                     "IfmapSramSzkB");
}

TEST(ScaleSimTopologyErrors, FilterLargerThanIfmap) {
  TempDir dir;
  const std::string p =
      dir.write("big.csv", std::string(kConvHeader) + "C1, 5, 5, 7, 3, 3, 4, 1,\n");
  expect_input_error([&] { (void)read_scalesim_topology(p, false); }, p, 2, "Filter Height");
  const std::string q =
      dir.write("wide.csv", std::string(kConvHeader) + "C1, 5, 5, 3, 6, 3, 4, 1,\n");
  expect_input_error([&] { (void)read_scalesim_topology(q, false); }, q, 2, "Filter Width");
}

TEST(ScaleSimTopologyErrors, EmptyAndMissingFiles) {
  TempDir dir;
  const std::string empty = dir.write("empty.csv", "");
  expect_input_error([&] { (void)read_scalesim_topology(empty, false); }, empty, 1, "Layer name");
  const std::string header = dir.write("header.csv", std::string(kConvHeader) + ",,,,,,,,\n\n");
  expect_input_error([&] { (void)read_scalesim_topology(header, false); }, header, 3, "Layer name");
  // A missing file has no line: the message names the file and the field only.
  const std::string missing = dir.write("x", "") + "_does_not_exist.csv";
  expect_input_error([&] { (void)read_scalesim_topology(missing, true); }, missing, 0, "topology");
}

TEST(ScaleSimTopology, RepeatedNamesGetTheFirstFreeSuffix) {
  TempDir dir;
  // The third A cannot become A_2: the file has its own A_2 further down.
  const std::string p =
      dir.write("dup.csv", "Layer,M,N,K,\nA,1,2,3,\nA,1,2,3,\nA,4,5,6,\nA_2,7,8,9,\n");
  std::vector<std::string> renamed;
  const Trace t = read_scalesim_topology(p, true, &renamed);
  ASSERT_EQ(t.layers.size(), 4u);
  EXPECT_EQ(t.layers[0].name, "A");
  EXPECT_EQ(t.layers[1].name, "A_3");
  EXPECT_EQ(t.layers[2].name, "A_4");
  EXPECT_EQ(t.layers[3].name, "A_2");
  EXPECT_EQ(t.layers[2].shape.filters, 5);
  EXPECT_EQ(renamed, (std::vector<std::string>{"line 3: 'A' -> 'A_3'", "line 4: 'A' -> 'A_4'"}));
}

// ---- Configs ---------------------------------------------------------------------------------

TEST(ScaleSimConfigTest, ReadsTheShippedPresets) {
  const ScaleSimConfig scale = read_scalesim_config(kData + "/configs/scale.cfg");
  EXPECT_EQ(scale.run_name, "scale_example_run_32x32_os");
  EXPECT_EQ(scale.array_height, 32);
  EXPECT_EQ(scale.array_width, 32);
  EXPECT_EQ(scale.ifmap_sram_kb, 64);
  EXPECT_EQ(scale.filter_sram_kb, 64);
  EXPECT_EQ(scale.ofmap_sram_kb, 64);
  EXPECT_EQ(scale.dataflow, Dataflow::os);
  EXPECT_EQ(scale.bandwidth_words, std::vector<int64_t>{10});
  EXPECT_EQ(scale.ignored_keys,
            (std::vector<std::string>{"IfmapOffset", "FilterOffset", "OfmapOffset", "MemoryBanks",
                                      "InterfaceBandwidth"}));

  // The defaults are scale.cfg's.
  const ScaleSimConfig def;
  EXPECT_EQ(def.array_height, scale.array_height);
  EXPECT_EQ(def.array_width, scale.array_width);
  EXPECT_EQ(def.buffer_kib(), scale.buffer_kib());
  EXPECT_EQ(def.dataflow, scale.dataflow);
  EXPECT_EQ(def.bandwidth_words, scale.bandwidth_words);

  const ScaleSimConfig google = read_scalesim_config(kData + "/configs/google.cfg");
  EXPECT_EQ(google.array_height, 256);
  EXPECT_EQ(google.array_width, 256);
  EXPECT_EQ(google.buffer_kib(), 6144 + 6144 + 2048);
  EXPECT_EQ(google.dataflow, Dataflow::ws);

  const ScaleSimConfig eyeriss = read_scalesim_config(kData + "/configs/eyeriss.cfg");
  EXPECT_EQ(eyeriss.array_height, 12);
  EXPECT_EQ(eyeriss.array_width, 14);
  EXPECT_EQ(eyeriss.buffer_kib(), 108);
  EXPECT_EQ(eyeriss.dataflow, Dataflow::ws);
}

TEST(ScaleSimConfigTest, SyntaxVariants) {
  TempDir dir;
  const std::string p = dir.write("v.cfg",
                                  "; comment\n[general]\nrun_name = my run\n\n"
                                  "[architecture_presets]\narrayheight = 8\n  ArrayWidth:4  \n"
                                  "IfmapSramSzkB=1\nFilterSramSzkB : 2\nOfmapSramSzkB: 3\n"
                                  "Dataflow = IS\nBandwidth : 10, 20\n"
                                  "[sparsity]\nSparsitySupport : true\n");
  const ScaleSimConfig c = read_scalesim_config(p);
  EXPECT_EQ(c.run_name, "my run");
  EXPECT_EQ(c.array_height, 8);
  EXPECT_EQ(c.array_width, 4);
  EXPECT_EQ(c.buffer_kib(), 6);
  EXPECT_EQ(c.dataflow, Dataflow::is);
  EXPECT_EQ(c.bandwidth_words, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(c.ignored_keys, std::vector<std::string>{"SparsitySupport"});
}

const char* kCfgTail =
    "ArrayWidth: 32\nIfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\nDataflow: os\n";

TEST(ScaleSimConfigErrors, MissingArrayHeight) {
  TempDir dir;
  const std::string p =
      dir.write("no_height.cfg",
                std::string("[general]\nrun_name = x\n\n[architecture_presets]\n") + kCfgTail);
  expect_input_error([&] { (void)read_scalesim_config(p); }, p, 4, "ArrayHeight");
}

TEST(ScaleSimConfigErrors, BadValues) {
  TempDir dir;
  const std::string df =
      dir.write("df.cfg", std::string("[architecture_presets]\nArrayHeight: 8\n") + kCfgTail +
                              "Dataflow: rs\n");
  // Dataflow appears twice: the repeat is reported first.
  expect_input_error([&] { (void)read_scalesim_config(df); }, df, 8, "Dataflow");
  const std::string bad_df = dir.write("df2.cfg", "[architecture_presets]\nDataflow: rs\n");
  expect_input_error([&] { (void)read_scalesim_config(bad_df); }, bad_df, 2, "Dataflow");
  const std::string width = dir.write("w.cfg", "[architecture_presets]\nArrayWidth: 3x\n");
  expect_input_error([&] { (void)read_scalesim_config(width); }, width, 2, "ArrayWidth");
  const std::string zero = dir.write("z.cfg", "[architecture_presets]\nOfmapSramSzkB: 0\n");
  expect_input_error([&] { (void)read_scalesim_config(zero); }, zero, 2, "OfmapSramSzkB");
  const std::string bw = dir.write("bw.cfg", "[architecture_presets]\nBandwidth: 10,\n");
  expect_input_error([&] { (void)read_scalesim_config(bw); }, bw, 2, "Bandwidth");
  const std::string orphan = dir.write("o.cfg", "ArrayHeight: 8\n");
  expect_input_error([&] { (void)read_scalesim_config(orphan); }, orphan, 1, "ArrayHeight");
  const std::string missing = dir.write("x", "") + "_missing.cfg";
  expect_input_error([&] { (void)read_scalesim_config(missing); }, missing, 0, "cfg");
}

// ---- Architecture ----------------------------------------------------------------------------

TEST(ScaleSimArch, ExactNodesAndValues) {
  const ScaleSimConfig cfg = read_scalesim_config(kData + "/configs/eyeriss.cfg");
  const std::string text = scalesim_arch_yaml(cfg);
  const YAML::Node y = YAML::Load(text);
  const std::map<std::string, std::set<std::string>> keys = {
      {"system", {"clock_mhz"}},
      {"controller", {"impl"}},
      {"pe_array", {"impl", "rows", "cols", "dataflow", "timing"}},
      {"buffer", {"impl", "capacity_kib", "banks", "bank_width_bytes", "double_buffered"}},
      {"sparse", {"impl"}},
      {"dram", {"impl", "bandwidth_gbps", "latency_ns"}},
      {"crypto", {"impl"}}};
  ASSERT_EQ(y.size(), keys.size());
  for (const auto& node : y) {
    const auto name = node.first.as<std::string>();
    ASSERT_TRUE(keys.count(name)) << name;
    std::set<std::string> got;
    for (const auto& kv : node.second) got.insert(kv.first.as<std::string>());
    EXPECT_EQ(got, keys.at(name)) << name;
  }
  EXPECT_EQ(y["system"]["clock_mhz"].as<int>(), 1000);
  EXPECT_EQ(y["controller"]["impl"].as<std::string>(), "tiled");
  EXPECT_EQ(y["pe_array"]["impl"].as<std::string>(), "systolic");
  EXPECT_EQ(y["pe_array"]["rows"].as<int>(), 12);
  EXPECT_EQ(y["pe_array"]["cols"].as<int>(), 14);
  EXPECT_EQ(y["pe_array"]["dataflow"].as<std::string>(), "ws");
  EXPECT_EQ(y["pe_array"]["timing"].as<std::string>(), "scalesim");
  EXPECT_EQ(y["buffer"]["impl"].as<std::string>(), "buffet");
  EXPECT_EQ(y["buffer"]["capacity_kib"].as<int>(), 108);
  EXPECT_EQ(y["buffer"]["banks"].as<int>(), 1);
  EXPECT_EQ(y["buffer"]["bank_width_bytes"].as<int>(), 2 * (12 + 14));
  EXPECT_TRUE(y["buffer"]["double_buffered"].as<bool>());
  EXPECT_EQ(y["sparse"]["impl"].as<std::string>(), "dense");
  EXPECT_EQ(y["dram"]["impl"].as<std::string>(), "ideal");
  EXPECT_EQ(y["dram"]["bandwidth_gbps"].as<double>(), 0);
  EXPECT_EQ(y["dram"]["latency_ns"].as<double>(), 0);
  EXPECT_EQ(y["crypto"]["impl"].as<std::string>(), "none");
  EXPECT_NE(text.find("10 words/cycle"), std::string::npos);
  EXPECT_NE(text.find("eyeriss.cfg"), std::string::npos);
}

// ---- Mappings --------------------------------------------------------------------------------

ScaleSimConfig config_32x32(Dataflow df) {
  ScaleSimConfig cfg;  // scale.cfg: 32x32, 3 x 64 kB
  cfg.dataflow = df;
  return cfg;
}

TEST(ScaleSimMapping, GemmTilesByHand) {
  Trace t = read_scalesim_topology(kData + "/GEMM_mnk/gpt2.csv", true);
  // Budget: 40% of 192 KiB = 196608 * 2 / 5 = 78643 bytes at 8 bits.
  // os, Linear1 (m 1024, n 4800, k 1600): rows m 32, cols n 32, T = k:
  //   32 k + 32 k + 32 * 32 <= 78643  ->  k <= 1212.8  ->  1212.
  add_scalesim_mappings(t, config_32x32(Dataflow::os));
  const Layer& lin = find_layer(t, "Linear1");
  EXPECT_EQ(*lin.mapping.buffer_tile, (GemmExtents{32, 32, 1212}));
  EXPECT_EQ(*lin.mapping.loop_order, (LoopOrder{GemmDim::n, GemmDim::m, GemmDim::k}));
  EXPECT_EQ(*lin.mapping.dataflow, Dataflow::os);
  // QKT's k is 64: the whole reduction in one chunk.
  EXPECT_EQ(*find_layer(t, "QKT").mapping.buffer_tile, (GemmExtents{32, 32, 64}));

  // ws: rows k 32, cols n 32, T = m: 32 m + 1024 + 32 m fits up to 1212 > 1024 -> all of m.
  add_scalesim_mappings(t, config_32x32(Dataflow::ws));
  EXPECT_EQ(*lin.mapping.buffer_tile, (GemmExtents{1024, 32, 32}));
  EXPECT_EQ(*lin.mapping.loop_order, (LoopOrder{GemmDim::n, GemmDim::k, GemmDim::m}));
  // is: rows k 32, cols m 32, T = n (4800): 1212.
  add_scalesim_mappings(t, config_32x32(Dataflow::is));
  EXPECT_EQ(*lin.mapping.buffer_tile, (GemmExtents{32, 1212, 32}));
  EXPECT_EQ(*lin.mapping.loop_order, (LoopOrder{GemmDim::m, GemmDim::k, GemmDim::n}));
  EXPECT_EQ(*lin.mapping.dataflow, Dataflow::is);
}

TEST(ScaleSimMapping, SpatialDimsAreArraySizedAndTIsInnermost) {
  for (Dataflow df : {Dataflow::os, Dataflow::ws, Dataflow::is}) {
    for (const char* file : {"conv_nets/Resnet50.csv", "conv_nets/mobilenet.csv"}) {
      Trace t = read_scalesim_topology(kData + "/" + file, false);
      ScaleSimConfig cfg = config_32x32(df);
      cfg.array_height = 16;  // rows and cols differ, so a swap would show
      add_scalesim_mappings(t, cfg);
      for (const Layer& l : t.layers) {
        const GemmExtents e = l.gemm();
        const GemmExtents& tile = *l.mapping.buffer_tile;
        const LoopOrder& order = *l.mapping.loop_order;
        const auto r = static_cast<size_t>(order[1]), c = static_cast<size_t>(order[0]),
                   inner = static_cast<size_t>(order[2]);
        EXPECT_EQ(tile[r], std::min<int64_t>(e[r], 16)) << l.name;
        EXPECT_EQ(tile[c], std::min<int64_t>(e[c], 32)) << l.name;
        EXPECT_GE(tile[inner], 1);
        EXPECT_LE(tile[inner], e[inner]);
        EXPECT_EQ(*l.mapping.dataflow, df);
        // T is the dim SCALE-Sim streams: k for os, m for ws, n for is.
        const GemmDim expected_t =
            df == Dataflow::os ? GemmDim::k : (df == Dataflow::ws ? GemmDim::m : GemmDim::n);
        EXPECT_EQ(order[2], expected_t);
      }
    }
  }
}

TEST(ScaleSimMapping, TooSmallBufferIsAnError) {
  Trace t = read_scalesim_topology(kData + "/GEMM_mnk/gpt2.csv", true);
  TempDir dir;
  const std::string p =
      dir.write("tiny.cfg",
                "[architecture_presets]\nArrayHeight: 256\nArrayWidth: 256\nIfmapSramSzkB: 1\n"
                "FilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: os\n");
  const ScaleSimConfig cfg = read_scalesim_config(p);
  expect_input_error([&] { add_scalesim_mappings(t, cfg); }, p, 0, "IfmapSramSzkB");
}

// The simulator's own tiler accepts every imported mapping: in range, and the largest tile
// footprint fits one buffer slot. Real topologies, on SCALE-Sim's three presets and every dataflow.
TEST(ScaleSimMapping, SimulatorAcceptsImportedMappings) {
  const char* topologies[][2] = {{"conv_nets/Resnet50.csv", "c"},  {"conv_nets/alexnet.csv", "c"},
                                 {"conv_nets/mobilenet.csv", "c"}, {"conv_nets/Googlenet.csv", "c"},
                                 {"conv_nets/yolo_tiny.csv", "c"}, {"GEMM_mnk/gpt2.csv", "g"},
                                 {"GEMM_mnk/gnmt.csv", "g"},       {"GEMM_mnk/NCF.csv", "g"}};
  for (const char* preset : {"scale.cfg", "google.cfg", "eyeriss.cfg"}) {
    ScaleSimConfig cfg = read_scalesim_config(kData + "/configs/" + preset);
    for (Dataflow df : {Dataflow::os, Dataflow::ws, Dataflow::is}) {
      cfg.dataflow = df;
      ArchitectureFacts facts;
      facts.array = {cfg.array_height, cfg.array_width};
      facts.dataflow = df;
      facts.buffer_capacity_bytes = cfg.buffer_kib() * 1024;
      facts.double_buffered = true;
      for (const auto& topo : topologies) {
        Trace t = read_scalesim_topology(kData + "/" + topo[0], topo[1][0] == 'g');
        add_scalesim_mappings(t, cfg);
        for (const Layer& l : t.layers) {
          SCOPED_TRACE(std::string(preset) + " " + to_string(df) + " " + topo[0] + " " + l.name);
          const TilePlan plan = plan_layer(l, facts, t.file);
          EXPECT_EQ(plan.tile, *l.mapping.buffer_tile);
          EXPECT_EQ(plan.order, *l.mapping.loop_order);
          EXPECT_EQ(plan.dataflow, df);
        }
      }
    }
  }
}

// ---- Writer ----------------------------------------------------------------------------------

// A 100 x 20 GEMM (k = 30) with every mapping field set.
Layer mapped_gemm(const std::string& name) {
  Layer gemm;
  gemm.name = name;
  gemm.op = Op::gemm;
  gemm.shape.in_h = gemm.shape.out_h = 100;
  gemm.shape.channels = 30;
  gemm.shape.filters = 20;
  gemm.mapping.buffer_tile = GemmExtents{10, 20, 30};
  gemm.mapping.loop_order = LoopOrder{GemmDim::k, GemmDim::m, GemmDim::n};
  gemm.mapping.dataflow = Dataflow::is;
  return gemm;
}

TEST(TraceWriter, ConvGemmAndMapping) {
  Trace t;
  t.name = "demo";
  Layer conv;
  conv.name = "1";  // would read back as a number unquoted
  conv.shape = {2, 9, 10, 3, 8, 3, 3, 2, 1, 1, 1, 5, 10};
  conv.precision_bits = 16;
  const Layer gemm = mapped_gemm("G: x");
  t.layers = {conv, gemm};

  const std::string text = write_trace_yaml(t, "first\nsecond");
  EXPECT_EQ(text, write_trace_yaml(t, "first\nsecond"));
  EXPECT_EQ(text.rfind("# ", 0), 0u);
  EXPECT_NE(text.find("\n# first\n# second\n"), std::string::npos);
  EXPECT_NE(text.find("input: [9, 10]"), std::string::npos) << text;

  const YAML::Node y = YAML::Load(text);
  EXPECT_EQ(y["tessera_trace"].as<int>(), 1);
  EXPECT_EQ(y["name"].as<std::string>(), "demo");
  ASSERT_EQ(y["layers"].size(), 2u);
  const YAML::Node c = y["layers"][0];
  EXPECT_EQ(c["name"].as<std::string>(), "1");
  EXPECT_EQ(c["name"].Tag(), "!");  // quoted, so a typed reader keeps it a string
  EXPECT_EQ(c["op"].as<std::string>(), "conv");
  EXPECT_EQ(c["batch"].as<int>(), 2);
  EXPECT_EQ(c["channels"].as<int>(), 3);
  EXPECT_EQ(c["filters"].as<int>(), 8);
  EXPECT_EQ(c["filter"][0].as<int>(), 3);
  EXPECT_EQ(c["stride"][0].as<int>(), 2);  // [2, 1]: a pair when they differ
  EXPECT_EQ(c["stride"][1].as<int>(), 1);
  EXPECT_EQ(c["padding"].as<int>(), 1);  // one number when they agree
  EXPECT_EQ(c["output"][0].as<int>(), 5);
  EXPECT_EQ(c["output"][1].as<int>(), 10);
  EXPECT_EQ(c["precision"].as<int>(), 16);
  EXPECT_FALSE(c["mapping"]);

  const YAML::Node g = y["layers"][1];
  EXPECT_EQ(g["name"].as<std::string>(), "G: x");
  EXPECT_EQ(g["op"].as<std::string>(), "gemm");
  EXPECT_EQ(g["m"].as<int>(), 100);
  EXPECT_EQ(g["n"].as<int>(), 20);
  EXPECT_EQ(g["k"].as<int>(), 30);
  EXPECT_FALSE(g["input"]);
  EXPECT_FALSE(g["channels"]);
  EXPECT_EQ(g["mapping"]["dataflow"].as<std::string>(), "is");
  EXPECT_EQ(g["mapping"]["buffer_tile"]["m"].as<int>(), 10);
  EXPECT_EQ(g["mapping"]["buffer_tile"]["n"].as<int>(), 20);
  EXPECT_EQ(g["mapping"]["buffer_tile"]["k"].as<int>(), 30);
  EXPECT_EQ(g["mapping"]["loop_order"][0].as<std::string>(), "k");
  EXPECT_EQ(g["mapping"]["loop_order"][2].as<std::string>(), "n");
}

TEST(ScaleSimImportTest, WholeImport) {
  const ScaleSimImport out =
      import_scalesim(kData + "/conv_nets/alexnet.csv", kData + "/configs/scale.cfg", false);
  EXPECT_EQ(out.ignored_keys.size(), 5u);
  const YAML::Node y = YAML::Load(out.trace_yaml);
  EXPECT_EQ(y["name"].as<std::string>(), "alexnet");
  ASSERT_EQ(y["layers"].size(), 5u);
  EXPECT_EQ(y["layers"][0]["output"][0].as<int>(), 55);
  EXPECT_EQ(y["layers"][0]["mapping"]["dataflow"].as<std::string>(), "os");
  EXPECT_EQ(YAML::Load(out.arch_yaml)["pe_array"]["rows"].as<int>(), 32);

  const ScaleSimImport def = import_scalesim(kData + "/GEMM_mnk/gpt2.csv", std::nullopt, true);
  EXPECT_TRUE(def.ignored_keys.empty());
  EXPECT_EQ(YAML::Load(def.trace_yaml)["layers"][0]["m"].as<int>(), 1024);
  EXPECT_EQ(YAML::Load(def.arch_yaml)["buffer"]["capacity_kib"].as<int>(), 192);
}

// ---- Round trips through the trace reader --------------------------------------------------

void expect_same_layers(const Trace& a, const Trace& b) {
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const Layer& x = a.layers[i];
    const Layer& y = b.layers[i];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.op, y.op);
    EXPECT_EQ(x.gemm(), y.gemm());
    EXPECT_EQ(x.precision_bits, y.precision_bits);
    const ConvShape &s = x.shape, &u = y.shape;
    EXPECT_EQ(std::vector<int64_t>({s.batch, s.in_h, s.in_w, s.channels, s.filters, s.filter_h,
                                    s.filter_w, s.stride_h, s.stride_w, s.pad_h, s.pad_w, s.out_h,
                                    s.out_w}),
              std::vector<int64_t>({u.batch, u.in_h, u.in_w, u.channels, u.filters, u.filter_h,
                                    u.filter_w, u.stride_h, u.stride_w, u.pad_h, u.pad_w, u.out_h,
                                    u.out_w}));
    EXPECT_EQ(x.mapping.buffer_tile, y.mapping.buffer_tile);
    EXPECT_EQ(x.mapping.loop_order, y.mapping.loop_order);
    EXPECT_EQ(x.mapping.dataflow, y.mapping.dataflow);
  }
}

TEST(RoundTrip, WriterOutputReadsBackUnchanged) {
  Trace t;
  t.name = "round trip";
  Layer conv;
  conv.name = "conv";
  conv.shape = {2, 9, 10, 3, 8, 3, 3, 2, 1, 1, 0, 5, 8};
  conv.precision_bits = 16;
  const Layer gemm = mapped_gemm("7");
  t.layers = {conv, gemm};
  const std::string text = write_trace_yaml(t, "a comment");
  const Trace back = parse_trace(text, "roundtrip.yaml");
  EXPECT_EQ(back.name, t.name);
  expect_same_layers(t, back);
  EXPECT_EQ(write_trace_yaml(back, "a comment"), text);
}

TEST(RoundTrip, ImportedTracesReadBackWithTheirMappings) {
  for (const char* preset : {"scale.cfg", "eyeriss.cfg"}) {
    const std::string cfg_path = kData + "/configs/" + preset;
    for (const auto& [topology, gemm] :
         {std::pair{"conv_nets/Resnet50.csv", false}, std::pair{"GEMM_mnk/gpt2.csv", true}}) {
      const ScaleSimImport imported = import_scalesim(kData + "/" + topology, cfg_path, gemm);
      Trace expected = read_scalesim_topology(kData + "/" + topology, gemm);
      add_scalesim_mappings(expected, read_scalesim_config(cfg_path));
      const Trace back = parse_trace(imported.trace_yaml, "imported.yaml");
      EXPECT_EQ(back.name, expected.name);
      expect_same_layers(expected, back);
    }
  }
}

TEST(RoundTrip, SamplesReadBack) {
  const std::pair<const char*, const char*> samples[] = {{"resnet50", "conv_nets/Resnet50.csv"},
                                                         {"alexnet", "conv_nets/alexnet.csv"},
                                                         {"mobilenet", "conv_nets/mobilenet.csv"},
                                                         {"gpt2_block", "GEMM_mnk/gpt2.csv"}};
  for (const auto& [name, topology] : samples) {
    const Trace sample =
        read_trace_file(std::string(TESSERA_SOURCE_DIR) + "/traces/samples/" + name + ".yaml");
    EXPECT_EQ(sample.name, name);
    const Trace source =
        read_scalesim_topology(kData + "/" + topology, std::string(name) == "gpt2_block");
    expect_same_layers(source, sample);
  }
}

// ---- Samples ---------------------------------------------------------------------------------

std::string without_comments(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) != 0) out += line + "\n";
  }
  return out;
}

// traces/samples must be what scripts/make_samples.sh writes (comments aside).
TEST(Samples, MatchTheirTopologies) {
  const struct {
    const char* name;
    const char* topology;
    bool gemm;
  } samples[] = {{"resnet50", "conv_nets/Resnet50.csv", false},
                 {"alexnet", "conv_nets/alexnet.csv", false},
                 {"mobilenet", "conv_nets/mobilenet.csv", false},
                 {"gpt2_block", "GEMM_mnk/gpt2.csv", true}};
  for (const auto& s : samples) {
    Trace t = read_scalesim_topology(kData + "/" + s.topology, s.gemm);
    t.name = s.name;
    std::ifstream in(std::string(TESSERA_SOURCE_DIR) + "/traces/samples/" + s.name + ".yaml");
    ASSERT_TRUE(in) << s.name;
    std::stringstream committed;
    committed << in.rdbuf();
    EXPECT_EQ(without_comments(committed.str()), without_comments(write_trace_yaml(t)))
        << s.name << ": run scripts/make_samples.sh";
  }
}

}  // namespace
}  // namespace tessera
