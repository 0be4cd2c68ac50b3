// duet-compare: train the Keras-style and the PyTorch-style model on one experiment and report
// both side by side, with the reasons they differ.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "duet/compare/analysis.h"
#include "duet/compare/experiment.h"
#include "duet/compare/html_report.h"
#include "duet/compare/porting.h"
#include "duet/compare/optimizers.h"
#include "duet/compare/report.h"
#include "duet/core/error.h"
#include "duet/core/file_io.h"
#include "duet/keras/console.h"

namespace {

struct Options {
  std::string experiment_path;
  std::string weights_path;
  std::string format = "table";
  std::string plot_path;
  std::string report_path;
  std::string keras_look = "keras2";
  bool explain = false;
  int seeds = 0;
  bool list_optimizers = false;
};

nlohmann::json spread_json(const duet::compare::SeedSpread::Stats& s) {
  return {{"min", s.min}, {"median", s.median}, {"max", s.max}};
}

int run(const Options& o) {
  using namespace duet::compare;
  if (o.list_optimizers) {
    std::cout << optimizer_table_markdown();
    return 0;
  }
  if (!o.report_path.empty()) check_report_path(o.report_path);
  duet::keras::config::set_console_look(o.keras_look == "keras3" ? duet::keras::config::ConsoleLook::keras3
                                                                 : duet::keras::config::ConsoleLook::keras2);
  Experiment experiment = o.experiment_path.empty() ? article_experiment() : load_experiment(o.experiment_path);
  if (!o.weights_path.empty()) experiment = with_weights_file(std::move(experiment), o.weights_path);
  // --explain re-runs once per difference removed, alone and cumulatively, and once with all.
  check_total_work(experiment, 1 + (o.explain ? 11 : 0) + o.seeds);
  TrainingTrace trace;
  const Report report = run(experiment, o.report_path.empty() ? RunHooks{} : trace.hooks());
  std::optional<Ablation> ablation;
  if (o.explain) ablation = ablate(experiment, report);
  std::optional<SeedSpread> spread;
  if (o.seeds > 0) spread = seed_spread(experiment, o.seeds);
  if (!o.plot_path.empty()) duet::file_io::write_file_atomically(o.plot_path, loss_plot_svg(report));
  if (!o.report_path.empty()) {
    duet::file_io::write_file_atomically(o.report_path, html_report(experiment, report, trace, ablation, spread));
  }

  if (o.format == "json") {
    auto j = nlohmann::json::parse(to_json(report));
    if (ablation) {
      j["explanation"]["reasons"] = explain_differences(experiment);
      j["explanation"]["baseline_gap"] = ablation->baseline_gap;
      j["explanation"]["all_removed_gap"] = ablation->all_removed_gap;
      for (const auto& row : ablation->single) j["explanation"]["removed"].push_back({{"difference", row.removed}, {"gap", row.gap}});
    }
    if (spread) {
      j["seeds"] = {{"count", spread->seeds},
                    {"keras_prediction", spread_json(spread->keras_prediction)},
                    {"torch_prediction", spread_json(spread->torch_prediction)},
                    {"keras_final_loss", spread_json(spread->keras_loss)},
                    {"torch_final_loss", spread_json(spread->torch_loss)}};
    }
    std::cout << j.dump(2) << "\n";
  } else if (o.format == "csv") {
    std::cout << to_csv(report);
  } else {
    std::cout << to_table(experiment, report);
    if (ablation) std::cout << "\n" << ablation_text(*ablation);
    if (spread) std::cout << "\n" << seed_spread_text(experiment, *spread);
  }
  std::cout.flush();
  if (!std::cout) throw duet::Error("could not write the report to standard output");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "duet-compare: trains the same model (dense, convolutional, normalisation and recurrent layers)\n"
      "with Keras' and PyTorch's rules on one engine and reports predictions, losses, weights and\n"
      "time side by side, with the reasons they differ.\n"
      "Without --experiment it runs the built-in default: the article's y = 2x - 1 regression."};
  Options o;
  app.add_option("-e,--experiment", o.experiment_path, "Experiment file (JSON; see docs/experiment-format.md)")
      ->check(CLI::ExistingFile);
  app.add_option("--weights", o.weights_path,
                 "Start both sides from a trained model's weights: a PyTorch state_dict (torch.save) or a Keras "
                 "weight file (.weights.h5, legacy .h5); the experiment's layers must fit it");
  app.add_option("-f,--format", o.format,
                 "Output: table (for people), json (the report contract), csv (loss per epoch, both sides)")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_flag("--explain", o.explain,
               "Re-run with one difference removed at a time (initial weights, loss reduction, learning rate, "
               "optimiser constants, batches) and report how much of the prediction gap each accounts for");
  app.add_option("--seeds", o.seeds, "Repeat over N seeds of each side's initialisers and shuffling and report the "
                                     "spread (min, median, max) of predictions and final losses")
      ->check(CLI::Range(1, 1000));
  app.add_option("--plot", o.plot_path, "Write both loss curves (log scale) to this SVG file");
  app.add_option("--report", o.report_path,
                 "Write the comparison as one self-contained HTML page (settings, loss curves, parameter paths or "
                 "per-layer weight change, and with --explain / --seeds their charts) to this file");
  app.add_option("--keras-look", o.keras_look,
                 "How the report shows the Keras side's console (summary() and fit's progress line): keras2 "
                 "(tf.keras 2, as the article) or keras3")
      ->check(CLI::IsMember({"keras2", "keras3"}));
  app.add_flag("--list-optimizers", o.list_optimizers,
               "Print every optimiser of both sides with its options and defaults (Markdown) and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "duet-compare: error: %s (see --help)\n", e.what());
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "duet-compare: error: %s\n", e.what());
    return 1;
  }
}
