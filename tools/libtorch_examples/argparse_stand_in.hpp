// A TEST-HARNESS STAND-IN, NOT PART OF DUET. pytorch/examples' cpp/dcgan includes the
// third-party header <argparse/argparse.hpp> (p-ranav/argparse), which Debian 12 does not
// package. run.py copies this file to <work>/dcgan/include/argparse/argparse.hpp so that dcgan
// compiles unchanged; it implements only the calls dcgan makes:
//   argparse::ArgumentParser parser("name");
//   parser.add_argument("--epochs").help("...").default_value(std::int64_t{30}).scan<'i', int64_t>();
//   parser.parse_args(argc, argv);           // throws std::runtime_error on a bad command line
//   std::cout << parser;                      // usage
//   parser.get<int64_t>("--epochs");
// Only "--name value" options holding an integer are understood. Use the real library for anything else.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>

namespace argparse {

/// One "--name value" option with an integer value.
class Argument {
 public:
  explicit Argument(std::string name) : name_(std::move(name)) {}
  Argument& help(std::string text) {
    help_ = std::move(text);
    return *this;
  }
  Argument& default_value(std::int64_t value) {
    value_ = value;
    return *this;
  }
  template <char Shape, typename T>
  Argument& scan() {
    static_assert(Shape == 'i', "the stand-in parses integers only");
    return *this;
  }
  void parse(const std::string& text) {
    std::size_t used = 0;
    try {
      value_ = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || text.empty()) throw std::runtime_error(name_ + ": not an integer: '" + text + "'");
  }
  std::int64_t value() const { return value_; }
  const std::string& help_text() const { return help_; }

 private:
  std::string name_;
  std::string help_;
  std::int64_t value_ = 0;
};

/// The parser: a program name and its options.
class ArgumentParser {
 public:
  explicit ArgumentParser(std::string program) : program_(std::move(program)) {}
  Argument& add_argument(const std::string& name) { return arguments_.try_emplace(name, name).first->second; }
  void parse_args(int argc, const char* const argv[]) {
    for (int i = 1; i < argc; ++i) {
      const auto found = arguments_.find(argv[i]);
      if (found == arguments_.end()) throw std::runtime_error(std::string("Unknown argument: ") + argv[i]);
      if (i + 1 >= argc) throw std::runtime_error(std::string("Too few arguments for ") + argv[i]);
      found->second.parse(argv[++i]);
    }
  }
  template <typename T>
  T get(const std::string& name) const {
    const auto found = arguments_.find(name);
    if (found == arguments_.end()) throw std::logic_error("No such argument: " + name);
    return static_cast<T>(found->second.value());
  }
  friend std::ostream& operator<<(std::ostream& os, const ArgumentParser& parser) {
    os << "Usage: " << parser.program_ << '\n';
    for (const auto& [name, argument] : parser.arguments_)
      os << "  " << name << " VALUE  " << argument.help_text() << " (default " << argument.value() << ")\n";
    return os;
  }

 private:
  std::string program_;
  std::map<std::string, Argument> arguments_;
};

}  // namespace argparse
