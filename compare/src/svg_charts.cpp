// The HTML report's charts (see svg_charts.h): scales, axes, the two sides' marks, and one
// function per chart.
#include "svg_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "markup.h"

namespace duet::compare::svg {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const char* colour(Side s) { return s == Side::keras ? kKerasColour : kTorchColour; }
const char* dash(Side s) { return s == Side::keras ? "none" : "7 4"; }
const char* side_name(Side s) { return s == Side::keras ? "Keras-style" : "PyTorch-style"; }

// A linear or logarithmic mapping from data values to one pixel range, with its tick values.
class Scale {
 public:
  /// `exact`: the axis spans exactly [lo, hi] (a sampled surface fills it) instead of widening
  /// to the nearest ticks.
  Scale(double lo, double hi, double from_px, double to_px, bool log, bool exact = false)
      : log_(log), from_(from_px), to_(to_px) {
    if (log) {
      lo = std::max(lo, 1e-300);
      hi = std::max(hi, lo);
      lo_ = std::floor(std::log10(lo));
      hi_ = std::max(std::ceil(std::log10(hi)), lo_ + 1);
    } else {
      if (!(hi > lo)) {
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        lo -= pad, hi += pad;
      }
      step_ = nice_step((hi - lo) / 5);
      lo_ = exact ? lo : std::floor(lo / step_) * step_;
      hi_ = exact ? hi : std::ceil(hi / step_) * step_;
    }
  }
  double operator()(double v) const {
    const double t = log_ ? (std::log10(std::max(v, std::pow(10.0, lo_))) - lo_) / (hi_ - lo_) : (v - lo_) / (hi_ - lo_);
    return from_ + (to_ - from_) * t;
  }
  /// A tick value as its label: decades as 1e-05 .. 1000, linear ticks with as many decimals as
  /// the step needs (18.975, 18.98, not 19, 19).
  std::string label(double v) const {
    if (v == 0) return "0";
    if (log_) return fmt::format("{:g}", v);
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step_) + 1e-9)), 0, 12);
    return fmt::format("{:.{}f}", v, decimals);
  }
  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log_) {
      // At most about 8 labelled decades.
      const int every = std::max(1, static_cast<int>(std::ceil((hi_ - lo_) / 8)));
      for (double d = lo_; d <= hi_ + 1e-9; d += every) t.push_back(std::pow(10.0, d));
    } else {
      for (double v = std::ceil(lo_ / step_ - 1e-9) * step_; v <= hi_ + step_ * 1e-6; v += step_)
        t.push_back(std::abs(v) < step_ * 1e-9 ? 0.0 : v);
    }
    return t;
  }

 private:
  static double nice_step(double raw) {
    if (!(raw > 0) || !std::isfinite(raw)) return 1;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  bool log_;
  double from_, to_;
  double lo_ = 0, hi_ = 1, step_ = 1;
};

// A plot area inside a chart of width w and height h.
struct Frame {
  double w, h, left, right, top, bottom;
  double x0() const { return left; }
  double x1() const { return w - right; }
  double y0() const { return h - bottom; }  // the bottom edge (largest y in pixels)
  double y1() const { return top; }
};

std::string open_svg(const Caption& c, const Frame& f) {
  const std::string id = markup_text(c.id);
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\" "
      "aria-labelledby=\"{2}-title {2}-desc\" font-family=\"sans-serif\" font-size=\"13\">\n"
      "<title id=\"{2}-title\">{3}</title>\n<desc id=\"{2}-desc\">{4}</desc>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      f.w, f.h, id, markup_text(c.title), markup_text(c.desc));
}

// Axes with ticks, grid lines and names; x_name under the plot, y_name turned along the left.
std::string axes(const Frame& f, const Scale& x, const Scale& y, const std::string& x_name, const std::string& y_name,
                 bool x_ticks = true) {
  std::string s = "<g class=\"axes\">\n";
  for (double v : y.ticks()) {
    const double py = y(v);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e3e3e3\"/>", f.x0(), py, f.x1(), py);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", f.x0() - 6, py + 4, y.label(v));
  }
  if (x_ticks) {
    for (double v : x.ticks()) {
      const double px = x(v);
      s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e3e3e3\"/>", px, f.y1(), px, f.y0());
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px, f.y0() + 18, x.label(v));
    }
  }
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#333\"/>\n",
                   f.x0(), f.y1(), f.x1() - f.x0(), f.y0() - f.y1());
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", (f.x0() + f.x1()) / 2, f.h - 10,
                   markup_text(x_name));
  s += fmt::format("<text transform=\"translate(16 {:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                   (f.y0() + f.y1()) / 2, markup_text(y_name));
  return s + "</g>\n";
}

// A side's marker: circle (Keras) or square (PyTorch), with a hover tooltip.
std::string marker(Side s, double x, double y, double r, const std::string& tip, bool hollow = false) {
  const std::string fill = hollow ? "white" : colour(s);
  const std::string body =
      s == Side::keras
          ? fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\">", x,
                        y, r, fill, colour(s))
          : fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" stroke=\"{}\" "
                        "stroke-width=\"1.5\">",
                        x - r, y - r, 2 * r, 2 * r, fill, colour(s));
  return body + "<title>" + markup_text(tip) + "</title>" + (s == Side::keras ? "</circle>" : "</rect>") + "\n";
}

std::string polyline(Side s, const std::vector<std::array<double, 2>>& pts, double width = 2) {
  std::string p;
  for (const auto& [x, y] : pts)
    if (std::isfinite(x) && std::isfinite(y)) p += fmt::format("{:.1f},{:.1f} ", x, y);
  return fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-dasharray=\"{}\" points=\"{}\">"
                     "<title>{}</title></polyline>\n",
                     colour(s), width, dash(s), p, side_name(s));
}

// Bounds of the finite (and for a log scale, positive) values.
void extend(double& lo, double& hi, const std::vector<double>& v, bool positive_only) {
  for (double x : v)
    if (std::isfinite(x) && (!positive_only || x > 0)) lo = std::min(lo, x), hi = std::max(hi, x);
}

}  // namespace

std::string side_legend_html() {
  return fmt::format(
      "<p class=\"legend\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"44\" height=\"14\" aria-hidden=\"true\">"
      "<line x1=\"2\" y1=\"7\" x2=\"42\" y2=\"7\" stroke=\"{0}\" stroke-width=\"2\"/><circle cx=\"22\" cy=\"7\" r=\"4\" "
      "fill=\"{0}\"/></svg> Keras-style (solid line, circles) "
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"44\" height=\"14\" aria-hidden=\"true\"><line x1=\"2\" y1=\"7\" "
      "x2=\"42\" y2=\"7\" stroke=\"{1}\" stroke-width=\"2\" stroke-dasharray=\"7 4\"/><rect x=\"18\" y=\"3\" width=\"8\" "
      "height=\"8\" fill=\"{1}\"/></svg> PyTorch-style (dashed line, squares)</p>\n",
      kKerasColour, kTorchColour);
}

std::string loss_chart(const Caption& c, const LossCurves& d) {
  const Frame f{760, 380, 80, 20, 20, 50};
  const std::size_t epochs = std::max<std::size_t>({d.keras.size(), d.torch.size(), 1});
  double lo = kInf, hi = -kInf;
  extend(lo, hi, d.keras, true);
  extend(lo, hi, d.torch, true);
  if (!(lo <= hi)) lo = 1e-3, hi = 1;
  const Scale x(1, static_cast<double>(epochs), f.x0(), f.x1(), false);
  const Scale y(lo, hi, f.y0(), f.y1(), true);
  std::string s = open_svg(c, f) + axes(f, x, y, "epoch", "training loss (log scale)");
  for (const Side side : {Side::keras, Side::torch}) {
    const auto& h = side == Side::keras ? d.keras : d.torch;
    std::vector<std::array<double, 2>> pts;
    for (std::size_t e = 0; e < h.size(); ++e)
      if (h[e] > 0) pts.push_back({x(static_cast<double>(e + 1)), y(h[e])});
    s += polyline(side, pts);
    const int converged = side == Side::keras ? d.keras_converged : d.torch_converged;
    if (converged > 0) {
      const auto e = static_cast<std::size_t>(converged - 1);
      const double px = x(static_cast<double>(converged)), py = y(h[e]);
      s += marker(side, px, py, 6,
                  fmt::format("{}: loss {:.4g} at epoch {} is at most first/1000", side_name(side), h[e], converged));
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\" font-size=\"12\" text-anchor=\"start\">{} &#8804; "
                       "first/1000 at epoch {}</text>\n",
                       px + 9, py + (side == Side::keras ? -8 : 16), colour(side), side_name(side), converged);
    }
  }
  return s + "</svg>\n";
}

namespace {

// Marching squares: the segments where the sampled surface crosses `level`.
std::string contour_path(const ParameterPaths& d, double level, const Scale& x, const Scale& y) {
  const std::size_t nx = d.grid_x.size(), ny = d.grid_y.size();
  const auto at = [&](std::size_t ix, std::size_t iy) { return d.loss[iy * nx + ix]; };
  std::string path;
  for (std::size_t iy = 0; iy + 1 < ny; ++iy) {
    for (std::size_t ix = 0; ix + 1 < nx; ++ix) {
      // Corners counter-clockwise from (ix, iy); the crossing points on the four edges.
      const std::array<std::array<std::size_t, 2>, 4> corner{{{ix, iy}, {ix + 1, iy}, {ix + 1, iy + 1}, {ix, iy + 1}}};
      std::vector<std::array<double, 2>> cross;
      for (int k = 0; k < 4; ++k) {
        const auto [ax, ay] = corner[static_cast<std::size_t>(k)];
        const auto [bx, by] = corner[static_cast<std::size_t>((k + 1) % 4)];
        const double va = at(ax, ay), vb = at(bx, by);
        if (!std::isfinite(va) || !std::isfinite(vb) || (va < level) == (vb < level)) continue;
        const double t = (level - va) / (vb - va);
        cross.push_back({x(d.grid_x[ax] + t * (d.grid_x[bx] - d.grid_x[ax])), y(d.grid_y[ay] + t * (d.grid_y[by] - d.grid_y[ay]))});
      }
      for (std::size_t k = 0; k + 1 < cross.size(); k += 2)
        path += fmt::format("M{:.1f} {:.1f}L{:.1f} {:.1f}", cross[k][0], cross[k][1], cross[k + 1][0], cross[k + 1][1]);
    }
  }
  return path;
}

}  // namespace

std::string path_chart(const Caption& c, const ParameterPaths& d) {
  const Frame f{760, 560, 80, 20, 20, 50};
  const Scale x(d.grid_x.front(), d.grid_x.back(), f.x0(), f.x1(), false, true);
  const Scale y(d.grid_y.front(), d.grid_y.back(), f.y0(), f.y1(), false, true);
  std::string s = open_svg(c, f);
  s += fmt::format("<clipPath id=\"{}-clip\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/></clipPath>\n",
                   markup_text(c.id), f.x0(), f.y1(), f.x1() - f.x0(), f.y0() - f.y1());
  s += axes(f, x, y, d.x_name, d.y_name);
  s += fmt::format("<g clip-path=\"url(#{}-clip)\">\n", markup_text(c.id));
  // Contours at loss levels spaced evenly in log between the surface's minimum and maximum,
  // darker towards the minimum.
  double lo = kInf, hi = -kInf;
  extend(lo, hi, d.loss, true);
  std::size_t best = 0;
  for (std::size_t i = 0; i < d.loss.size(); ++i)
    if (d.loss[i] < d.loss[best]) best = i;
  if (lo < hi) {
    constexpr int kLevels = 14;
    for (int k = 1; k < kLevels; ++k) {
      const double t = static_cast<double>(k) / kLevels;
      const double level = std::pow(10.0, std::log10(lo) + t * (std::log10(hi) - std::log10(lo)));
      const int grey = static_cast<int>(110 + 120 * t);
      s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"rgb({},{},{})\" stroke-width=\"1\"><title>loss {:.3g}</title></path>\n",
                       contour_path(d, level, x, y), grey, grey, grey, level);
    }
    const double bx = x(d.grid_x[best % d.grid_x.size()]), by = y(d.grid_y[best / d.grid_x.size()]);
    s += fmt::format("<path d=\"M{0:.1f} {1:.1f}l6 6m-6 -6l-6 6m6 -6l6 -6m-6 6l-6 -6\" stroke=\"#222\" stroke-width=\"2\">"
                     "<title>lowest sampled loss {2:.3g}</title></path>\n",
                     bx, by, d.loss[best]);
  }
  for (const Side side : {Side::keras, Side::torch}) {
    const auto& p = side == Side::keras ? d.keras : d.torch;
    if (p.empty()) continue;
    std::vector<std::array<double, 2>> pts;
    for (const auto& [px, py] : p) pts.push_back({x(px), y(py)});
    s += polyline(side, pts, 1.5);
    // Dots for the first epochs show the step length, where the two sides differ most.
    const std::size_t dotted = std::min<std::size_t>(p.size(), 40);
    for (std::size_t e = 1; e + 1 < dotted; ++e)
      s += marker(side, pts[e][0], pts[e][1], 2.5,
                  fmt::format("{} after epoch {}: ({:.4g}, {:.4g})", side_name(side), e, p[e][0], p[e][1]));
    s += marker(side, pts.front()[0], pts.front()[1], 7,
                fmt::format("{} start: ({:.4g}, {:.4g})", side_name(side), p.front()[0], p.front()[1]), true);
    s += marker(side, pts.back()[0], pts.back()[1], 7,
                fmt::format("{} end after epoch {}: ({:.4g}, {:.4g})", side_name(side), p.size() - 1, p.back()[0],
                            p.back()[1]));
  }
  s += "</g>\n";
  // Labels outside the clipped area, turned inwards near the right edge.
  for (const Side side : {Side::keras, Side::torch}) {
    const auto& p = side == Side::keras ? d.keras : d.torch;
    if (p.empty()) continue;
    const double ex = x(p.back()[0]), ey = y(p.back()[1]);
    const bool right = ex > f.x1() - 160;
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\" font-weight=\"bold\" text-anchor=\"{}\">{} end</text>\n",
                     right ? ex - 12 : ex + 12, ey + (side == Side::keras ? -12 : 22), colour(side), right ? "end" : "start",
                     side_name(side));
    const double sx = x(p.front()[0]), sy = y(p.front()[1]);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\" font-weight=\"bold\">{} start</text>\n", sx + 12,
                     sy + (side == Side::keras ? 18 : -10), colour(side), side_name(side));
  }
  return s + "</svg>\n";
}

std::string weight_change_chart(const Caption& c, const WeightChange& d) {
  const Frame f{370, 240, 64, 14, 14, 46};
  const std::size_t epochs = std::max<std::size_t>({d.keras.size(), d.torch.size(), 2});
  double lo = 0, hi = -kInf;
  extend(lo, hi, d.keras, false);
  extend(lo, hi, d.torch, false);
  if (!(hi > lo)) hi = lo + 1;
  const Scale x(0, static_cast<double>(epochs - 1), f.x0(), f.x1(), false);
  const Scale y(lo, hi, f.y0(), f.y1(), false);
  std::string s = open_svg(c, f) + axes(f, x, y, "epoch", "relative change");
  for (const Side side : {Side::keras, Side::torch}) {
    const auto& v = side == Side::keras ? d.keras : d.torch;
    std::vector<std::array<double, 2>> pts;
    for (std::size_t e = 0; e < v.size(); ++e) pts.push_back({x(static_cast<double>(e)), y(v[e])});
    s += polyline(side, pts);
    if (!v.empty())
      s += marker(side, pts.back()[0], pts.back()[1], 4,
                  fmt::format("{}: {:.3g} after epoch {}", side_name(side), v.back(), v.size() - 1));
  }
  return s + "</svg>\n";
}

std::string ablation_chart(const Caption& c, const AblationBars& d) {
  const double row_h = 34;
  const double rows = static_cast<double>(d.removed.size() + 1);
  const Frame f{760, 34 + row_h * rows + 86, 250, 30, 34, 86};
  double lo = kInf, hi = -kInf;
  extend(lo, hi, {d.baseline, d.rounding_level}, true);
  extend(lo, hi, d.alone, true);
  extend(lo, hi, d.cumulative, true);
  if (!(lo <= hi)) lo = 1e-8, hi = 1;
  const double floor_value = lo / 10;  // where a gap of exactly 0 is drawn
  const Scale x(floor_value, hi * 3, f.x0(), f.x1(), true);  // room right of the largest value
  const Scale y(0, rows, f.y1(), f.y0(), false);
  std::string s = open_svg(c, f);
  // The x axis only: rows are labelled by name.
  for (double v : x.ticks()) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#e3e3e3\"/>"
                     "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                     x(v), f.y1(), f.y0(), f.y0() + 18, x.label(v));
  }
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#333\"/>\n",
                   f.x0(), f.y1(), f.x1() - f.x0(), f.y0() - f.y1());
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">largest |PyTorch - Keras| prediction gap "
                   "(log scale)</text>\n",
                   (f.x0() + f.x1()) / 2, f.y0() + 38);
  if (d.rounding_level > 0) {
    const double rx = x(d.rounding_level);
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#555\" stroke-width=\"2\" "
                     "stroke-dasharray=\"2 3\"><title>float32 rounding level {3:.3g}</title></line>"
                     "<text x=\"{4:.1f}\" y=\"{5:.1f}\" font-size=\"12\" fill=\"#333\" text-anchor=\"{6}\">float32 rounding</text>\n",
                     rx, f.y1(), f.y0(), d.rounding_level, rx, f.y1() - 6, rx > f.x1() - 60 ? "end" : "middle");
  }
  const auto bar = [&](double row, const std::string& label, double gap, const char* fill) {
    const double yc = y(row + 0.5);
    const double g = gap > 0 ? gap : floor_value;
    std::string b = fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", f.x0() - 8, yc + 4,
                                markup_text(label));
    b += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"14\" fill=\"{}\"><title>{}: gap {:.4g}</title>"
                     "</rect>\n",
                     f.x0(), yc - 7, std::max(1.0, x(g) - f.x0()), fill, markup_text(label), gap);
    return b;
  };
  s += bar(0, "(none removed: as configured)", d.baseline, "#777");
  for (std::size_t i = 0; i < d.removed.size(); ++i) {
    const double row = static_cast<double>(i + 1);
    s += bar(row, d.removed[i], d.alone[i], "#bbb");
    const double cx = x(d.cumulative[i] > 0 ? d.cumulative[i] : floor_value), cy = y(row + 0.5);
    s += fmt::format("<path d=\"M{0:.1f} {1:.1f}l7 7l-7 7l-7 -7z\" fill=\"#222\"><title>with this and every row above "
                     "removed: gap {2:.4g}</title></path>\n",
                     cx, cy - 7, d.cumulative[i]);
  }
  // Key.
  s += fmt::format("<rect x=\"{0:.1f}\" y=\"{1:.1f}\" width=\"14\" height=\"10\" fill=\"#bbb\"/><text x=\"{2:.1f}\" "
                   "y=\"{3:.1f}\" font-size=\"12\">gap with only this difference removed</text>"
                   "<path d=\"M{4:.1f} {1:.1f}l5 5l-5 5l-5 -5z\" fill=\"#222\"/><text x=\"{5:.1f}\" y=\"{3:.1f}\" "
                   "font-size=\"12\">with this and every row above removed</text>\n",
                   20.0, f.h - 24, 38.0, f.h - 15, 330.0, 342.0);
  return s + "</svg>\n";
}

std::string strip_chart(const Caption& c, const Strip& d) {
  const Frame f{760, 190, 130, 30, 16, 46};
  double lo = kInf, hi = -kInf;
  extend(lo, hi, d.keras, false);
  extend(lo, hi, d.torch, false);
  if (!(lo <= hi)) lo = 0, hi = 1;
  // Positive values spread over more than two decades read better on a log axis.
  const bool log = lo > 0 && hi / lo > 100;
  const Scale x(lo, hi, f.x0(), f.x1(), log);
  std::string s = open_svg(c, f);
  for (double v : x.ticks()) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#e3e3e3\"/>"
                     "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                     x(v), f.y1(), f.y0(), f.y0() + 18, x.label(v));
  }
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#333\"/>\n",
                   f.x0(), f.y1(), f.x1() - f.x0(), f.y0() - f.y1());
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}{}</text>\n", (f.x0() + f.x1()) / 2, f.h - 10,
                   markup_text(d.axis_name), log ? " (log scale)" : "");
  const double row_h = (f.y0() - f.y1()) / 2;
  for (const Side side : {Side::keras, Side::torch}) {
    const auto& v = side == Side::keras ? d.keras : d.torch;
    const double yc = f.y1() + row_h * (side == Side::keras ? 0.5 : 1.5);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"{}\">{}</text>\n", f.x0() - 8, yc + 4,
                     colour(side), side_name(side));
    // Seeds with equal values stack upwards instead of hiding each other.
    std::vector<std::pair<double, int>> placed;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double px = x(v[i]);
      int stack = 0;
      for (const auto& [qx, qs] : placed)
        if (std::abs(qx - px) < 4) stack = std::max(stack, qs + 1);
      placed.push_back({px, stack});
      const double py = yc + 8 - std::min(stack, 5) * 5.0;
      s += marker(side, px, py, 3.5, fmt::format("{} seed #{}: {:.6g}", side_name(side), i, v[i]));
    }
    if (!v.empty()) {
      const double px = x(v[0]);
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"9\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\">"
                       "<title>default run (the experiment's own seed): {:.6g}</title></circle>"
                       "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" text-anchor=\"{}\">default run</text>\n",
                       px, yc + 8, v[0], px < f.x1() - 60 ? px + 12 : px - 12, yc + 22,
                       px < f.x1() - 60 ? "start" : "end");
    }
  }
  return s + "</svg>\n";
}

}  // namespace duet::compare::svg
