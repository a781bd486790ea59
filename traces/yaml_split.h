// Splits the long sequence of a YAML document into its items, so that each can be parsed on its
// own. yaml-cpp's node tree of a whole file takes kilobytes per item: a trace of thousands of
// layers would need tens of megabytes just to be read.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace tessera::yaml {

// Where an item's text lies in the document: from its first token up to the line of the next
// item's dash (or the end of the sequence).
struct ItemText {
  size_t begin = 0, end = 0;  // bytes of the document's text
  int line_offset = 0;        // lines of the document before the item's first line
  int column = 0;             // of the item's first token
};

struct SplitDocument {
  // The document without the sequence's items: they are replaced by `[]` and as many line
  // breaks, so the key holds an empty sequence and the nodes that remain keep their lines.
  std::string rest;
  std::vector<ItemText> items;
};

// Splits the block sequence that the root map holds under `key` when the document has that plain
// shape: the root is a block map with `key` once, its value a block sequence of maps, and no node
// has an anchor or is an alias (an item could then depend on another). Anything else, malformed
// YAML included, gives nullopt and the caller parses the whole document, so that its errors and
// meaning stay those of the whole document.
[[nodiscard]] std::optional<SplitDocument> split_sequence(const std::string& text,
                                                          const std::string& key);

// Parses one item. Its nodes' marks count lines from the item's first line (add
// `item.line_offset`) and columns as in the document. nullopt when yaml-cpp rejects the item on
// its own (e.g. a tag whose handle a directive declared), which the whole document may accept.
[[nodiscard]] std::optional<YAML::Node> parse_item(const std::string& text, const ItemText& item);

}  // namespace tessera::yaml
