// --plot: both loss curves as a standalone SVG.
#include <fmt/format.h>

#include <cmath>

#include "duet/compare/analysis.h"
#include "markup.h"

namespace duet::compare {

std::string loss_plot_svg(const Report& r) {
  constexpr double W = 720, H = 440, left = 80, right = 20, top = 40, bottom = 60;
  const double pw = W - left - right, ph = H - top - bottom;
  double lo = INFINITY, hi = -INFINITY;
  std::size_t epochs = 1;
  for (const auto* h : {&r.keras.loss_history, &r.torch.loss_history}) {
    epochs = std::max(epochs, h->size());
    for (double v : *h)
      if (v > 0 && std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (!(lo <= hi)) lo = 1e-3, hi = 1;
  const double decade_lo = std::floor(std::log10(lo)), decade_hi = std::max(std::ceil(std::log10(hi)), decade_lo + 1);
  const auto x_of = [&](std::size_t e) { return left + pw * (epochs > 1 ? static_cast<double>(e) / static_cast<double>(epochs - 1) : 0.0); };
  const auto y_of = [&](double v) {
    const double lv = std::log10(std::max(v, std::pow(10.0, decade_lo)));
    return top + ph * (decade_hi - lv) / (decade_hi - decade_lo);
  };
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{3}: training loss per epoch</text>\n",
      W, H, W / 2, markup_text(r.experiment));
  // Axes, decade grid lines and labels.
  for (double d = decade_lo; d <= decade_hi; ++d) {
    const double y = y_of(std::pow(10.0, d));
    s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left, y, left + pw, y);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">1e{}</text>\n", left - 6, y + 4, d);
  }
  for (int i = 0; i <= 5; ++i) {
    const auto e = static_cast<std::size_t>(std::lround(static_cast<double>(epochs - 1) * i / 5.0));
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x_of(e), top + ph + 18, e + 1);
  }
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", left, top, pw, ph);
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">epoch</text>\n", left + pw / 2, H - 16);
  s += fmt::format("<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">loss (log scale)</text>\n",
                   top + ph / 2);
  const auto curve = [&](const std::vector<double>& h, const char* colour, const char* dash) {
    std::string pts;
    for (std::size_t e = 0; e < h.size(); ++e)
      if (std::isfinite(h[e])) pts += fmt::format("{:.1f},{:.1f} ", x_of(e), y_of(h[e]));
    return fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"{}\" points=\"{}\"/>\n",
                       colour, dash, pts);
  };
  s += curve(r.keras.loss_history, "#d62728", "none");
  s += curve(r.torch.loss_history, "#1f77b4", "6 3");
  // Legend.
  const double lx = left + pw - 190, ly = top + 14;
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"180\" height=\"44\" fill=\"white\" stroke=\"#999\"/>\n", lx, ly - 10);
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#d62728\" stroke-width=\"2\"/>"
                   "<text x=\"{3}\" y=\"{4}\">Keras-style</text>\n",
                   lx + 8, ly + 4, lx + 38, lx + 44, ly + 8);
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#1f77b4\" stroke-width=\"2\" "
                   "stroke-dasharray=\"6 3\"/><text x=\"{3}\" y=\"{4}\">PyTorch-style</text>\n",
                   lx + 8, ly + 24, lx + 38, lx + 44, ly + 28);
  return s + "</svg>\n";
}

}  // namespace duet::compare
