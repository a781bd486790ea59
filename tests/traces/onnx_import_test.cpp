// `tessera import onnx` on the fixture models of tests/data/onnx (exported from PyTorch by
// scripts/export_onnx.py, weights stripped): every conv and GEMM layer's MACs equal the count the
// export script made with forward hooks on the PyTorch modules, in order, and the totals are the
// published ones; MobileNetV2's depthwise layers are depthwise; every model runs on the default
// architecture. Bad models are one located error, exit 2, and no trace.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/program.h"
#include "traces/trace_reader.h"

namespace {

using tessera::test::quote;
using tessera::test::read_file;
using tessera::test::run;
using tessera::test::TempDir;

using tessera::test::kBinary;
const std::string kData = std::string(TESSERA_SOURCE_DIR) + "/tests/data/onnx";

// The MACs column of MODEL.macs.csv, in call order.
std::vector<int64_t> hook_macs(const std::string& model) {
  std::istringstream in(read_file(kData + "/" + model + ".macs.csv"));
  std::vector<int64_t> macs;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) macs.push_back(std::stoll(line.substr(line.rfind(',') + 1)));
  return macs;
}

tessera::Trace import(const TempDir& dir, const std::string& model) {
  std::string out;
  const std::string cmd = kBinary + " import onnx " + quote(kData + "/" + model + ".onnx") +
                          " -o " + quote(dir.path() + "/" + model);
  EXPECT_EQ(run(cmd, out), 0) << cmd << "\n" << out;
  return tessera::read_trace_file(dir.path() + "/" + model + "/trace.yaml");
}

// The conv and GEMM layers' MACs in trace order.
std::vector<int64_t> array_macs(const tessera::Trace& t) {
  std::vector<int64_t> macs;
  for (const auto& l : t.layers) {
    if (!l.vector) macs.push_back(l.macs());
  }
  return macs;
}

int64_t sum(const std::vector<int64_t>& v) {
  int64_t s = 0;
  for (int64_t x : v) s += x;
  return s;
}

struct Published {
  const char* model;
  double gmacs;  // as papers and model zoos quote them, at 224x224
  double tolerance;
};

class FixtureModel : public ::testing::TestWithParam<const char*> {};

TEST_P(FixtureModel, MacsEqualTheHookCountsLayerByLayer) {
  TempDir dir;
  const tessera::Trace t = import(dir, GetParam());
  const std::vector<int64_t> want = hook_macs(GetParam());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(array_macs(t), want);
}

TEST_P(FixtureModel, RunsOnTheDefaultArchitecture) {
  TempDir dir;
  const tessera::Trace t = import(dir, GetParam());
  const std::string json = dir.path() + "/run.json";
  std::string out;
  const std::string cmd = kBinary + " run " + quote(dir.path() + "/" + GetParam() + "/trace.yaml") +
                          " -q --json " + quote(json);
  ASSERT_EQ(run(cmd, out), 0) << cmd << "\n" << out;
  const std::string report = read_file(json);
  EXPECT_NE(report.find("\"macs\": " + std::to_string(sum(array_macs(t)))), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Onnx, FixtureModel,
                         ::testing::Values("resnet50", "mobilenet_v2", "efficientnet_b0",
                                           "vit_b_16", "gpt2_block"));

TEST(OnnxImport, TotalsAreThePublishedOnes) {
  // ResNet-50 4.1 GMAC, MobileNetV2 0.30 GMAC (its paper: 300 M multiply-adds), ViT-B/16 17.6
  // GMAC (torchvision's model table: 17.56 GFLOPS, counted as MACs).
  const Published published[] = {
      {"resnet50", 4.1, 0.01}, {"mobilenet_v2", 0.30, 0.01}, {"vit_b_16", 17.6, 0.01}};
  TempDir dir;
  for (const Published& p : published) {
    const double gmacs = static_cast<double>(sum(array_macs(import(dir, p.model)))) / 1e9;
    EXPECT_NEAR(gmacs, p.gmacs, p.gmacs * p.tolerance) << p.model;
  }
}

TEST(OnnxImport, MobileNetV2RunsItsDepthwiseLayersAsDepthwise) {
  TempDir dir;
  int depthwise = 0;
  for (const auto& l : import(dir, "mobilenet_v2").layers) {
    if (l.op == tessera::Op::conv && l.shape.groups > 1) {
      EXPECT_EQ(l.shape.groups, l.shape.channels) << l.name;
      ++depthwise;
    }
  }
  EXPECT_EQ(depthwise, 17);  // one per inverted-residual block
}

TEST(OnnxImport, AttentionProductsAreBatchedOverHeads) {
  TempDir dir;
  int batched = 0;
  for (const auto& l : import(dir, "gpt2_block").layers) {
    if (l.op == tessera::Op::gemm && l.shape.groups > 1) {
      EXPECT_EQ(l.shape.groups, 12) << l.name;  // heads
      ++batched;
    }
  }
  EXPECT_EQ(batched, 2);  // Q K^T and A V
}

TEST(OnnxImport, LayersBetweenTheGemmsRunOnTheVectorUnit) {
  TempDir dir;
  std::map<tessera::Op, int> kinds;
  for (const auto& l : import(dir, "vit_b_16").layers) ++kinds[l.op];
  EXPECT_EQ(kinds[tessera::Op::softmax], 12);
  EXPECT_EQ(kinds[tessera::Op::norm], 25);  // two per encoder layer and the final one
  EXPECT_GT(kinds[tessera::Op::eltwise], 0);
}

// A one-node model: x [N, 4, 8, 8] -> op -> y.
onnx::ModelProto tiny(const std::string& op, int opset, const std::string& batch_dim) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  auto* g = m.mutable_graph();
  g->set_name("tiny");
  auto* x = g->add_input();
  x->set_name("x");
  auto* t = x->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* d0 = t->mutable_shape()->add_dim();
  if (batch_dim.empty()) {
    d0->set_dim_value(1);
  } else {
    d0->set_dim_param(batch_dim);
  }
  for (int d : {4, 8, 8}) t->mutable_shape()->add_dim()->set_dim_value(d);
  auto* n = g->add_node();
  n->set_name("the_node");
  n->set_op_type(op);
  n->add_input("x");
  n->add_output("y");
  g->add_output()->set_name("y");
  return m;
}

// x -> Reshape(x, shape) -> Relu, `shape` a graph input whose values nothing knows.
onnx::ModelProto unresolved() {
  onnx::ModelProto m = tiny("Reshape", 17, "");
  auto* g = m.mutable_graph();
  auto* s = g->add_input();
  s->set_name("shape");
  auto* t = s->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::INT64);
  t->mutable_shape()->add_dim()->set_dim_value(2);
  g->mutable_node(0)->add_input("shape");
  g->mutable_node(0)->set_output(0, "r");
  auto* relu = g->add_node();
  relu->set_name("the_relu");
  relu->set_op_type("Relu");
  relu->add_input("r");
  relu->add_output("y");
  return m;
}

struct BadModel {
  std::string name;
  std::string bytes;
  std::string options;
  std::string message;  // a part of the one error line
};

std::string serialized(const onnx::ModelProto& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

TEST(OnnxImport, BadModelsAreOneLocatedErrorAndNoTrace) {
  const std::string resnet = read_file(kData + "/resnet50.onnx");
  const std::vector<BadModel> cases = {
      {"text.onnx", "tessera_trace: 1\nlayers: []\n", "", "text.onnx: not an ONNX model"},
      {"truncated.onnx", resnet.substr(0, resnet.size() / 2), "",
       "truncated.onnx: not an ONNX model, or a truncated one"},
      {"opset.onnx", serialized(tiny("Relu", 99, "")), "",
       "opset.onnx: field 'opset_import': operator set 99 is not supported"},
      {"dynamic.onnx", serialized(tiny("Relu", 17, "N")), "",
       "dynamic.onnx: field 'input 'x' dim 0': dynamic dim 'N'"},
      {"unresolved.onnx", serialized(unresolved()), "",
       "unresolved.onnx: field 'node 'the_relu' (Relu) output 0': shape inference could not "
       "resolve"},
      {"unsupported.onnx", serialized(tiny("Hardmax", 17, "")), "",
       "unsupported.onnx: field 'node 'the_node' (Hardmax)': Hardmax (op) is not modelled"},
      {"unknown_input.onnx", serialized(tiny("Relu", 17, "")), " --input z=1,2",
       "field '--input z': the model has no input 'z'"},
      {"huge.onnx", serialized(tiny("Relu", 17, "")), " --input x=65536,65536,65536,2",
       "huge.onnx: field 'node 'the_node' (Relu) output 0': the shape of 'y' has more than"},
  };
  TempDir dir;
  for (const BadModel& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string out_dir = dir.path() + "/out_" + c.name;
    std::string err;
    const int code = run(kBinary + " import onnx " + quote(dir.write(c.name, c.bytes)) + " -o " +
                             quote(out_dir) + c.options,
                         err);
    EXPECT_EQ(code, 2) << err;
    EXPECT_NE(err.find(c.message), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_FALSE(std::filesystem::exists(out_dir + "/trace.yaml"));
  }
}

TEST(OnnxImport, OptionsResolveWhatTheModelLeavesOpen) {
  TempDir dir;
  const std::string dynamic = dir.write("dynamic.onnx", serialized(tiny("Relu", 17, "N")));
  std::string out;
  ASSERT_EQ(run(kBinary + " import onnx " + quote(dynamic) + " -o " + quote(dir.path() + "/b") +
                    " --batch 3",
                out),
            0)
      << out;
  EXPECT_EQ(tessera::read_trace_file(dir.path() + "/b/trace.yaml").layers[0].vector->elements,
            3 * 4 * 8 * 8);
  ASSERT_EQ(run(kBinary + " import onnx " + quote(dynamic) + " -o " + quote(dir.path() + "/i") +
                    " --input x=2,4,8,8",
                out),
            0)
      << out;
  EXPECT_EQ(tessera::read_trace_file(dir.path() + "/i/trace.yaml").layers[0].vector->elements,
            2 * 4 * 8 * 8);
}

TEST(OnnxImport, SkippedNodesAreListedWithTheirShareOfMacs) {
  TempDir dir;
  onnx::ModelProto m = tiny("Hardmax", 17, "");
  auto* relu = m.mutable_graph()->add_node();
  relu->set_name("after");
  relu->set_op_type("Relu");
  relu->add_input("y");
  relu->add_output("z");
  std::string err;
  ASSERT_EQ(run(kBinary + " import onnx " + quote(dir.write("skip.onnx", serialized(m))) + " -o " +
                    quote(dir.path() + "/s") + " --skip-unsupported",
                err),
            0)
      << err;
  EXPECT_NE(err.find("skipped 1 nodes of ops tessera does not model (0.00 % of the model's MACs): "
                     "the_node (Hardmax)"),
            std::string::npos)
      << err;
  EXPECT_EQ(tessera::read_trace_file(dir.path() + "/s/trace.yaml").layers.size(), 1U);
}

}  // namespace
