#include "traces/yaml_split.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace tessera::yaml {
namespace {

// Follows the parser's events (no node tree is built) and notes where the root map's `key`
// sequence and its items start, and the first root-map key after it.
class SequenceLocator : public YAML::EventHandler {
 public:
  explicit SequenceLocator(std::string key) : key_(std::move(key)) {}

  bool plain = true;  // the document has the shape split_sequence needs
  std::optional<YAML::Mark> sequence;
  std::vector<YAML::Mark> items;
  std::optional<YAML::Mark> after;

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node(mark, anchor, Kind::leaf, YAML::EmitterStyle::Default, nullptr);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    plain = false;
    node(mark, YAML::NullAnchor, Kind::leaf, YAML::EmitterStyle::Default, nullptr);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& value) override {
    node(mark, anchor, Kind::leaf, YAML::EmitterStyle::Default, &value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    node(mark, anchor, Kind::sequence, style, nullptr);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    node(mark, anchor, Kind::map, style, nullptr);
  }
  void OnMapEnd() override { close(); }
  void OnAnchor(const YAML::Mark& /*mark*/, const std::string& /*name*/) override { plain = false; }

 private:
  enum class Kind { leaf, sequence, map };
  enum class State { before, in_sequence, after_sequence, done };

  // A node starts; `scalar` is its text when it is a scalar.
  void node(const YAML::Mark& mark, YAML::anchor_t anchor, Kind kind,
            YAML::EmitterStyle::value style, const std::string* scalar) {
    if (anchor != YAML::NullAnchor) plain = false;
    const size_t depth = open_children_.size();
    if (depth == 0 && (kind != Kind::map || style != YAML::EmitterStyle::Block)) plain = false;
    if (depth == 1 && open_children_[0] % 2 == 0) {  // a key of the root map
      if (state_ == State::after_sequence) {
        after = mark;
        state_ = State::done;
      }
      key_matches_ = scalar != nullptr && *scalar == key_;
      if (key_matches_ && state_ != State::before) plain = false;  // the key appears twice
    } else if (depth == 1 && key_matches_) {                       // the key's value
      key_matches_ = false;
      if (kind != Kind::sequence || style != YAML::EmitterStyle::Block) plain = false;
      sequence = mark;
      state_ = State::in_sequence;
    } else if (depth == 2 && state_ == State::in_sequence) {  // an item
      if (kind != Kind::map) plain = false;
      items.push_back(mark);
    }
    if (kind == Kind::leaf) {
      count_child();
    } else {
      open_children_.push_back(0);
    }
  }

  void close() {
    open_children_.pop_back();
    if (state_ == State::in_sequence && open_children_.size() == 1) {
      state_ = State::after_sequence;
    }
    count_child();
  }

  void count_child() {
    if (!open_children_.empty()) ++open_children_.back();
  }

  std::string key_;
  std::vector<size_t> open_children_;  // per open collection, its child nodes so far
  State state_ = State::before;
  bool key_matches_ = false;
};

size_t line_start(const std::string& text, size_t pos) {
  if (pos == 0) return 0;
  const size_t newline = text.rfind('\n', pos - 1);
  return newline == std::string::npos ? 0 : newline + 1;
}

// A mark's byte offset agrees with its line and column: the line is `line` newlines into the
// text and holds only spaces and dashes before the mark. `lines_before` counts newlines up to
// `counted`; marks are checked in increasing order, so the text is scanned once.
bool consistent(const std::string& text, const YAML::Mark& mark, size_t& counted,
                int& lines_before) {
  const auto pos = static_cast<size_t>(mark.pos);
  if (mark.pos < 0 || pos > text.size() || pos < counted || mark.column < 0) return false;
  for (; counted < pos; ++counted) lines_before += text[counted] == '\n' ? 1 : 0;
  const size_t start = line_start(text, pos);
  if (lines_before != mark.line || pos - start != static_cast<size_t>(mark.column)) return false;
  return text.find_first_not_of(" -", start) >= pos;
}

// The line holds the dash of a sequence item whose dashes are at `column`.
bool dash_line(const std::string& text, size_t start, int column) {
  const size_t dash = start + static_cast<size_t>(column);
  if (dash >= text.size() || text[dash] != '-') return false;
  if (text.find_first_not_of(' ', start) != dash) return false;
  return dash + 1 == text.size() || text[dash + 1] == ' ' || text[dash + 1] == '\n' ||
         text[dash + 1] == '\r';
}

}  // namespace

std::optional<SplitDocument> split_sequence(const std::string& text, const std::string& key) {
  // yaml-cpp counts a byte-order mark or a UTF-16/32 text differently from bytes.
  if (!text.empty() && (static_cast<unsigned char>(text[0]) >= 0xef || text[0] == '\0')) {
    return std::nullopt;
  }
  SequenceLocator locator(key);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    parser.HandleNextDocument(locator);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
  if (!locator.plain || !locator.sequence || locator.items.empty()) return std::nullopt;

  size_t counted = 0;
  int lines = 0;
  const YAML::Mark& sequence = *locator.sequence;
  if (!consistent(text, sequence, counted, lines)) return std::nullopt;
  SplitDocument split;
  for (const YAML::Mark& m : locator.items) {
    if (!consistent(text, m, counted, lines)) return std::nullopt;
    if (!split.items.empty()) {
      // The previous item ends where the line of this item's dash starts: between that dash and
      // this item's first token there are only spaces, line breaks and comments.
      size_t start = line_start(text, static_cast<size_t>(m.pos));
      while (!dash_line(text, start, sequence.column)) {
        if (start <= split.items.back().begin) return std::nullopt;
        start = line_start(text, start - 1);
      }
      if (start <= split.items.back().begin) return std::nullopt;
      split.items.back().end = start;
    }
    split.items.push_back({static_cast<size_t>(m.pos), text.size(), m.line, m.column});
  }
  if (locator.after) {
    if (!consistent(text, *locator.after, counted, lines)) return std::nullopt;
    split.items.back().end = line_start(text, static_cast<size_t>(locator.after->pos));
  }

  const auto first = static_cast<size_t>(sequence.pos);
  const size_t last = split.items.back().end;
  size_t newlines = 0;
  for (size_t i = first; i < last; ++i) newlines += text[i] == '\n' ? 1 : 0;
  // An empty flow sequence stands where the items were: left empty, the key's value could take
  // in what follows it (a line `: x` would become a map under the key).
  split.rest.reserve(text.size() - (last - first) + newlines + 2);
  split.rest.append(text, 0, first).append("[]").append(newlines, '\n').append(text, last);
  return split;
}

std::optional<YAML::Node> parse_item(const std::string& text, const ItemText& item) {
  // Indented as in the document, so the item's later lines keep their meaning.
  std::string own(static_cast<size_t>(item.column), ' ');
  own.append(text, item.begin, item.end - item.begin);
  try {
    YAML::Node node = YAML::Load(own);
    if (!node.IsMap()) return std::nullopt;
    return node;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

}  // namespace tessera::yaml
