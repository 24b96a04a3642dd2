/// @file cross_section.cpp
/// Polylines to cell faces, and the serial, fixed-order accounts of section and boundary flows.
#include "solver/cross_section.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <tuple>

#include "solver/error.hpp"

namespace floodtwin::solver {

std::vector<SectionFace> section_faces(const Grid& grid, std::span<const LinePoint> line) {
  if (line.size() < 2) {
    throw InputError("cross-section: expected a line of at least two points [[x, y], ...], got " +
                     std::to_string(line.size()));
  }
  for (std::size_t k = 0; k < line.size(); ++k) {
    if (!std::isfinite(line[k][0]) || !std::isfinite(line[k][1])) {
      std::ostringstream msg;
      msg << "cross-section: point " << k + 1 << " (" << line[k][0] << ", " << line[k][1]
          << ") is not finite";
      throw InputError(msg.str());
    }
  }
  const double ox = grid.origin_x;
  const double oy = grid.origin_y;
  const double dx = grid.dx;
  const double dy = grid.dy;
  // (row, kind, column) -> net sign; kind 0 = x face, 1 = y face. Sorted as the stepper
  // visits rows.
  std::map<std::tuple<int, int, int>, int> net;
  for (std::size_t k = 0; k + 1 < line.size(); ++k) {
    const double px = line[k][0], py = line[k][1];
    const double qx = line[k + 1][0], qy = line[k + 1][1];
    // x faces: rows whose centre line y = yc the segment crosses (half-open in y).
    if (py != qy) {
      const double lo = std::min(py, qy), hi = std::max(py, qy);
      const double first = std::max(0.0, std::floor((oy - hi) / dy - 0.5) - 1);
      const double last = std::min(double(grid.ny - 1), std::ceil((oy - lo) / dy - 0.5) + 1);
      for (double fj = first; fj <= last; fj += 1) {
        const int j = static_cast<int>(fj);
        const double yc = grid.y_center(j);
        if ((py > yc) == (qy > yc)) continue;
        const double xc = px + (yc - py) * (qx - px) / (qy - py);
        const double u = (xc - ox) / dx - 0.5;  // x_c(i - 1) <= xc < x_c(i): i = floor(u) + 1
        if (!(u >= -1 && u < grid.nx)) continue;
        const int i = static_cast<int>(std::floor(u)) + 1;
        // Flux positive east; the west cell is left of an upward segment.
        net[{j, 0, i}] += qy > py ? -1 : 1;
      }
    }
    // y faces: columns whose centre line x = xc the segment crosses (half-open in x).
    if (px != qx) {
      const double lo = std::min(px, qx), hi = std::max(px, qx);
      const double first = std::max(0.0, std::floor((lo - ox) / dx - 0.5) - 1);
      const double last = std::min(double(grid.nx - 1), std::ceil((hi - ox) / dx - 0.5) + 1);
      for (double fi = first; fi <= last; fi += 1) {
        const int i = static_cast<int>(fi);
        const double xc = grid.x_center(i);
        if ((px > xc) == (qx > xc)) continue;
        const double yc = py + (xc - px) * (qy - py) / (qx - px);
        const double v = (oy - yc) / dy - 0.5;  // y_c(j + 1) <= yc < y_c(j): j = ceil(v) - 1
        if (!(v > -1 && v <= grid.ny)) continue;
        const int j = static_cast<int>(std::ceil(v)) - 1;
        // Flux positive south; the north cell is left of an eastward segment.
        net[{j, 1, i}] += qx > px ? -1 : 1;
      }
    }
  }
  std::vector<SectionFace> faces;
  for (const auto& [key, sign] : net) {
    if (sign == 0) continue;
    const auto [j, kind, i] = key;
    faces.push_back({i, j, kind == 0, sign});
  }
  // Recorded per row: y faces north of row 0 (j = -1) are visited with row 0.
  std::stable_sort(faces.begin(), faces.end(), [](const SectionFace& a, const SectionFace& b) {
    return std::max(a.j, 0) < std::max(b.j, 0);
  });
  return faces;
}

namespace {

/// Net crossings of the segment a -> b (seg = [x_a, y_a, x_b, y_b]) with the polyline: +1 for
/// each crossing from the line's right to its left, -1 the other way. Half-open: a point on a
/// line counts as on its left, so a vertex on the segment is crossed once.
int segment_crossings(std::span<const LinePoint> line, const std::array<double, 4>& seg) {
  const double ax = seg[0], ay = seg[1], ex = seg[2] - seg[0], ey = seg[3] - seg[1];
  int net = 0;
  for (std::size_t k = 0; k + 1 < line.size(); ++k) {
    const double px = line[k][0], py = line[k][1];
    const double dx = line[k + 1][0] - px, dy = line[k + 1][1] - py;
    const bool a_left = dx * (ay - py) - dy * (ax - px) >= 0;
    const bool b_left = dx * (seg[3] - py) - dy * (seg[2] - px) >= 0;
    if (a_left == b_left) continue;
    const bool p_left = ex * (py - ay) - ey * (px - ax) >= 0;
    const bool q_left = ex * (line[k + 1][1] - ay) - ey * (line[k + 1][0] - ax) >= 0;
    if (p_left == q_left) continue;
    net += b_left ? 1 : -1;
  }
  return net;
}

}  // namespace

std::vector<std::string> boundary_labels(const std::vector<BoundaryCondition>& conditions) {
  std::vector<std::string> labels;
  for (std::size_t k = 0; k < conditions.size(); ++k) {
    int same = 1;
    for (std::size_t e = 0; e < k; ++e) {
      if (conditions[e].side == conditions[k].side && conditions[e].type == conditions[k].type) {
        ++same;
      }
    }
    std::ostringstream label;  // (not string concatenation: GCC 12 -Wrestrict false positive)
    label << to_string(conditions[k].side) << '_' << to_string(conditions[k].type);
    if (same > 1) label << '_' << same;
    labels.push_back(label.str());
  }
  return labels;
}

std::size_t FlowAccounts::add_section(const Grid& grid, std::string name,
                                      std::vector<LinePoint> line) {
  if (name.empty()) throw InputError("cross-section: the name must not be empty");
  for (const CrossSection& s : sections_) {
    if (s.name == name) {
      throw InputError("cross-section '" + name + "': a section of that name exists");
    }
  }
  CrossSection s;
  try {
    s.faces = section_faces(grid, line);
  } catch (const InputError& e) {
    throw InputError("cross-section '" + name + "': " + std::string(e.what()).substr(15));
  }
  if (s.faces.empty()) {
    std::ostringstream msg;
    msg << "cross-section '" << name << "': the line cuts no cell face of the grid (cell centres x "
        << grid.x_center(0) << " to " << grid.x_center(grid.nx - 1) << ", y "
        << grid.y_center(grid.ny - 1) << " to " << grid.y_center(0) << ")";
    throw InputError(msg.str());
  }
  s.name = std::move(name);
  s.line = std::move(line);
  sections_.push_back(std::move(s));
  rebuild_rows(grid);
  rebuild_section_links();
  return sections_.size() - 1;
}

void FlowAccounts::set_links(std::vector<std::array<double, 4>> links) {
  links_ = std::move(links);
  rebuild_section_links();
}

void FlowAccounts::rebuild_section_links() {
  section_links_.assign(sections_.size(), {});
  for (std::size_t s = 0; s < sections_.size(); ++s) {
    for (std::size_t l = 0; l < links_.size(); ++l) {
      const int sign = segment_crossings(sections_[s].line, links_[l]);
      if (sign != 0) section_links_[s].emplace_back(l, sign);
    }
  }
}

void FlowAccounts::add_link_volumes(std::span<const double> volumes) {
  for (std::size_t s = 0; s < section_links_.size(); ++s) {
    for (const auto& [l, sign] : section_links_[s]) section_step_[s] += sign * volumes[l];
  }
}

void FlowAccounts::clear_sections() {
  section_links_.clear();
  sections_.clear();
  row_start_.clear();
  row_faces_.clear();
  face_flux_.clear();
  section_step_.clear();
  clear_samples();
}

void FlowAccounts::rebuild_rows(const Grid& grid) {
  row_start_.assign(static_cast<std::size_t>(grid.ny) + 1, 0);
  std::vector<RowFace> all;
  std::size_t slot = 0;
  for (const CrossSection& s : sections_) {
    for (const SectionFace& f : s.faces) {
      const int row = std::max(f.j, 0);
      const int kind = f.x_face ? 0 : (f.j < 0 ? 2 : 1);
      all.push_back({f.i, kind, slot++});
      ++row_start_[static_cast<std::size_t>(row) + 1];
    }
  }
  for (std::size_t r = 1; r < row_start_.size(); ++r) row_start_[r] += row_start_[r - 1];
  row_faces_.resize(all.size());
  std::vector<std::size_t> fill(row_start_.begin(), row_start_.end() - 1);
  slot = 0;
  for (const CrossSection& s : sections_) {
    for (const SectionFace& f : s.faces) {
      const auto row = static_cast<std::size_t>(std::max(f.j, 0));
      row_faces_[fill[row]++] = all[slot++];
    }
  }
  face_flux_.assign(slot, 0);
  section_step_.assign(sections_.size(), 0);
}

void FlowAccounts::set_boundary_faces(const Grid& grid, std::vector<int> face_condition,
                                      std::size_t conditions) {
  const auto n = 2 * static_cast<std::size_t>(grid.nx) + 2 * static_cast<std::size_t>(grid.ny);
  if (face_condition.size() != n) throw InputError("boundary faces: wrong count");
  face_condition_ = std::move(face_condition);
  boundary_flux_.assign(n, 0);
  conditions_.resize(conditions);
  conditions_step_.assign(conditions, BoundaryFlow{});
  face_side_.resize(n);
  for (std::size_t f = 0; f < n; ++f) face_side_[f] = side_of(grid, f);
}

std::size_t FlowAccounts::side_of(const Grid& grid, std::size_t face) {
  const auto nx = static_cast<std::size_t>(grid.nx);
  const auto ny = static_cast<std::size_t>(grid.ny);
  const Side side = face < ny            ? Side::west
                    : face < 2 * ny      ? Side::east
                    : face < 2 * ny + nx ? Side::north
                                         : Side::south;
  return static_cast<std::size_t>(side);
}

void FlowAccounts::record_row(const Grid& grid, int j, const Real* fx, const Real* fy_north,
                              const Real* fy_south) {
  const auto dx = static_cast<double>(grid.dx);
  const auto dy = static_cast<double>(grid.dy);
  const auto nx = static_cast<std::size_t>(grid.nx);
  const auto ny = static_cast<std::size_t>(grid.ny);
  if (!boundary_flux_.empty()) {
    const auto r = static_cast<std::size_t>(j);
    // Into the domain, as the mass balance books them (stepper.cpp).
    boundary_flux_[r] = static_cast<double>(fx[0]) * dy;
    boundary_flux_[ny + r] = static_cast<double>(-fx[nx]) * dy;
    if (j == 0) {
      for (std::size_t i = 0; i < nx; ++i) {
        boundary_flux_[2 * ny + i] = static_cast<double>(fy_north[i]) * dx;
      }
    }
    if (j == grid.ny - 1) {
      for (std::size_t i = 0; i < nx; ++i) {
        boundary_flux_[2 * ny + nx + i] = static_cast<double>(-fy_south[i]) * dx;
      }
    }
  }
  if (row_faces_.empty()) return;
  const auto r = static_cast<std::size_t>(j);
  for (std::size_t e = row_start_[r]; e < row_start_[r + 1]; ++e) {
    const RowFace& f = row_faces_[e];
    const auto c = static_cast<std::size_t>(f.column);
    face_flux_[f.slot] = f.kind == 0   ? static_cast<double>(fx[c]) * dy
                         : f.kind == 1 ? static_cast<double>(fy_south[c]) * dx
                                       : static_cast<double>(fy_north[c]) * dx;
  }
}

void FlowAccounts::merge_stage(const Grid& grid, Decomposition& decomposition) {
  const std::size_t n_faces = face_flux_.size();
  if (n_faces + boundary_flux_.size() == 0) return;
  std::vector<double> values(n_faces + boundary_flux_.size());
  std::vector<int> rows(values.size(), 0);
  std::copy(face_flux_.begin(), face_flux_.end(), values.begin());
  std::copy(boundary_flux_.begin(), boundary_flux_.end(),
            values.begin() + static_cast<std::ptrdiff_t>(n_faces));
  if (!row_faces_.empty()) {
    for (std::size_t r = 0; r + 1 < row_start_.size(); ++r) {
      for (std::size_t e = row_start_[r]; e < row_start_[r + 1]; ++e) {
        rows[row_faces_[e].slot] = static_cast<int>(r);
      }
    }
  }
  const auto nx = static_cast<std::size_t>(grid.nx);
  const auto ny = static_cast<std::size_t>(grid.ny);
  for (std::size_t f = 0; f < boundary_flux_.size(); ++f) {
    // West and east faces of row f (mod ny), north faces (row 0), south faces (row ny - 1).
    const std::size_t row = f < 2 * ny ? f % ny : f < 2 * ny + nx ? 0 : ny - 1;
    rows[n_faces + f] = static_cast<int>(row);
  }
  decomposition.merge_tagged(values, rows);
  std::copy(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n_faces),
            face_flux_.begin());
  std::copy(values.begin() + static_cast<std::ptrdiff_t>(n_faces), values.end(),
            boundary_flux_.begin());
}

void FlowAccounts::end_stage(double weight_dt) {
  std::size_t slot = 0;
  for (std::size_t s = 0; s < sections_.size(); ++s) {
    double sum = 0;
    for (const SectionFace& f : sections_[s].faces) sum += f.sign * face_flux_[slot++];
    section_step_[s] += sum * weight_dt;
  }
  for (std::size_t f = 0; f < boundary_flux_.size(); ++f) {
    const double v = boundary_flux_[f] * weight_dt;
    const double in = v > 0 ? v : 0.0;
    const double out = v > 0 ? 0.0 : -v;
    BoundaryFlow& side = sides_step_[face_side_[f]];
    side.inflow += in;
    side.outflow += out;
    const int c = face_condition_[f];
    if (c >= 0) {
      conditions_step_[static_cast<std::size_t>(c)].inflow += in;
      conditions_step_[static_cast<std::size_t>(c)].outflow += out;
    }
  }
}

void FlowAccounts::end_step(double dt, double t_end) {
  for (std::size_t s = 0; s < sections_.size(); ++s) {
    CrossSection& x = sections_[s];
    x.volume += section_step_[s];
    x.rate = section_step_[s] / dt;
    if (std::isnan(x.peak_time) || std::abs(x.rate) > std::abs(x.peak)) {
      x.peak = x.rate;
      x.peak_time = t_end;
    }
    section_step_[s] = 0;
  }
  auto commit = [dt](BoundaryFlow& total, BoundaryFlow& step) {
    total.inflow += step.inflow;
    total.outflow += step.outflow;
    total.rate = (step.outflow - step.inflow) / dt;
    step = BoundaryFlow{};
  };
  for (std::size_t c = 0; c < conditions_.size(); ++c) commit(conditions_[c], conditions_step_[c]);
  for (std::size_t s = 0; s < sides_.size(); ++s) commit(sides_[s], sides_step_[s]);
}

void FlowAccounts::discard_step() {
  std::fill(section_step_.begin(), section_step_.end(), 0.0);
  std::fill(conditions_step_.begin(), conditions_step_.end(), BoundaryFlow{});
  sides_step_.fill(BoundaryFlow{});
}

void FlowAccounts::record_sample(double t) {
  if (!samples_.times.empty() && !(samples_.times.back() < t)) return;
  samples_.times.push_back(t);
  std::vector<double> v;
  v.reserve(sections_.size());
  for (const CrossSection& s : sections_) v.push_back(s.volume);
  samples_.sections.push_back(std::move(v));
  std::vector<double> b;
  b.reserve(conditions_.size());
  for (const BoundaryFlow& c : conditions_) b.push_back(c.net_outflow());
  samples_.boundaries.push_back(std::move(b));
}

void FlowAccounts::clear_samples() { samples_ = FlowSamples{}; }

std::vector<double> FlowAccounts::totals() const {
  std::vector<double> v{static_cast<double>(sections_.size()),
                        static_cast<double>(conditions_.size())};
  for (const CrossSection& s : sections_)
    v.insert(v.end(), {s.volume, s.rate, s.peak, s.peak_time});
  for (const BoundaryFlow& b : conditions_) v.insert(v.end(), {b.inflow, b.outflow, b.rate});
  for (const BoundaryFlow& b : sides_) v.insert(v.end(), {b.inflow, b.outflow, b.rate});
  return v;
}

void FlowAccounts::restore_totals(std::span<const double> values) {
  const std::size_t expected = 2 + 4 * sections_.size() + 3 * conditions_.size() + 3 * 4;
  if (values.size() != expected || values[0] != static_cast<double>(sections_.size()) ||
      values[1] != static_cast<double>(conditions_.size())) {
    std::ostringstream msg;
    msg << "flow accounts: saved for " << (values.size() >= 2 ? values[0] : -1.0)
        << " cross-section(s) and " << (values.size() >= 2 ? values[1] : -1.0)
        << " boundary condition(s); this simulation has " << sections_.size() << " and "
        << conditions_.size();
    throw InputError(msg.str());
  }
  std::size_t k = 2;
  for (CrossSection& s : sections_) {
    s.volume = values[k++];
    s.rate = values[k++];
    s.peak = values[k++];
    s.peak_time = values[k++];
  }
  auto flow = [&](BoundaryFlow& b) {
    b.inflow = values[k++];
    b.outflow = values[k++];
    b.rate = values[k++];
  };
  for (BoundaryFlow& b : conditions_) flow(b);
  for (BoundaryFlow& b : sides_) flow(b);
  discard_step();
}

}  // namespace floodtwin::solver
