// The HTML report's charts as inline SVG: no script, no external resource, every chart with a
// <title> and a <desc> (its text alternative) and labelled axes. The two sides keep one look in
// every chart: Keras-style vermilion, solid, circles; PyTorch-style blue, dashed, squares
// (Okabe-Ito colours, told apart by deuteranopes and protanopes, and by shape in greyscale).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace duet::compare::svg {

enum class Side { keras, torch };

inline constexpr const char* kKerasColour = "#D55E00";
inline constexpr const char* kTorchColour = "#0072B2";

/// What every chart carries for readers who cannot see it.
struct Caption {
  std::string id;     ///< unique in the page (element ids derive from it)
  std::string title;  ///< short name of the chart
  std::string desc;   ///< the chart's content in words: its text alternative
};

/// Loss per epoch for both sides on a log axis, with each side's first epoch at or below
/// first/1000 marked (0: never).
struct LossCurves {
  std::vector<double> keras, torch;
  int keras_converged = 0, torch_converged = 0;
};
std::string loss_chart(const Caption& c, const LossCurves& d);

/// Both sides' (w, b) paths over the contours of a loss surface sampled on a grid.
struct ParameterPaths {
  std::string x_name, y_name;                     ///< axis names, e.g. "w (layer 0 kernel)"
  std::vector<std::array<double, 2>> keras, torch;  ///< per epoch, epoch 0 first
  std::vector<double> grid_x, grid_y;             ///< ascending sample positions
  std::vector<double> loss;                       ///< loss[iy * grid_x.size() + ix]
  std::string loss_name;                          ///< what the contours are of
};
std::string path_chart(const Caption& c, const ParameterPaths& d);

/// One layer's relative weight change ||W_t - W_0|| / ||W_0|| per epoch, both sides.
struct WeightChange {
  std::string layer;
  std::vector<double> keras, torch;  ///< per epoch, epoch 0 first (0 there)
};
std::string weight_change_chart(const Caption& c, const WeightChange& d);

/// The --explain ablation: the gap as configured, then per removed difference the gap with it
/// alone removed (bar) and with it and every row above removed (diamond), on a log axis with the
/// float32 rounding level drawn.
struct AblationBars {
  double baseline = 0;
  std::vector<std::string> removed;
  std::vector<double> alone, cumulative;
  double rounding_level = 0;
};
std::string ablation_chart(const Caption& c, const AblationBars& d);

/// One value per seed for each side as a strip of dots, the default run (index 0) ringed.
struct Strip {
  std::string axis_name;
  std::vector<double> keras, torch;
};
std::string strip_chart(const Caption& c, const Strip& d);

/// A legend for the two sides, as an HTML fragment shown once above the charts.
std::string side_legend_html();

}  // namespace duet::compare::svg
