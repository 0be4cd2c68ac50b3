// Text inside HTML and SVG: every user-provided string (experiment names, notes, column and
// layer names) goes through markup_text() before it reaches a page, so a name such as
// "<script>" stays text in a browser.
#pragma once

#include <string>
#include <string_view>

namespace duet::compare {

/// `text` as character data or an attribute value for XML (SVG) and HTML alike: & < > " ' as
/// entities, and the control characters XML 1.0 forbids as U+FFFD.
std::string markup_text(std::string_view text);

}  // namespace duet::compare
