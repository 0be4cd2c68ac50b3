// duet::SharedLibrary, the loader behind Keras weight files (libhdf5) and PyTorch checkpoints
// (libzip): a library or symbol that is not there is one error naming what needed it.
#include <gtest/gtest.h>

#include <cstring>

#include "duet/core/error.h"
#include "duet/core/shared_library.h"
#include "support/test_helpers.h"

namespace duet {
namespace {

TEST(SharedLibrary, AMissingLibraryNamesItsPurposeAndEveryNameTried) {
  const std::string error = test::error_of([] {
    SharedLibrary("reading a test file", {"libduet-not-installed.so.1", "/nowhere/libduet-not-installed.so"});
  });
  EXPECT_NE(error.find("reading a test file needs a shared library that does not load"), std::string::npos) << error;
  EXPECT_NE(error.find("libduet-not-installed.so.1"), std::string::npos) << error;
  EXPECT_NE(error.find("/nowhere/libduet-not-installed.so"), std::string::npos) << error;
}

TEST(SharedLibrary, LoadsByNameAndFindsFunctionsAndVariables) {
  // The C library: always there, with a function and a variable to find.
  const SharedLibrary libc("a test", {"libc-not-this-one.so", "libc.so.6"});
  EXPECT_EQ(libc.name(), "libc.so.6");
  const auto length = libc.function<std::size_t (*)(const char*)>("strlen");
  EXPECT_EQ(length("four"), 4u);
  EXPECT_NE(libc.variable_address("environ"), nullptr);
  const std::string error = test::error_of([&] { libc.address("duet_no_such_symbol"); });
  EXPECT_NE(error.find("a test: libc.so.6 has no symbol 'duet_no_such_symbol'"), std::string::npos) << error;
}

}  // namespace
}  // namespace duet
