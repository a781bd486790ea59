// The candidates CSV of `tessera validate --candidates-file`: rows read as written, paired with
// the trace's layers by name, and every malformed row an error naming file, line and column.
#include "traces/predictions/candidates_csv.h"

#include <gtest/gtest.h>

#include <string>

#include "sim/error.h"
#include "traces/trace_reader.h"

namespace tessera {
namespace {

const Trace& trace() {
  static const Trace t = parse_trace(
      "tessera_trace: 1\nlayers:\n  - {name: a, op: gemm, m: 64, n: 32, k: 48}\n"
      "  - {name: b, op: gemm, m: 16, n: 16, k: 16}\n",
      "t.yaml");
  return t;
}

// The message of the InputError that parsing and pairing `text` throws; empty if none.
std::string error_of(const std::string& text) {
  try {
    (void)candidates_by_layer(parse_candidates_csv(text, "c.csv"), trace());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(CandidatesCsv, RowsAreReadAndPairedInTraceOrder) {
  const CandidatesFile f = parse_candidates_csv(
      "cycles,layer,m,n,k,loop_order,dataflow\n"
      "900,b,16,16,16,kmn,os\n"
      "100,a,64,32,48,nmk,\n"
      "120.5,a,32,32,16,mkn,ws\n",
      "c.csv");
  ASSERT_EQ(f.rows.size(), 3U);
  EXPECT_EQ(f.rows[0].line, 2);
  EXPECT_EQ(f.rows[0].order, (LoopOrder{GemmDim::k, GemmDim::m, GemmDim::n}));
  EXPECT_EQ(f.rows[0].dataflow, Dataflow::os);
  EXPECT_FALSE(f.rows[1].dataflow);
  EXPECT_DOUBLE_EQ(f.rows[2].cycles, 120.5);
  const auto by_layer = candidates_by_layer(f, trace());
  ASSERT_EQ(by_layer.size(), 2U);
  ASSERT_EQ(by_layer[0].size(), 2U);
  EXPECT_EQ(by_layer[0][1].tile, (GemmExtents{32, 32, 16}));
  EXPECT_EQ(by_layer[1][0].cycles, 900);
}

TEST(CandidatesCsv, EveryBadInputNamesItsPlace) {
  const std::string head = "layer,m,n,k,loop_order,cycles\n";
  const std::string both = "b,16,16,16,mnk,1\n";
  EXPECT_EQ(error_of(""), "c.csv: field 'layer': no header row: the file is empty");
  EXPECT_EQ(error_of("layer,m,n,k,cycles\n"),
            "c.csv:1: field 'loop_order': the header lacks this column");
  EXPECT_EQ(error_of("layer,m,n,k,loop_order,cycles,speed\n"),
            "c.csv:1: field 'speed': unknown column; the columns are layer, m, n, k, loop_order, "
            "cycles and dataflow");
  EXPECT_EQ(error_of(head + "a,0,32,48,mnk,1\n" + both),
            "c.csv:2: field 'm': '0' is not a whole number >= 1");
  EXPECT_EQ(error_of(head + "a,64,32,48,mmk,1\n" + both),
            "c.csv:2: field 'loop_order': 'mmk' is not an order of m, n and k, outermost first");
  EXPECT_EQ(error_of(head + "a,64,32,48,mnk,-3\n" + both).rfind("c.csv:2: field 'cycles'", 0), 0U);
  EXPECT_EQ(
      error_of(
          "layer,m,n,k,loop_order,dataflow,cycles\na,64,32,48,mnk,xs,1\nb,16,16,16,mnk,ws,1\n"),
      "c.csv:2: field 'dataflow': expected ws, os or is");
  EXPECT_EQ(error_of(head + "c,64,32,48,mnk,1\n" + both),
            "c.csv:2: field 'layer': no layer 'c' in the trace t.yaml");
  EXPECT_EQ(error_of(head + "a,64,33,48,mnk,1\n" + both),
            "c.csv:2: field 'n': tile size 33 is beyond layer 'a''s extent 32");
  EXPECT_EQ(error_of(head + both), "c.csv: field 'layer': no candidate for layer 'a' of t.yaml");
  EXPECT_EQ(error_of(head + "a,64,32\n").rfind("c.csv:2:", 0), 0U);
}

}  // namespace
}  // namespace tessera
