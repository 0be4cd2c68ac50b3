// duet-compare: train the Keras-style and the PyTorch-style model on one experiment and report
// both side by side, with the reasons they differ.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "duet/compare/experiment.h"
#include "duet/compare/report.h"
#include "duet/core/error.h"

int main(int argc, char** argv) {
  CLI::App app{
      "duet-compare: trains the same dense model with Keras' and PyTorch's rules on one engine and reports\n"
      "predictions, losses, weights and time side by side, with the reasons they differ.\n"
      "Without --experiment it runs the built-in default: the article's y = 2x - 1 regression."};
  std::string experiment_path;
  std::string format = "table";
  app.add_option("-e,--experiment", experiment_path, "Experiment file (JSON; see docs/experiment-format.md)")
      ->check(CLI::ExistingFile);
  app.add_option("-f,--format", format, "Output format: table (for people), json (the report contract), csv (loss "
                                        "histories per epoch)")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "duet-compare: error: %s (see --help)\n", e.what());
    return 2;
  }

  try {
    const duet::compare::Experiment experiment = experiment_path.empty()
                                                      ? duet::compare::article_experiment()
                                                      : duet::compare::load_experiment(experiment_path);
    const auto report = duet::compare::run(experiment);
    if (format == "json") std::cout << duet::compare::to_json(report);
    else if (format == "csv") std::cout << duet::compare::to_csv(report);
    else std::cout << duet::compare::to_table(experiment, report);
    std::cout.flush();
    if (!std::cout) {
      std::fprintf(stderr, "duet-compare: error: could not write the report to standard output\n");
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "duet-compare: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
