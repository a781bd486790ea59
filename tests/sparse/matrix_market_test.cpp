// The Matrix Market reader: every shipped matrix reads with the dimensions and (symmetry-expanded)
// nonzeros its statistics file lists, and every kind of bad file gives one error naming the file,
// the line and the field.
#include <fstream>

#include <gtest/gtest.h>

#include "sim/error.h"
#include "sparse/matrix_market.h"
#include "traces/sparse_operands.h"

namespace tessera {
namespace {

const std::string kData = std::string(TESSERA_SOURCE_DIR) + "/data/matrices/";

TEST(MatrixMarket, ShippedMatricesMatchTheirStatistics) {
  std::ifstream stats(kData + "MATRIX_STATS.csv");
  std::string line;
  std::getline(stats, line);  // header
  int checked = 0;
  while (std::getline(stats, line)) {
    // file,origin (may be quoted),rows,cols,stored,field,symmetry,nnz_expanded,...
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        f.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    f.push_back(cur);
    if (f[0].find('/') != std::string::npos) continue;  // not shipped
    SCOPED_TRACE(f[0]);
    const SparseMatrix m = read_matrix_market(kData + f[0]);
    EXPECT_EQ(m.rows, std::stoll(f[2]));
    EXPECT_EQ(m.cols, std::stoll(f[3]));
    EXPECT_EQ(m.nnz(), std::stoll(f[7]));
    for (int64_t r = 0; r < m.rows; ++r) {
      for (int64_t i = m.row_ptr[static_cast<size_t>(r)] + 1;
           i < m.row_ptr[static_cast<size_t>(r + 1)]; ++i) {
        ASSERT_LT(m.col_idx[static_cast<size_t>(i - 1)], m.col_idx[static_cast<size_t>(i)]);
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

TEST(MatrixMarket, SymmetricFilesAreExpanded) {
  const SparseMatrix m = parse_matrix_market(
      "%%MatrixMarket matrix coordinate pattern symmetric\n% comment\n3 3 3\n1 1\n2 1\n3 2\n",
      "s.mtx", "s");
  EXPECT_EQ(m.nnz(), 5);
  EXPECT_EQ(m.row_ptr, (std::vector<int64_t>{0, 2, 4, 5}));
  EXPECT_EQ(m.col_idx, (std::vector<int32_t>{0, 1, 0, 2, 1}));
}

TEST(MatrixMarket, TransposeSwapsEveryEntry) {
  const SparseMatrix m = parse_matrix_market(
      "%%MatrixMarket matrix coordinate integer general\n2 3 3\n1 3 5\n2 1 -2\n2 2 7\n", "g.mtx",
      "g");
  const SparseMatrix t = transpose(m);
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(t.cols, 2);
  EXPECT_EQ(t.row_ptr, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(t.col_idx, (std::vector<int32_t>{1, 1, 0}));
}

struct BadFile {
  const char* name;
  const char* text;
  const char* where;  // "file:line: field 'F'" prefix expected in the message
};

class BadMatrixMarket : public testing::TestWithParam<BadFile> {};

TEST_P(BadMatrixMarket, OneClearError) {
  const BadFile& c = GetParam();
  try {
    (void)parse_matrix_market(c.text, "m.mtx", "m");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(c.where, 0), 0u) << e.what();
  }
}

constexpr const char* kBanner = "%%MatrixMarket matrix coordinate real general\n";

INSTANTIATE_TEST_SUITE_P(
    Files, BadMatrixMarket,
    testing::Values(
        BadFile{"empty", "", "m.mtx:1: field 'banner'"},
        BadFile{"no_banner", "3 3 1\n1 1 1.0\n", "m.mtx:1: field 'banner'"},
        BadFile{"array", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n",
                "m.mtx:1: field 'banner.format'"},
        BadFile{"complex", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n",
                "m.mtx:1: field 'banner.field'"},
        BadFile{"hermitian", "%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n",
                "m.mtx:1: field 'banner.symmetry'"},
        BadFile{"no_size", "%%MatrixMarket matrix coordinate real general\n% only\n",
                "m.mtx:2: field 'size'"},
        BadFile{"bad_rows", "%%MatrixMarket matrix coordinate real general\nx 3 1\n1 1 1\n",
                "m.mtx:2: field 'size.rows'"},
        BadFile{"huge_rows",
                "%%MatrixMarket matrix coordinate real general\n99999999999 3 1\n1 1 1\n",
                "m.mtx:2: field 'size.rows'"},
        BadFile{"absurd_entries",
                "%%MatrixMarket matrix coordinate real general\n1000 1000 900000\n1 1 1\n",
                "m.mtx:2: field 'size.entries'"},
        BadFile{"truncated", "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 2 1\n",
                "m.mtx:4: field 'entries'"},
        BadFile{"extra", "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1\n2 2 1\n",
                "m.mtx:4: field 'entries'"},
        BadFile{"row_out_of_range",
                "%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n4 1 1\n",
                "m.mtx:4: field 'entry.row'"},
        BadFile{"col_zero", "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 0 1\n",
                "m.mtx:3: field 'entry.col'"},
        BadFile{"bad_value", "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 abc\n",
                "m.mtx:3: field 'entry.value'"},
        BadFile{"real_in_integer",
                "%%MatrixMarket matrix coordinate integer general\n3 3 1\n1 1 1.5\n",
                "m.mtx:3: field 'entry.value'"},
        BadFile{"missing_value", "%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1\n",
                "m.mtx:3: field 'entry'"},
        BadFile{"upper_triangle", "%%MatrixMarket matrix coordinate real symmetric\n3 3 1\n1 2 1\n",
                "m.mtx:3: field 'entry'"},
        BadFile{"symmetric_not_square",
                "%%MatrixMarket matrix coordinate real symmetric\n3 2 1\n1 1 1\n",
                "m.mtx:2: field 'size'"},
        BadFile{"duplicate", "%%MatrixMarket matrix coordinate real general\n3 3 2\n2 2 1\n2 2 3\n",
                "m.mtx:4: field 'entry'"}),
    [](const testing::TestParamInfo<BadFile>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace tessera
