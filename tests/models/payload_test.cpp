// The payload: a transaction made for another finds that one's families' extensions, and those of
// what that one was made for, through family_extension(); its own come first; a payload with none
// is a wiring bug, named.
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "models/crypto/interface.h"
#include "models/payload.h"
#include "models/pe_array/interface.h"

namespace tessera {
namespace {

TEST(Payload, FamilyExtensionsAreFoundOnTheTransactionsMadeFor) {
  TransactionWith<TileCompute, StoredTensor> command;
  Transaction operand_read;  // a PE array's, for the command
  operand_read.forward_extensions(command.payload);
  Transaction memory_read;  // a buffer's, for the operand read
  memory_read.forward_extensions(operand_read.payload);
  EXPECT_EQ(&family_extension<TileCompute>(memory_read.payload, "test"),
            &command.get<TileCompute>());
  EXPECT_EQ(&family_extension<StoredTensor>(operand_read.payload, "test"),
            &command.get<StoredTensor>());
  // Its own extension of a family comes before the one it was made for.
  TransactionWith<StoredTensor> rewritten;
  rewritten.forward_extensions(memory_read.payload);
  EXPECT_EQ(&family_extension<StoredTensor>(rewritten.payload, "test"),
            &rewritten.get<StoredTensor>());
  EXPECT_EQ(&family_extension<TileCompute>(rewritten.payload, "test"), &command.get<TileCompute>());
  // Nothing is copied or attached: what the command's extension says later is what is read.
  command.get<TileCompute>().first_chunk = false;
  EXPECT_FALSE(family_extension<TileCompute>(memory_read.payload, "test").first_chunk);
  EXPECT_EQ(memory_read.payload.get_extension<TileCompute>(), nullptr);
}

TEST(Payload, AMissingFamilyExtensionIsNamed) {
  Transaction alone;
  Transaction made_for_it;
  made_for_it.forward_extensions(alone.payload);
  try {
    (void)family_extension<TileCompute>(made_for_it.payload, "array");
    FAIL() << "no error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("array: a transaction without its family's extension"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace tessera
