/// @file
/// The CSV reader the experiment files use; it lives in the core (duet/core/csv.h), so either
/// front-end can read data, and is named here for compare's code.
#pragma once

#include "duet/core/csv.h"

namespace duet::compare {

using duet::CsvData;
using duet::CsvTable;
using duet::load_csv;
using duet::parse_csv;
using duet::read_csv;
using duet::split_columns;

}  // namespace duet::compare
