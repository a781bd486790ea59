// The trace reader reads a plain trace a layer at a time (traces/yaml_split.h) and must read
// exactly what the whole-document reader reads: the same layers with the same lines, or the same
// error. Checked on the shipped traces, the bad-input seeds, layouts YAML allows, and thousands of
// random mutations of them.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sim/error.h"
#include "tests/support/files.h"
#include "tests/support/program.h"
#include "tests/support/trace_difference.h"
#include "traces/trace_reader.h"
#include "traces/yaml_split.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using tessera::test::kSourceDir;

size_t items_split(const std::string& text) {
  const auto split = yaml::split_sequence(text, "layers");
  return split ? split->items.size() : 0;
}

std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> texts;
  for (const auto& e : fs::directory_iterator(folder)) texts.push_back(test::read_file(e.path()));
  return texts;
}

const char* const kGemm = "op: gemm, m: 4, n: 8, k: 16";

TEST(LayerByLayer, SplitsAndReadsEveryShippedTrace) {
  for (const auto& e : fs::directory_iterator(kSourceDir + "/traces/samples")) {
    SCOPED_TRACE(e.path().string());
    const std::string text = test::read_file(e.path());
    EXPECT_EQ(items_split(text), parse_trace_whole_document(text, "t.yaml").layers.size());
    EXPECT_EQ(test::readers_disagree(text), "");
  }
}

TEST(LayerByLayer, ReadsTheBadInputSeedsAsTheWholeDocumentDoes) {
  for (const std::string& text : files_in(kSourceDir + "/fuzz/seeds/trace_yaml")) {
    EXPECT_EQ(test::readers_disagree(text), "") << text;
  }
}

// Layouts a user may write: each is split into its layers and read as the whole document reads.
TEST(LayerByLayer, SplitsTheLayoutsYamlAllows) {
  const std::string g = kGemm;
  const std::vector<std::pair<std::string, size_t>> layouts = {
      // A comment and a line break between an item's dash and its first key.
      {"tessera_trace: 1\nlayers:\n  - name: a\n    " + g.substr(0, 8) +
           "\n    m: 4\n    n: 8\n    k: 16\n  -   # second\n    name: b\n    op: gemm\n"
           "    m: 1\n    n: 2\n    k: 3\n",
       2},
      {"tessera_trace: 1\nlayers:\n  -\n    name: a\n    op: gemm\n    m: 1\n    n: 2\n    k: 3\n",
       1},
      // Flow maps, a sequence at the key's indentation, keys after the layers.
      {"tessera_trace: 1\nlayers:\n- {name: a, " + g + "}\n- {name: b,\n   " + g + "}\nname: x\n",
       2},
      // Windows line ends, comments and blank lines around the items.
      {"tessera_trace: 1\r\nlayers:\r\n  # first\r\n  - {name: a, " + g +
           "}\r\n\r\n  - {name: b, " + g + "}  # last\r\n# end\r\n",
       2},
      // A block sequence inside a layer, a block scalar name, a document end marker.
      {"tessera_trace: 1\nlayers:\n  - name: >-\n      a long\n      name\n    " + g.substr(0, 8) +
           "\n    m: 4\n    n: 8\n    k: 16\n    mapping:\n      loop_order:\n      - k\n"
           "      - n\n      - m\n  - {name: b, " +
           g + "}\n...\n",
       2},
      // An indented root map.
      {"  tessera_trace: 1\n  layers:\n    - {name: a, " + g + "}\n  name: x\n", 1},
  };
  for (const auto& [text, items] : layouts) {
    SCOPED_TRACE(text);
    EXPECT_EQ(items_split(text), items);
    EXPECT_EQ(test::readers_disagree(text), "");
    EXPECT_NO_THROW((void)parse_trace(text, "t.yaml"));
  }
}

// Found by fuzzing: a key without a name after the layers. With the layers blanked out of the
// rest of the document, that key and its value became the value of `layers`, so the unknown key
// went unreported.
TEST(LayerByLayer, KeepsTheKeysAfterTheLayersAtTheRoot) {
  const std::string text =
      "tessera_trace: 1\nname: bad\nlayers:\n  - name: L1\n    op: conv\n: [3, 3]\n";
  EXPECT_EQ(items_split(text), 1U);
  EXPECT_EQ(test::readers_disagree(text), "");
  EXPECT_THROW((void)parse_trace(text, "t.yaml"), InputError);
}

// Documents whose layers might depend on each other or on the rest are read whole.
TEST(LayerByLayer, ReadsDocumentsWithAnchorsOrFlowSequencesWhole) {
  const std::string g = kGemm;
  const std::vector<std::string> whole_documents = {
      "tessera_trace: 1\nlayers:\n  - &first {name: a, " + g + "}\n  - {name: b, " + g + "}\n",
      std::string("tessera_trace: 1\nlayers:\n  - {name: a, m: &m 4, op: gemm, n: 8, k: 16}\n") +
          "  - {name: b, m: *m, op: gemm, n: 8, k: 16}\n",
      "tessera_trace: 1\nlayers: [{name: a, " + g + "}, {name: b, " + g + "}]\n",
      "{tessera_trace: 1, layers: [{name: a, " + g + "}]}\n",
      "tessera_trace: 1\nlayers:\n  - {name: a, " + g + "}\nlayers:\n  - {name: b, " + g + "}\n",
      "tessera_trace: 1\nlayers:\n  - - {name: a, " + g + "}\n",
      "\xef\xbb\xbftessera_trace: 1\nlayers:\n  - {name: a, " + g + "}\n",
  };
  for (const std::string& text : whole_documents) {
    SCOPED_TRACE(text);
    EXPECT_EQ(items_split(text), 0U);
    EXPECT_EQ(test::readers_disagree(text), "");
  }
}

TEST(LayerByLayer, ErrorsNameTheLineInTheFile) {
  const std::string text =
      "tessera_trace: 1\n"
      "layers:\n"
      "  - {name: a, op: gemm, m: 1, n: 2, k: 3}\n"
      "  - name: b\n"
      "    op: gemm\n"
      "    m: 1\n"
      "    n: x\n"
      "    k: 3\n";
  ASSERT_EQ(items_split(text), 2U);
  try {
    (void)parse_trace(text, "t.yaml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 7);
    EXPECT_EQ(e.where().field, "layers[1].n");
  }
  const std::string repeated =
      "tessera_trace: 1\nlayers:\n  - {name: a, op: gemm, m: 1, n: 2, k: 3}\n"
      "  - name: b\n    op: gemm\n    m: 1\n    n: 2\n    m: 2\n    k: 3\n";
  ASSERT_EQ(items_split(repeated), 2U);
  EXPECT_THROW(
      {
        try {
          (void)parse_trace(repeated, "t.yaml");
        } catch (const InputError& e) {
          EXPECT_STREQ(e.what(), "t.yaml:8: field 'layers[1].m': appears twice (first on line 6)");
          throw;
        }
      },
      InputError);
}

// Random edits of good and bad traces: deleted, inserted and repeated characters and lines. Most
// become malformed or wrong; both readers must still agree on every one.
TEST(LayerByLayer, AgreesOnRandomMutations) {
  std::vector<std::string> bases = files_in(kSourceDir + "/fuzz/seeds/trace_yaml");
  bases.push_back(test::read_file(kSourceDir + "/traces/samples/gpt2_block.yaml"));
  bases.push_back("tessera_trace: 1\nlayers:\n  - {name: a, " + std::string(kGemm) +
                  "}\n  -   # c\n    name: b\n    op: gemm\n    m: 1\n    n: 2\n    k: 3\n"
                  "name: x\n");
  const std::string alphabet = " \n-:#{}[],&*!|>'\"\tab01";
  std::mt19937_64 rng(7);
  int split = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = bases[rng() % bases.size()];
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0 && !text.empty(); --edits) {
      const size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text.erase(at, 1 + rng() % 3); break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: text.insert(at, text.substr(at, 1 + rng() % 40)); break;
        default: {
          const size_t start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at);
          text.insert(start, text.substr(start, text.find('\n', start + 1) - start));
        }
      }
    }
    split += items_split(text) > 0 ? 1 : 0;
    ASSERT_EQ(test::readers_disagree(text), "") << "mutant " << i << ":\n" << text;
  }
  // The mutants exercise the layer-by-layer path, not only the fallback.
  EXPECT_GT(split, 1000);
}

}  // namespace
}  // namespace tessera
