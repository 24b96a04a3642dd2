#include "viz/render_map.hpp"

#include <X11/Xlib.h>
#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkPlaneSource.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkTexture.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowToImageFilter.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "floodtwin/version.hpp"
#include "solver/error.hpp"

namespace floodtwin::viz {

namespace fs = std::filesystem;

namespace {

constexpr double nodata_grey = 225;  ///< inactive cells and the map background

/// 2D shapes in pixel coordinates (origin bottom-left), one colour per cell.
class Shapes {
 public:
  Shapes() { colours_->SetNumberOfComponents(3); }
  void polygon(std::initializer_list<std::array<double, 2>> corners, const Rgb& colour) {
    polys_->InsertNextCell(static_cast<vtkIdType>(corners.size()));
    for (const auto& c : corners) polys_->InsertCellPoint(points_->InsertNextPoint(c[0], c[1], 0));
    colours_->InsertNextTypedTuple(colour.data());
  }
  void rect(double x0, double y0, double x1, double y1, const Rgb& colour) {
    polygon({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, colour);
  }
  /// A rectangle with a black frame of `w` pixels.
  void framed_rect(double x0, double y0, double x1, double y1, const Rgb& colour, double w) {
    rect(x0 - w, y0 - w, x1 + w, y1 + w, {0, 0, 0});
    rect(x0, y0, x1, y1, colour);
  }
  void add_to(vtkRenderer* renderer) {
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(points_);
    poly->SetPolys(polys_);
    poly->GetCellData()->SetScalars(colours_);
    vtkNew<vtkPolyDataMapper2D> mapper;
    mapper->SetInputData(poly);
    mapper->SetScalarModeToUseCellData();
    mapper->SetColorModeToDirectScalars();
    vtkNew<vtkActor2D> actor;
    actor->SetMapper(mapper);
    renderer->AddActor2D(actor);
  }

 private:
  vtkNew<vtkPoints> points_;
  vtkNew<vtkCellArray> polys_;
  vtkNew<vtkUnsignedCharArray> colours_;
};

/// Text in pixel coordinates. `h`: 0 left, 1 centred, 2 right; `v` likewise bottom to top.
void text(vtkRenderer* r, const std::string& s, double x, double y, int size, bool bold = false,
          int h = 0, int v = 0, bool boxed = false) {
  vtkNew<vtkTextActor> t;
  t->SetInput(s.c_str());
  t->SetPosition(x, y);
  vtkTextProperty* p = t->GetTextProperty();
  p->SetFontSize(size);
  p->SetFontFamilyToArial();
  p->SetBold(bold);
  p->SetColor(0, 0, 0);
  p->SetJustification(h);
  p->SetVerticalJustification(v);
  if (boxed) {
    p->SetBackgroundColor(1, 1, 1);
    p->SetBackgroundOpacity(0.8);
  }
  r->AddActor2D(t);
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// The largest of 1, 2, 5 x 10^k that is <= value.
double nice_floor(double value) {
  const double p = std::pow(10.0, std::floor(std::log10(value)));
  for (double m : {5.0, 2.0, 1.0}) {
    if (m * p <= value) return m * p;
  }
  return p;
}

/// The name of a WKT CRS (its first quoted string), shortened to `max` characters.
std::string crs_name(const std::string& wkt, std::size_t max) {
  const auto a = wkt.find('"');
  const auto b = a == std::string::npos ? a : wkt.find('"', a + 1);
  std::string name = b == std::string::npos ? "local grid" : wkt.substr(a + 1, b - a - 1);
  if (name.size() > max) name = name.substr(0, max - 3) + "...";
  return name;
}

}  // namespace

namespace {

/// The X display every render window of the process shares (opened once). A window per map
/// opening its own connection made ~40 connections per animation, and VTK aborts the process
/// when one fails (seen under load on Xvfb); here a failure is retried, then a ConfigError.
/// Callers hold render_mutex(): Xlib is not told about threads.
Display* shared_display() {
  static Display* display = nullptr;
  if (display != nullptr) return display;
  for (int attempt = 0; attempt < 5 && display == nullptr; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    display = XOpenDisplay(nullptr);
  }
  if (display == nullptr) {
    const char* name = std::getenv("DISPLAY");
    throw ConfigError(std::string("render: cannot connect to the X display DISPLAY=") +
                      (name != nullptr ? name : "") +
                      "; is the (virtual) X server running? e.g. xvfb-run -a floodtwin render ...");
  }
  return display;
}

std::mutex& render_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

MapPlacement render_map(const Basin& basin, const MapLayer& layer, const RenderOptions& options,
                        const fs::path& png) {
  const int W = options.width, H = options.height;
  if (W < 200 || W > 8000 || H < 200 || H > 8000) {
    throw ConfigError("render: width and height must be 200 to 8000 pixels, got " +
                      std::to_string(W) + " x " + std::to_string(H));
  }
  const solver::Grid& g = basin.grid;
  g.validate();
  if (basin.elevation.size() != g.cell_count() || layer.value.size() != g.cell_count() ||
      layer.shown.size() != g.cell_count()) {
    throw InputError("render: fields do not match the " + std::to_string(g.nx) + " x " +
                     std::to_string(g.ny) + " grid");
  }
  if (png.has_parent_path() && !fs::is_directory(png.parent_path())) {
    throw IoError("render: folder " + png.parent_path().string() + " does not exist");
  }

  vtkNew<vtkRenderWindow> window;
  const char* display = std::getenv("DISPLAY");
  if (std::strstr(window->GetClassName(), "XOpenGL") != nullptr &&
      (display == nullptr || *display == '\0')) {
    throw ConfigError(
        "render: VTK here draws through X and DISPLAY is not set; run it under a "
        "virtual display: xvfb-run -a floodtwin render ...");
  }
  // One map at a time per process, all through one X connection.
  const std::lock_guard<std::mutex> lock(render_mutex());
  if (std::strstr(window->GetClassName(), "XOpenGL") != nullptr) {
    window->SetDisplayId(shared_display());
  }
  window->SetOffScreenRendering(1);
  window->SetMultiSamples(0);
  window->SetSize(W, H);
  window->SetNumberOfLayers(2);

  // Layout (pixels; y from the top for the map rectangle).
  const double s = std::clamp(std::min(W, H) / 900.0, 0.6, 3.0);
  const int title_h = static_cast<int>(std::lround(78 * s));
  const int margin = static_cast<int>(std::lround(14 * s));
  const int panel_w = std::min(static_cast<int>(std::lround(235 * s)), W / 2);
  const double world_w = g.nx * static_cast<double>(g.dx);
  const double world_h = g.ny * static_cast<double>(g.dy);
  const int avail_w = W - panel_w - 2 * margin;
  const int avail_h = H - title_h - 2 * margin;
  MapPlacement map;
  if (avail_w * world_h > avail_h * world_w) {
    map.height = avail_h;
    map.width = std::max(1, static_cast<int>(std::lround(avail_h * world_w / world_h)));
  } else {
    map.width = avail_w;
    map.height = std::max(1, static_cast<int>(std::lround(avail_w * world_h / world_w)));
  }
  map.x = margin + (avail_w - map.width) / 2;
  map.y = title_h + margin + (avail_h - map.height) / 2;
  const double metres_per_pixel = world_w / map.width;

  vtkNew<vtkRenderer> background;
  background->SetBackground(1, 1, 1);
  background->SetLayer(0);
  window->AddRenderer(background);

  // The map: the composed layer as a texture on a plane over the grid (local coordinates).
  vtkNew<vtkRenderer> view;
  view->SetLayer(0);
  view->SetBackground(nodata_grey / 255, nodata_grey / 255, nodata_grey / 255);
  view->SetViewport(double(map.x) / W, double(H - map.y - map.height) / H,
                    double(map.x + map.width) / W, double(H - map.y) / H);
  window->AddRenderer(view);
  std::vector<std::uint8_t> rgba = compose_rgba(basin, layer);
  vtkNew<vtkImageData> image;
  image->SetDimensions(g.nx, g.ny, 1);
  image->AllocateScalars(VTK_UNSIGNED_CHAR, 4);
  auto* pixels = static_cast<std::uint8_t*>(image->GetScalarPointer());
  for (std::size_t p = 0; p < g.cell_count(); ++p) {
    if (rgba[4 * p + 3] == 0) {
      for (std::size_t k = 0; k < 3; ++k) rgba[4 * p + k] = static_cast<std::uint8_t>(nodata_grey);
      rgba[4 * p + 3] = 255;
    }
  }
  std::copy(rgba.begin(), rgba.end(), pixels);
  vtkNew<vtkTexture> texture;
  texture->SetInputData(image);
  texture->InterpolateOff();
  texture->RepeatOff();
  texture->EdgeClampOn();
  vtkNew<vtkPlaneSource> plane;
  plane->SetOrigin(0, 0, 0);
  plane->SetPoint1(world_w, 0, 0);
  plane->SetPoint2(0, world_h, 0);
  vtkNew<vtkPolyDataMapper> plane_mapper;
  plane_mapper->SetInputConnection(plane->GetOutputPort());
  vtkNew<vtkActor> plane_actor;
  plane_actor->SetMapper(plane_mapper);
  plane_actor->SetTexture(texture);
  plane_actor->GetProperty()->LightingOff();
  view->AddActor(plane_actor);
  vtkCamera* camera = view->GetActiveCamera();
  camera->ParallelProjectionOn();
  camera->SetFocalPoint(world_w / 2, world_h / 2, 0);
  camera->SetPosition(world_w / 2, world_h / 2, 10 * std::max(world_w, world_h));
  camera->SetViewUp(0, 1, 0);
  camera->SetParallelScale(world_h / 2);
  view->ResetCameraClippingRange();

  // Annotations on top, in pixels from the bottom-left corner.
  vtkNew<vtkRenderer> overlay;
  overlay->SetLayer(1);
  overlay->InteractiveOff();
  window->AddRenderer(overlay);
  auto font = [&](double size) { return std::max(8, static_cast<int>(std::lround(size * s))); };
  text(overlay, basin.title.empty() ? "floodtwin" : basin.title, margin, H - 12 * s, font(24), true,
       0, 2);
  std::string subtitle = layer.subtitle;
  if (!basin.start_time.empty()) subtitle += "   (t = 0 at " + basin.start_time + ")";
  text(overlay, subtitle, margin, H - 50 * s, font(16), false, 0, 2);

  Shapes shapes;
  const double px0 = W - panel_w + margin;
  double y = H - title_h - margin;  // top of the legend
  text(overlay, layer.legend_title, px0, y, font(15), true, 0, 2);
  y -= 32 * s;
  const double bar_w = 24 * s;
  if (layer.field == MapField::hazard) {
    const double box_h = 24 * s;
    for (int k = 3; k >= 0; --k) {
      shapes.framed_rect(px0, y - box_h, px0 + bar_w, y, hazard_colour(k), 1);
      text(overlay, hazard_labels()[static_cast<std::size_t>(k)], px0 + bar_w + 8 * s,
           y - box_h / 2, font(12), false, 0, 1);
      y -= box_h + 6 * s;
    }
  } else {
    const double bar_h = std::min(0.4 * avail_h, 260 * s);
    const int steps = 64;
    shapes.rect(px0 - 1, y - bar_h - 1, px0 + bar_w + 1, y + 1, {0, 0, 0});
    for (int k = 0; k < steps; ++k) {
      const double t0 = double(k) / steps, t1 = double(k + 1) / steps;
      const double tm = (t0 + t1) / 2;
      const Rgb c = layer.field == MapField::depth         ? depth_colour(tm)
                    : layer.field == MapField::probability ? probability_colour(tm)
                                                           : arrival_colour(tm);
      shapes.rect(px0, y - bar_h + t0 * bar_h, px0 + bar_w, y - bar_h + t1 * bar_h, c);
    }
    for (int k = 0; k <= 4; ++k) {
      const double v = layer.lo + (layer.hi - layer.lo) * k / 4;
      const double yk = y - bar_h + bar_h * k / 4;
      shapes.rect(px0 + bar_w, yk - 0.5, px0 + bar_w + 5 * s, yk + 0.5, {0, 0, 0});
      const bool over = layer.open_top && k == 4;  // deeper values share the top colour
      text(overlay, (over ? "> " : "") + number(v), px0 + bar_w + 8 * s, yk, font(12), false, 0, 1);
    }
    y -= bar_h + 10 * s;
  }

  // North arrow (north is up: row 0 of the grid is the northern row).
  const double ax = px0 + 30 * s, arrow_h = 44 * s;
  y -= 30 * s;
  text(overlay, "N", ax, y, font(16), true, 1, 2);
  y -= 22 * s;
  shapes.polygon({{ax, y}, {ax - 11 * s, y - arrow_h}, {ax, y - 0.7 * arrow_h}}, {0, 0, 0});
  shapes.polygon({{ax, y}, {ax, y - 0.7 * arrow_h}, {ax + 11 * s, y - arrow_h}}, {0, 0, 0});
  shapes.polygon({{ax + 1.5 * s, y - 6 * s},
                  {ax + 1.5 * s, y - 0.7 * arrow_h + 2 * s},
                  {ax + 8 * s, y - arrow_h + 5 * s}},
                 {255, 255, 255});

  // Scale bar: a round length, two segments.
  const double max_px = panel_w - 2.0 * margin - 20 * s;
  const double length = nice_floor(max_px * metres_per_pixel);
  const double bar_px = length / metres_per_pixel;
  const double sy = margin + 44 * s;
  shapes.framed_rect(px0, sy, px0 + bar_px / 2, sy + 8 * s, {0, 0, 0}, 1);
  shapes.framed_rect(px0 + bar_px / 2, sy, px0 + bar_px, sy + 8 * s, {255, 255, 255}, 1);
  text(overlay, "0", px0, sy + 12 * s, font(12), false, 1, 0);
  text(overlay, length >= 1000 ? number(length / 1000) + " km" : number(length) + " m",
       px0 + bar_px, sy + 12 * s, font(12), false, 1, 0);
  text(overlay, crs_name(basin.crs_wkt, 30), px0, margin, font(11), false, 0, 0);

  // Gauges: a red diamond and the name.
  if (options.show_gauges) {
    const double r = 6 * s;
    for (const Station& st : basin.stations) {
      const double gx = map.x + (st.x - static_cast<double>(g.origin_x)) / metres_per_pixel;
      const double gy = (H - map.y - map.height) +
                        (st.y - (static_cast<double>(g.origin_y) - world_h)) / metres_per_pixel;
      if (gx < map.x || gx > map.x + map.width || gy < H - map.y - map.height || gy > H - map.y) {
        continue;
      }
      shapes.polygon(
          {{gx, gy - r - 1.5}, {gx + r + 1.5, gy}, {gx, gy + r + 1.5}, {gx - r - 1.5, gy}},
          {0, 0, 0});
      shapes.polygon({{gx, gy - r}, {gx + r, gy}, {gx, gy + r}, {gx - r, gy}}, {230, 0, 0});
      text(overlay, st.name, gx + r + 4 * s, gy, font(12), true, 0, 1, true);
    }
  }
  shapes.add_to(overlay);

  window->Render();
  vtkNew<vtkWindowToImageFilter> grab;
  grab->SetInput(window);
  grab->SetInputBufferTypeToRGB();
  grab->ReadFrontBufferOff();
  grab->Update();
  // Written under a temporary name and renamed: a failed render leaves an earlier map alone.
  const fs::path partial = png.string() + ".partial";
  vtkNew<vtkPNGWriter> writer;
  writer->SetFileName(partial.string().c_str());
  writer->SetInputConnection(grab->GetOutputPort());
  writer->AddText("Title", (basin.title + ": " + layer.subtitle).c_str());
  writer->AddText("Software", (std::string("floodtwin ") + floodtwin::version + " (" +
                               floodtwin::git_commit + ")")
                                  .c_str());
  writer->Write();
  std::error_code ec;
  if (writer->GetErrorCode() != 0 || !fs::exists(partial)) {
    fs::remove(partial, ec);
    throw IoError("render: cannot write " + png.string());
  }
  fs::rename(partial, png, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw IoError("render: cannot rename " + partial.string() + " to " + png.string());
  }
  return map;
}

}  // namespace floodtwin::viz
