// What the Keras-style front-end prints, captured for the lifetime of the object (the Keras test
// suites share it).
#pragma once

#include <spdlog/sinks/ostream_sink.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "duet/keras/utils.h"

namespace duet::test {

class CapturedOutput {
 public:
  CapturedOutput() : saved_(duet::keras::utils::set_output_sink(std::make_shared<spdlog::sinks::ostream_sink_st>(out_))) {}
  ~CapturedOutput() { duet::keras::utils::restore_output_sinks(saved_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::vector<spdlog::sink_ptr> saved_;
};

}  // namespace duet::test
