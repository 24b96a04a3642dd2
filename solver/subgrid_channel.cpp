#include "solver/subgrid_channel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>

#include "solver/error.hpp"
#include "solver/simulation.hpp"

namespace floodtwin::solver {

namespace {

/// Courant number of the local-inertial substeps (Bates et al. 2010 use 0.7).
constexpr double kAlpha = 0.7;

std::string channel_where(const std::string& name) { return "channel '" + name + "'"; }

}  // namespace

void ChannelNetwork::add(const ChannelReach& r, std::span<const std::ptrdiff_t> cells,
                         std::span<const Real> z, double cell_size) {
  const std::string where = channel_where(r.name);
  const std::size_t n = cells.size();
  if (n == 0) throw InputError(where + ": no cell");
  if (r.width.size() != n || r.bed.size() != n || r.length.size() != n ||
      r.link_length.size() + 1 != n) {
    throw InputError(where + ": width, bed, length need one value per cell and link_length one " +
                     "per link (cells - 1)");
  }
  if (!(r.manning > 0 && r.manning <= 1)) {
    throw InputError(where + ": manning must be in (0, 1], got " + std::to_string(r.manning));
  }
  // Validate everything before changing the network.
  for (std::size_t c = 0; c < n; ++c) {
    if (index_.contains(cells[c])) continue;
    const double bank = static_cast<double>(z[static_cast<std::size_t>(cells[c])]);
    std::ostringstream m;
    m << where << ": cell " << c << " (column " << r.i[c] << ", row " << r.j[c] << "): ";
    if (!(r.width[c] > 0 && r.width[c] <= cell_size * (1 + 1e-12))) {
      m << "width " << r.width[c] << " m must be in (0, " << cell_size << "] m";
      throw InputError(m.str());
    }
    if (!(r.bed[c] < bank) || !std::isfinite(r.bed[c])) {
      m << "channel bed " << r.bed[c] << " m must lie below the cell's bed (the bank) " << bank
        << " m";
      throw InputError(m.str());
    }
    if (!(r.length[c] > 0) || !std::isfinite(r.length[c])) {
      m << "centreline length " << r.length[c] << " m must be > 0";
      throw InputError(m.str());
    }
  }
  for (std::size_t l = 0; l + 1 < n; ++l) {
    if (!(r.link_length[l] > 0) || !std::isfinite(r.link_length[l])) {
      std::ostringstream m;
      m << where << ": link " << l << " length " << r.link_length[l] << " m must be > 0";
      throw InputError(m.str());
    }
  }
  if (r.free_outlet && !(r.outlet_slope > 0)) {
    throw InputError(where + ": a free outlet needs a bed slope > 0 at the outlet");
  }
  const std::size_t channel = names_.size();
  names_.push_back(r.name);
  std::vector<std::size_t> ids(n);
  for (std::size_t c = 0; c < n; ++c) {
    const auto it = index_.find(cells[c]);
    if (it != index_.end()) {
      ids[c] = it->second;
      continue;
    }
    Cell cell;
    cell.k = cells[c];
    cell.width = r.width[c];
    cell.bed = r.bed[c];
    cell.bank = static_cast<double>(z[static_cast<std::size_t>(cells[c])]);
    cell.length = r.length[c];
    cell.channel = channel;
    ids[c] = cells_.size();
    index_[cells[c]] = cells_.size();
    cells_.push_back(cell);
  }
  for (std::size_t l = 0; l + 1 < n; ++l) {
    if (ids[l] == ids[l + 1]) continue;
    Link link;
    link.a = ids[l];
    link.b = ids[l + 1];
    link.length = r.link_length[l];
    link.width = 0.5 * (cells_[link.a].width + cells_[link.b].width);
    link.manning = r.manning;
    links_.push_back(link);
  }
  if (r.free_outlet) outlets_.push_back({ids[n - 1], r.outlet_slope, r.manning});
  out_.assign(cells_.size(), 0.0);
  dv_.assign(cells_.size(), 0.0);
  eta_.assign(cells_.size(), 0.0);
  link_volume_.assign(links_.size(), 0.0);
}

double ChannelNetwork::volume() const {
  double v = 0;
  for (const Cell& c : cells_) v += c.width * c.length * c.depth;
  return v;
}

std::ptrdiff_t ChannelNetwork::find(std::ptrdiff_t k) const {
  const auto it = index_.find(k);
  return it == index_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
}

bool ChannelNetwork::equalise(std::size_t c, Real* h, Real* qx, Real* qy, double area, Real dry) {
  Cell& cell = cells_[c];
  const auto k = static_cast<std::size_t>(cell.k);
  const double full = cell.bank - cell.bed;
  const double h_old = static_cast<double>(h[k]);
  if (h_old == 0 && cell.depth <= full) return false;  // in bank, nothing above: at rest
  const double plan = cell.width * cell.length;
  const double v = plan * cell.depth + area * h_old;  // the cell's water, channel and 2D
  const double cap = plan * full;
  double h_new = 0;
  if (v <= cap) {
    cell.depth = v / plan;
  } else {
    cell.depth = full;
    h_new = (v - cap) / area;
  }
  if (h_new == h_old) return false;
  const auto hn = static_cast<Real>(h_new);
  if (hn > dry && h[k] > dry) {  // water taken keeps its velocity; water added is at rest
    if (hn < h[k]) {
      qx[k] *= hn / h[k];
      qy[k] *= hn / h[k];
    }
  } else {
    qx[k] = qy[k] = 0;
  }
  h[k] = hn;
  return true;
}

double ChannelNetwork::add_volume(std::size_t c, double volume, Real* h, Real* qx, Real* qy,
                                  double area, Real dry) {
  Cell& cell = cells_[c];
  const double plan = cell.width * cell.length;
  const double held = plan * cell.depth + area * static_cast<double>(h[cell.k]);
  volume = std::max(volume, -held);
  cell.depth += volume / plan;
  if (cell.depth < 0) {  // taken from the 2D water above: the equalisation below settles it
    const double from_2d = -cell.depth * plan;
    cell.depth = 0;
    const auto k = static_cast<std::size_t>(cell.k);
    const double h_old = static_cast<double>(h[k]);
    const double h_new = std::max(0.0, h_old - from_2d / area);
    h[k] = static_cast<Real>(h_new);
    if (!(h[k] > dry)) qx[k] = qy[k] = 0;
  }
  equalise(c, h, qx, qy, area, dry);
  return volume;
}

void ChannelNetwork::set_levels(const Real* h, const Real* eta, Real dry) {
  for (Cell& c : cells_) {
    const auto k = static_cast<std::size_t>(c.k);
    const double full = c.bank - c.bed;
    if (h[k] > dry) {
      c.depth = full;
    } else if (eta != nullptr) {
      c.depth = std::clamp(static_cast<double>(eta[k]) - c.bed, 0.0, full);
    }
  }
}

ChannelStepResult ChannelNetwork::step(double dt, Real* h, Real* qx, Real* qy, double area, Real g,
                                       Real dry) {
  ChannelStepResult r;
  const std::size_t nc = cells_.size();
  for (std::size_t c = 0; c < nc; ++c) r.changed_2d |= equalise(c, h, qx, qy, area, dry);
  // Substeps: alpha L / sqrt(g d) over the links and outlets, with the deepest water.
  double d_max = 0;
  for (const Cell& c : cells_) {
    d_max = std::max(d_max, c.depth + static_cast<double>(h[static_cast<std::size_t>(c.k)]));
  }
  double l_min = std::numeric_limits<double>::infinity();
  for (const Link& l : links_) l_min = std::min(l_min, l.length);
  for (const Outlet& o : outlets_) l_min = std::min(l_min, cells_[o.a].length);
  const double gd = static_cast<double>(g);
  int n_sub = 1;
  if (d_max > 0 && std::isfinite(l_min)) {
    const double limit = kAlpha * l_min / std::sqrt(gd * d_max);
    n_sub = std::max(1, static_cast<int>(std::ceil(dt / limit)));
  }
  const double ds = dt / n_sub;
  const double dry_d = static_cast<double>(dry);
  std::fill(link_volume_.begin(), link_volume_.end(), 0.0);
  for (int s = 0; s < n_sub; ++s) {
    for (std::size_t c = 0; c < nc; ++c) {
      const Cell& cell = cells_[c];
      eta_[c] = cell.bed + cell.depth + static_cast<double>(h[static_cast<std::size_t>(cell.k)]);
      out_[c] = 0;
      dv_[c] = 0;
    }
    for (Link& l : links_) {
      const double ea = eta_[l.a], eb = eta_[l.b];
      const double d = std::max(ea, eb) - std::max(cells_[l.a].bed, cells_[l.b].bed);
      if (!(d > dry_d)) {
        l.q = 0;
        continue;
      }
      const double a = l.width * d;
      const double radius = a / (l.width + 2 * d);
      const double friction =
          gd * ds * l.manning * l.manning * std::abs(l.q) / (a * std::pow(radius, 4.0 / 3.0));
      l.q = (l.q - gd * a * ds * (eb - ea) / l.length) / (1 + friction);
      out_[l.q > 0 ? l.a : l.b] += std::abs(l.q) * ds;
    }
    std::vector<double> q_out(outlets_.size(), 0.0);
    for (std::size_t o = 0; o < outlets_.size(); ++o) {
      const Outlet& out = outlets_[o];
      const Cell& cell = cells_[out.a];
      const double d = eta_[out.a] - cell.bed;
      if (!(d > dry_d)) continue;
      const double a = cell.width * d;
      q_out[o] =
          a * std::pow(a / (cell.width + 2 * d), 2.0 / 3.0) * std::sqrt(out.slope) / out.manning;
      out_[out.a] += q_out[o] * ds;
    }
    // Positivity: a cell gives at most what it holds; its outflows are scaled alike.
    for (std::size_t c = 0; c < nc; ++c) {
      const Cell& cell = cells_[c];
      const double held = cell.width * cell.length * cell.depth +
                          area * static_cast<double>(h[static_cast<std::size_t>(cell.k)]);
      out_[c] = out_[c] > held ? held / out_[c] : 1.0;  // now the factor
    }
    for (std::size_t n = 0; n < links_.size(); ++n) {
      Link& l = links_[n];
      l.q *= out_[l.q > 0 ? l.a : l.b];
      dv_[l.a] -= l.q * ds;
      dv_[l.b] += l.q * ds;
      link_volume_[n] += l.q * ds;
    }
    for (std::size_t o = 0; o < outlets_.size(); ++o) {
      const double v = q_out[o] * out_[outlets_[o].a] * ds;
      dv_[outlets_[o].a] -= v;
      r.outflow += v;
    }
    for (std::size_t c = 0; c < nc; ++c) {
      if (dv_[c] == 0) continue;
      Cell& cell = cells_[c];
      const double plan = cell.width * cell.length;
      cell.depth += dv_[c] / plan;
      if (cell.depth < 0) {
        // Taken from the 2D water of the cell (or round-off below zero: clipped, booked).
        const auto k = static_cast<std::size_t>(cell.k);
        const double need = -cell.depth * plan;
        const double from_2d = std::min(need, area * static_cast<double>(h[k]));
        h[k] = static_cast<Real>(std::max(0.0, static_cast<double>(h[k]) - from_2d / area));
        if (!(h[k] > dry)) qx[k] = qy[k] = 0;
        r.correction += need - from_2d;
        r.changed_2d |= from_2d > 0;
        cell.depth = 0;
      }
      r.changed_2d |= equalise(c, h, qx, qy, area, dry);
    }
  }
  r.substeps = n_sub;
  return r;
}

std::vector<ChannelCellOutput> ChannelNetwork::outputs(const Real* h, Real dry) const {
  const std::size_t nc = cells_.size();
  std::vector<double> in(nc, 0.0), out(nc, 0.0), speed(nc, 0.0);
  const auto level = [&](std::size_t c) {
    return cells_[c].bed + cells_[c].depth + static_cast<double>(h[cells_[c].k]);
  };
  for (const Link& l : links_) {
    out[l.q > 0 ? l.a : l.b] += std::abs(l.q);
    in[l.q > 0 ? l.b : l.a] += std::abs(l.q);
    // The link's mean velocity, with the depth its flow has (step()).
    const double d = std::max(level(l.a), level(l.b)) - std::max(cells_[l.a].bed, cells_[l.b].bed);
    const double u = d > static_cast<double>(dry) ? std::abs(l.q) / (l.width * d) : 0.0;
    speed[l.a] = std::max(speed[l.a], u);
    speed[l.b] = std::max(speed[l.b], u);
  }
  std::vector<ChannelCellOutput> o(nc);
  for (std::size_t c = 0; c < nc; ++c) {
    const Cell& cell = cells_[c];
    const Real h2d = h[static_cast<std::size_t>(cell.k)];
    const double depth = cell.depth + static_cast<double>(h2d);
    const double q = std::max(in[c], out[c]);
    o[c].k = cell.k;
    o[c].level = static_cast<Real>(cell.bed + depth);
    o[c].depth = static_cast<Real>(depth);
    o[c].bed = static_cast<Real>(cell.bed);
    o[c].discharge = static_cast<Real>(q);
    o[c].speed = static_cast<Real>(speed[c]);
  }
  return o;
}

std::vector<double> ChannelNetwork::state() const {
  std::vector<double> s;
  s.reserve(cells_.size() + links_.size());
  for (const Cell& c : cells_) s.push_back(c.depth);
  for (const Link& l : links_) s.push_back(l.q);
  return s;
}

void ChannelNetwork::restore(std::span<const double> s) {
  if (s.size() != cells_.size() + links_.size()) {
    std::ostringstream m;
    m << "channel state: expected " << cells_.size() << " cell depths and " << links_.size()
      << " link discharges (" << cells_.size() + links_.size() << " values), got " << s.size()
      << ": were the channels the same?";
    throw InputError(m.str());
  }
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    const double full = cells_[c].bank - cells_[c].bed;
    if (!(s[c] >= 0 && s[c] <= full * (1 + 1e-12))) {
      std::ostringstream m;
      m << "channel state: depth " << s[c] << " m of cell " << c << " ("
        << channel_where(names_[cells_[c].channel]) << ") outside [0, " << full << "] m";
      throw InputError(m.str());
    }
  }
  for (std::size_t l = 0; l < links_.size(); ++l) {
    if (!std::isfinite(s[cells_.size() + l])) {
      throw InputError("channel state: discharge of link " + std::to_string(l) + " not finite");
    }
  }
  for (std::size_t c = 0; c < cells_.size(); ++c) cells_[c].depth = s[c];
  for (std::size_t l = 0; l < links_.size(); ++l) links_[l].q = s[cells_.size() + l];
}

// ---- the Simulation's side ------------------------------------------------------------------

std::size_t Simulation::add_channel(const ChannelReach& reach) {
  const std::string where = channel_where(reach.name);
  if (decomposed()) {
    throw InputError(where + ": sub-grid channels do not run under domain decomposition (" +
                     std::to_string(decomp_->size()) +
                     " processes): a channel's links join cells of different process blocks; "
                     "run with one process or burn the channel (model = \"burn\")");
  }
  if (reach.i.size() != reach.j.size()) throw InputError(where + ": i and j differ in size");
  std::vector<std::ptrdiff_t> cells(reach.i.size());
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const int i = reach.i[c], j = reach.j[c];
    if (i < 0 || j < 0 || i >= grid_.nx || j >= grid_.ny || !is_active(i, j)) {
      std::ostringstream m;
      m << where << ": cell " << c << " (column " << i << ", row " << j
        << ") is outside the grid or inactive";
      throw InputError(m.str());
    }
    cells[c] = grid_.index(i, j);
  }
  if (!channels_) channels_ = std::make_unique<ChannelNetwork>();
  const double before = balance_started_ ? stored_volume() : 0.0;
  channels_->add(reach, cells, z_, std::min(grid_.dx, grid_.dy));
  channels_->set_levels(h_.data(), nullptr, config_.dry_depth);  // wet cells: full channels
  std::vector<std::array<double, 4>> links;  // centre to centre, for the cross-sections
  for (const ChannelNetwork::Link& l : channels_->links()) {
    const std::ptrdiff_t ka = channels_->cells()[l.a].k, kb = channels_->cells()[l.b].k;
    const std::ptrdiff_t s = grid_.stride();
    links.push_back({grid_.x_center(static_cast<int>(ka % s) - Grid::ghost),
                     grid_.y_center(static_cast<int>(ka / s) - Grid::ghost),
                     grid_.x_center(static_cast<int>(kb % s) - Grid::ghost),
                     grid_.y_center(static_cast<int>(kb / s) - Grid::ghost)});
  }
  flows_.set_links(std::move(links));
  book_edit(before);
  mark_state_changed();
  return channels_->names().size() - 1;
}

std::vector<double> Simulation::channel_state() const {
  return channels_ ? channels_->state() : std::vector<double>{};
}

void Simulation::restore_channel_state(std::span<const double> s) {
  if (!channels_) {
    if (s.empty()) return;
    throw InputError("channel state: the simulation has no sub-grid channel, got " +
                     std::to_string(s.size()) + " values");
  }
  channels_->restore(s);
  mark_state_changed();
}

std::vector<ChannelCellOutput> Simulation::channel_outputs() const {
  if (!channels_) return {};
  return channels_->outputs(h_.data(), config_.dry_depth);
}

void Simulation::step_channels(Real dt) {
  if (!channels_) return;
  const ChannelStepResult r =
      channels_->step(static_cast<double>(dt), h_.data(), qx_.data(), qy_.data(),
                      static_cast<double>(grid_.dx) * static_cast<double>(grid_.dy),
                      config_.gravity, config_.dry_depth);
  balance_.boundary_out += r.outflow;
  balance_.correction += r.correction;
  flows_.add_link_volumes(channels_->link_volumes());
  if (!r.changed_2d) return;
  max_rate_ = -1;  // recomputed from the state, as after a restore
  if (!live_known_) return;
  const std::ptrdiff_t stride = grid_.stride();
  for (const ChannelNetwork::Cell& c : channels_->cells()) {
    const auto k = static_cast<std::size_t>(c.k);
    if (h_[k] == 0 && qx_[k] == 0 && qy_[k] == 0) continue;
    const auto j = static_cast<int>(c.k / stride) - Grid::ghost;
    const auto i = static_cast<int>(c.k % stride) - Grid::ghost;
    mark_wet(i, j);
  }
}

}  // namespace floodtwin::solver
