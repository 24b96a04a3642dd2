#include "viz/vtk_series.hpp"

#include <vtkDataSetAttributes.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkStringArray.h>
#include <vtkStructuredGrid.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLPolyDataWriter.h>
#include <vtkXMLStructuredGridWriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "floodtwin/version.hpp"
#include "solver/error.hpp"

namespace floodtwin::viz {

namespace fs = std::filesystem;

namespace {

/// VTK point index of cell (i, j): rows run south to north so that the surface faces up.
vtkIdType vtk_index(const solver::Grid& g, int i, int j) {
  return static_cast<vtkIdType>(g.ny - 1 - j) * g.nx + i;
}

std::size_t cell(const solver::Grid& g, int i, int j) {
  return static_cast<std::size_t>(j) * static_cast<std::size_t>(g.nx) + static_cast<std::size_t>(i);
}

void check_size(const std::vector<double>& v, const solver::Grid& g, const char* what) {
  if (v.size() != g.cell_count()) {
    throw InputError(std::string("vtk: field '") + what + "' has " + std::to_string(v.size()) +
                     " values, expected nx * ny = " + std::to_string(g.cell_count()));
  }
}

/// A float point-data array in VTK order.
vtkSmartPointer<vtkFloatArray> scalar_array(const solver::Grid& g, const std::vector<double>& v,
                                            const char* name) {
  check_size(v, g, name);
  auto a = vtkSmartPointer<vtkFloatArray>::New();
  a->SetName(name);
  a->SetNumberOfTuples(static_cast<vtkIdType>(g.cell_count()));
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i)
      a->SetValue(vtk_index(g, i, j), static_cast<float>(v[cell(g, i, j)]));
  return a;
}

vtkSmartPointer<vtkUnsignedCharArray> flag_array(const solver::Grid& g,
                                                 const std::vector<double>& depth,
                                                 double wet_depth) {
  auto a = vtkSmartPointer<vtkUnsignedCharArray>::New();
  a->SetName("wet");
  a->SetNumberOfTuples(static_cast<vtkIdType>(g.cell_count()));
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i)
      a->SetValue(vtk_index(g, i, j), depth[cell(g, i, j)] > wet_depth ? 1 : 0);
  return a;
}

/// Field data every file carries: the CRS, the writer's version and, for snapshots, the time.
void stamp(vtkDataObject* data, const std::string& crs_wkt, double time) {
  vtkFieldData* fd = data->GetFieldData();
  auto text = [&](const char* name, const std::string& value) {
    vtkNew<vtkStringArray> a;
    a->SetName(name);
    a->InsertNextValue(value);
    fd->AddArray(a);
  };
  text("crs_wkt", crs_wkt);
  text("source",
       std::string("floodtwin ") + floodtwin::version + " (" + floodtwin::git_commit + ")");
  if (std::isfinite(time)) {
    vtkNew<vtkDoubleArray> t;
    t->SetName("TimeValue");  // the name ParaView reads as the data set's time
    t->InsertNextValue(time);
    fd->AddArray(t);
  }
}

void write_xml(vtkXMLWriter* w, const fs::path& path) {
  w->SetFileName(path.string().c_str());
  w->SetDataModeToAppended();
  w->EncodeAppendedDataOff();
  w->SetCompressorTypeToZLib();
  if (w->Write() != 1) throw IoError("vtk: cannot write " + path.string());
}

}  // namespace

struct VtkSeries::Impl {
  fs::path dir;
  Basin basin;
  VtkOptions options;
  double z_fill = 0;  ///< z of blanked (inactive) points: the lowest active elevation
  std::vector<std::pair<double, std::string>> steps;  ///< (time, file name) in flood.pvd
  std::size_t next_number = 0;                        ///< NNNN of the next flood_NNNN.vts
  bool pvd_listed = false;                            ///< flood.pvd is in `files`
  std::vector<fs::path> files;

  /// Keeps the DataSets of DIR/flood.pvd (as written by write_pvd) up to `until` [s] whose
  /// files exist, and numbers on after them.
  void resume(double until) {
    std::ifstream in(dir / "flood.pvd");
    if (!in) return;
    std::stringstream text;
    text << in.rdbuf();
    const std::string pvd = text.str();
    const double limit = until + 1e-9 * std::max(1.0, std::abs(until));
    // <DataSet timestep="T" ... file="NAME"/>, parsed by hand (our own format).
    auto attribute = [&](std::size_t from, std::size_t end, const std::string& key) {
      const std::size_t a = pvd.find(key + "=\"", from);
      if (a == std::string::npos || a > end) return std::string();
      const std::size_t b = a + key.size() + 2;
      const std::size_t e = pvd.find('"', b);
      return e == std::string::npos ? std::string() : pvd.substr(b, e - b);
    };
    for (std::size_t at = pvd.find("<DataSet"); at != std::string::npos;
         at = pvd.find("<DataSet", at + 1)) {
      const std::size_t end = pvd.find('>', at);
      if (end == std::string::npos) break;
      const std::string file = attribute(at, end, "file");
      const std::string time = attribute(at, end, "timestep");
      if (file.empty() || time.empty() || file.find('/') != std::string::npos) continue;
      char* stop = nullptr;
      const double t = std::strtod(time.c_str(), &stop);
      if (stop == time.c_str() || !(t <= limit)) continue;
      std::error_code ec;
      if (!fs::is_regular_file(dir / file, ec)) continue;
      steps.emplace_back(t, file);
      unsigned long number = 0;
      if (std::sscanf(file.c_str(), "flood_%lu.vts", &number) == 1) {
        next_number = std::max(next_number, static_cast<std::size_t>(number) + 1);
      }
    }
    next_number = std::max(next_number, steps.size());
  }

  /// A grid of the cell centres with z from `z` (NaN: blanked at z_fill).
  vtkSmartPointer<vtkStructuredGrid> surface(const std::vector<double>& z) const {
    const solver::Grid& g = basin.grid;
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(static_cast<vtkIdType>(g.cell_count()));
    for (int j = 0; j < g.ny; ++j) {
      for (int i = 0; i < g.nx; ++i) {
        const double zc = z[cell(g, i, j)];
        points->SetPoint(vtk_index(g, i, j), static_cast<double>(g.x_center(i)),
                         static_cast<double>(g.y_center(j)),
                         (std::isfinite(zc) ? zc : z_fill) * options.z_scale);
      }
    }
    auto grid = vtkSmartPointer<vtkStructuredGrid>::New();
    grid->SetDimensions(g.nx, g.ny, 1);
    grid->SetPoints(points);
    for (int j = 0; j < g.ny; ++j)
      for (int i = 0; i < g.nx; ++i)
        if (!std::isfinite(basin.elevation[cell(g, i, j)])) grid->BlankPoint(vtk_index(g, i, j));
    return grid;
  }

  void write_pvd() const {
    const fs::path path = dir / "flood.pvd";
    std::ofstream out(path);
    out << "<?xml version=\"1.0\"?>\n"
        << "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
        << "  <Collection>\n";
    out.precision(17);
    for (const auto& [t, name] : steps) {
      out << "    <DataSet timestep=\"" << t << "\" group=\"\" part=\"0\" file=\"" << name
          << "\"/>\n";
    }
    out << "  </Collection>\n</VTKFile>\n";
    if (!out) throw IoError("vtk: cannot write " + path.string());
  }
};

VtkSeries::VtkSeries(fs::path dir, Basin basin, VtkOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!(options.z_scale > 0) || !std::isfinite(options.z_scale)) {
    throw ConfigError("vtk: z scale must be a finite number > 0, got " +
                      std::to_string(options.z_scale));
  }
  if (!(options.wet_depth >= 0)) {
    throw ConfigError("vtk: wet depth must be >= 0 m, got " + std::to_string(options.wet_depth));
  }
  basin.grid.validate();
  check_size(basin.elevation, basin.grid, "elevation");
  Impl& m = *impl_;
  m.dir = std::move(dir);
  m.basin = std::move(basin);
  m.options = options;
  std::error_code ec;
  fs::create_directories(m.dir, ec);
  if (ec) throw IoError("vtk: cannot create folder " + m.dir.string() + ": " + ec.message());
  if (m.options.resume_time) {
    m.resume(*m.options.resume_time);
    m.write_pvd();
    m.files.push_back(m.dir / "flood.pvd");
    m.pvd_listed = true;
  }

  double lowest = std::numeric_limits<double>::infinity();
  for (double z : m.basin.elevation)
    if (std::isfinite(z)) lowest = std::min(lowest, z);
  m.z_fill = std::isfinite(lowest) ? lowest : 0.0;

  const solver::Grid& g = m.basin.grid;
  vtkSmartPointer<vtkStructuredGrid> terrain = m.surface(m.basin.elevation);
  terrain->GetPointData()->AddArray(scalar_array(g, m.basin.elevation, "elevation"));
  terrain->GetPointData()->SetActiveScalars("elevation");
  stamp(terrain, m.basin.crs_wkt, std::nan(""));
  vtkNew<vtkXMLStructuredGridWriter> tw;
  tw->SetInputData(terrain);
  write_xml(tw, m.dir / "terrain.vts");
  m.files.push_back(m.dir / "terrain.vts");

  if (!m.basin.stations.empty()) {
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    vtkNew<vtkStringArray> names;
    names->SetName("name");
    vtkNew<vtkFloatArray> ground;
    ground->SetName("elevation");
    vtkNew<vtkCellArray> verts;
    for (const Station& s : m.basin.stations) {
      const auto fi = static_cast<int>(std::floor((s.x - g.origin_x) / g.dx));
      const auto fj = static_cast<int>(std::floor((g.origin_y - s.y) / g.dy));
      double z = m.z_fill;
      if (fi >= 0 && fi < g.nx && fj >= 0 && fj < g.ny &&
          std::isfinite(m.basin.elevation[cell(g, fi, fj)])) {
        z = m.basin.elevation[cell(g, fi, fj)];
      }
      const vtkIdType id = points->InsertNextPoint(s.x, s.y, z * m.options.z_scale);
      verts->InsertNextCell(1, &id);
      names->InsertNextValue(s.name);
      ground->InsertNextValue(static_cast<float>(z));
    }
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(points);
    poly->SetVerts(verts);
    poly->GetPointData()->AddArray(names);
    poly->GetPointData()->AddArray(ground);
    stamp(poly, m.basin.crs_wkt, std::nan(""));
    vtkNew<vtkXMLPolyDataWriter> pw;
    pw->SetInputData(poly);
    write_xml(pw, m.dir / "gauges.vtp");
    m.files.push_back(m.dir / "gauges.vtp");
  }
}

VtkSeries::~VtkSeries() = default;
VtkSeries::VtkSeries(VtkSeries&&) noexcept = default;
VtkSeries& VtkSeries::operator=(VtkSeries&&) noexcept = default;

void VtkSeries::write(const Snapshot& snap) {
  Impl& m = *impl_;
  const solver::Grid& g = m.basin.grid;
  check_size(snap.depth, g, "depth");
  check_size(snap.water_level, g, "water_level");
  check_size(snap.velocity_x, g, "velocity_x");
  check_size(snap.velocity_y, g, "velocity_y");
  const std::size_t n = g.cell_count();
  std::vector<double> z(n), speed(n), hazard(n);
  for (std::size_t c = 0; c < n; ++c) {
    const double h = snap.depth[c];
    z[c] = h > m.options.wet_depth ? snap.water_level[c] : m.basin.elevation[c];
    speed[c] = std::hypot(snap.velocity_x[c], snap.velocity_y[c]);
    hazard[c] = std::isfinite(h)
                    ? static_cast<double>(solver::hazard_rating(
                          static_cast<solver::Real>(h), static_cast<solver::Real>(speed[c]),
                          static_cast<solver::Real>(m.basin.debris_factor)))
                    : std::numeric_limits<double>::quiet_NaN();
  }
  vtkSmartPointer<vtkStructuredGrid> grid = m.surface(z);
  vtkPointData* pd = grid->GetPointData();
  pd->AddArray(scalar_array(g, snap.depth, "depth"));
  pd->AddArray(scalar_array(g, snap.water_level, "water_level"));
  vtkNew<vtkFloatArray> velocity;
  velocity->SetName("velocity");
  velocity->SetNumberOfComponents(3);
  velocity->SetNumberOfTuples(static_cast<vtkIdType>(n));
  for (int j = 0; j < g.ny; ++j) {
    for (int i = 0; i < g.nx; ++i) {
      const std::size_t c = cell(g, i, j);
      const float uvw[3] = {static_cast<float>(snap.velocity_x[c]),
                            static_cast<float>(snap.velocity_y[c]), 0.0F};
      velocity->SetTypedTuple(vtk_index(g, i, j), uvw);
    }
  }
  pd->AddArray(velocity);
  pd->AddArray(scalar_array(g, speed, "speed"));
  pd->AddArray(scalar_array(g, hazard, "hazard"));
  pd->AddArray(scalar_array(g, m.basin.elevation, "elevation"));
  pd->AddArray(flag_array(g, snap.depth, m.options.wet_depth));
  pd->SetActiveScalars("depth");
  pd->SetActiveVectors("velocity");
  stamp(grid, m.basin.crs_wkt, snap.time);

  char name[32];
  std::snprintf(name, sizeof name, "flood_%04zu.vts", m.next_number);
  vtkNew<vtkXMLStructuredGridWriter> w;
  w->SetInputData(grid);
  write_xml(w, m.dir / name);
  m.files.push_back(m.dir / name);
  m.steps.emplace_back(snap.time, name);
  ++m.next_number;
  m.write_pvd();
  if (!m.pvd_listed) m.files.push_back(m.dir / "flood.pvd");
  m.pvd_listed = true;
}

void VtkSeries::write_peaks(const PeakMaps& p) {
  Impl& m = *impl_;
  const solver::Grid& g = m.basin.grid;
  check_size(p.max_depth, g, "max_depth");
  std::vector<double> z(g.cell_count());
  for (std::size_t c = 0; c < z.size(); ++c) {
    z[c] = p.max_depth[c] > m.options.wet_depth && std::isfinite(p.max_water_level[c])
               ? p.max_water_level[c]
               : m.basin.elevation[c];
  }
  vtkSmartPointer<vtkStructuredGrid> grid = m.surface(z);
  vtkPointData* pd = grid->GetPointData();
  pd->AddArray(scalar_array(g, p.max_depth, "max_depth"));
  pd->AddArray(scalar_array(g, p.max_speed, "max_speed"));
  pd->AddArray(scalar_array(g, p.max_water_level, "max_water_level"));
  pd->AddArray(scalar_array(g, p.time_of_max_depth, "time_of_max_depth"));
  pd->AddArray(scalar_array(g, p.arrival_time, "arrival_time"));
  pd->AddArray(scalar_array(g, p.flood_duration, "flood_duration"));
  pd->AddArray(scalar_array(g, p.max_hazard, "max_hazard"));
  pd->AddArray(scalar_array(g, m.basin.elevation, "elevation"));
  pd->AddArray(flag_array(g, p.max_depth, m.options.wet_depth));
  pd->SetActiveScalars("max_depth");
  stamp(grid, m.basin.crs_wkt, std::nan(""));
  vtkNew<vtkXMLStructuredGridWriter> w;
  w->SetInputData(grid);
  write_xml(w, m.dir / "max.vts");
  m.files.push_back(m.dir / "max.vts");
}

const fs::path& VtkSeries::dir() const { return impl_->dir; }
std::vector<fs::path> VtkSeries::files() const { return impl_->files; }
std::size_t VtkSeries::steps() const { return impl_->steps.size(); }

}  // namespace floodtwin::viz
