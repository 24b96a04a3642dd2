#pragma once
/// @file cross_section.hpp
/// Discharge through cross-sections (polylines) and through each boundary condition, from the
/// face fluxes the stepper used.
///
/// A cross-section is a polyline in grid coordinates (CRS units). It is turned into the cell
/// faces it cuts: the face between two neighbouring cells (x faces between columns, y faces
/// between rows, grid boundary faces included) belongs to the section when the segment joining
/// the two cell centres crosses the polyline. Each crossing counts with a sign, so the faces
/// form a staircase that separates the cells on one side of the line from those on the other.
/// The crossings use half-open rules (a line through a cell centre counts on one side only), so
/// a closed polyline selects exactly the faces between the cells whose centres lie inside it
/// and those outside: the volume through it is the change of the volume inside.
///
/// Sign convention: discharge is positive when water crosses the line from its right to its
/// left, looking along the line from its first vertex to its last. Drawn from the left bank to
/// the right bank (looking downstream), a section reports downstream flow as positive; a
/// clockwise closed polyline reports the net outflow of the area it encloses.
///
/// The stepper hands over each stage's mass flux of every recorded face (record_row, one call
/// per grid row from the thread that owns the row); end_stage adds them up serially in a fixed
/// order, so the volumes are bitwise the same for any number of threads, and they are the
/// fluxes that changed the depths: volume through a closed section equals the change of the
/// stored volume inside it (without rain, sources and losses there) to round-off.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "solver/boundary.hpp"
#include "solver/decomposition.hpp"
#include "solver/grid.hpp"
#include "solver/real.hpp"

namespace floodtwin::solver {

/// A vertex of a polyline: (x, y) in CRS units.
using LinePoint = std::array<Real, 2>;

/// A face cut by a section. x face (i, j): between cells (i - 1, j) and (i, j), i in [0, nx],
/// j in [0, ny); the stepper's flux through it is positive towards east. y face (i, j):
/// between cells (i, j) and (i, j + 1) (north and south), i in [0, nx), j in [-1, ny); its
/// flux is positive towards south.
struct SectionFace {
  int i = 0;
  int j = 0;
  bool x_face = true;
  int sign = 1;  ///< +1 or -1 (or a multiple where the line cuts a face more than once)
};

/// The faces a polyline cuts (see the file comment), sorted by row and column, with net signs
/// (faces the line cuts back and forth drop out). Throws InputError when the line has fewer
/// than two vertices or a non-finite coordinate.
std::vector<SectionFace> section_faces(const Grid& grid, std::span<const LinePoint> line);

/// Names of boundary conditions, in their order: "<side>_<type>" (e.g. "west_discharge"), with
/// "_2", "_3"... for the second, third... condition of the same side and type.
std::vector<std::string> boundary_labels(const std::vector<BoundaryCondition>& conditions);

/// A cross-section and what passed through it.
struct CrossSection {
  std::string name;
  std::vector<LinePoint> line;
  std::vector<SectionFace> faces;
  double volume = 0;  ///< volume passed since the section was added [m3] (sign as above)
  double rate = 0;    ///< discharge of the last step [m3/s] (volume of the step / dt)
  /// Discharge of largest magnitude over the steps so far [m3/s] (with its sign) and its time
  /// (end of that step) [s]; NaN time before the first step.
  double peak = 0;
  double peak_time = std::numeric_limits<double>::quiet_NaN();
};

/// Volumes through a boundary condition (or a side of the grid) [m3], and its rate.
struct BoundaryFlow {
  double inflow = 0;   ///< volume that entered [m3] (booked per face and stage, as MassBalance)
  double outflow = 0;  ///< volume that left [m3]
  double rate = 0;     ///< net outflow of the last step [m3/s] (negative: net inflow)
  /// outflow - inflow [m3]
  [[nodiscard]] double net_outflow() const { return outflow - inflow; }
};

/// Samples of the cumulative volumes, taken when the driver asks (record_sample).
struct FlowSamples {
  std::vector<double> times;                  ///< [s]
  std::vector<std::vector<double>> sections;  ///< per sample: volume of every section [m3]
  /// per sample: net outflow volume of every boundary condition [m3]
  std::vector<std::vector<double>> boundaries;
};

/// The accounts of a Simulation: cross-sections, per-condition and per-side boundary flows.
class FlowAccounts {
 public:
  /// Adds a section (name unique and not empty; the line must cut at least one face).
  /// Throws InputError naming the section otherwise. Returns its index.
  std::size_t add_section(const Grid& grid, std::string name, std::vector<LinePoint> line);
  [[nodiscard]] const std::vector<CrossSection>& sections() const { return sections_; }
  /// Forgets the sections (and their samples).
  void clear_sections();

  /// Which condition each boundary face follows: 2 ny + 2 nx entries (west faces of rows
  /// 0..ny-1, east faces, north faces of columns 0..nx-1, south faces), -1 for none; the
  /// flows of conditions already known are kept.
  void set_boundary_faces(const Grid& grid, std::vector<int> face_condition,
                          std::size_t conditions);
  /// Per condition (Simulation::boundaries() order).
  [[nodiscard]] const std::vector<BoundaryFlow>& boundaries() const { return conditions_; }
  /// Per side, indexed by Side (north, south, east, west as declared in boundary.hpp).
  [[nodiscard]] const std::array<BoundaryFlow, 4>& sides() const { return sides_; }

  /// Flows that bypass the cell faces: the links of sub-grid channels (subgrid_channel.hpp),
  /// each the segment [x_a, y_a, x_b, y_b] between two cell centres. A section the segment
  /// crosses counts the link's volume with the sign of the crossing (from the line's right to
  /// its left: +, as the faces; net over several crossings). Replaces the links set before.
  void set_links(std::vector<std::array<double, 4>> links);
  /// Adds the volumes the links carried from a to b [m3] (set_links() order) to the step
  /// being recorded (before end_step).
  void add_link_volumes(std::span<const double> volumes);
  /// Per section: (link, sign) of the links it crosses.
  [[nodiscard]] const std::vector<std::vector<std::pair<std::size_t, int>>>& section_links() const {
    return section_links_;
  }

  // ---- called by the stepper ---------------------------------------------------------------
  /// Stores the mass fluxes of row j's recorded faces: fx (x faces of row j, nx + 1 values,
  /// positive east), fy_north (y faces between rows j - 1 and j, nx values, positive south)
  /// and fy_south (between j and j + 1). Rows are recorded by one thread each.
  void record_row(const Grid& grid, int j, const Real* fx, const Real* fy_north,
                  const Real* fy_south);
  /// Whether record_row reads faces of row j inside the row (a section crosses it); the
  /// boundary faces (fx[0], fx[nx], fy_north of row 0, fy_south of row ny - 1) are read always.
  [[nodiscard]] bool has_faces_in_row(int j) const {
    const auto r = static_cast<std::size_t>(j);
    return !row_faces_.empty() && row_start_[r + 1] > row_start_[r];
  }
  /// Decomposed runs (decomposition.hpp), before end_stage: every process takes the recorded
  /// fluxes of each row from the row's owner, so that end_stage adds them up as one would.
  void merge_stage(const Grid& grid, Decomposition& decomposition);
  /// Adds the stored fluxes of a stage times `weight_dt` (stage weight x dt) to the step.
  void end_stage(double weight_dt);
  /// Commits the step of length dt ending at time `t_end`; discard_step drops it (a step that
  /// failed).
  void end_step(double dt, double t_end);
  void discard_step();

  /// Appends the cumulative volumes at time t (a time not after the last sample replaces
  /// nothing: ignored).
  void record_sample(double t);
  [[nodiscard]] const FlowSamples& samples() const { return samples_; }
  void clear_samples();

  /// The totals (sections: volume, rate, peak, peak time; conditions and sides: inflow,
  /// outflow, rate) as numbers, preceded by the counts of sections and conditions: what a
  /// checkpoint keeps so that a resumed run goes on counting.
  [[nodiscard]] std::vector<double> totals() const;
  /// Restores totals() of accounts with the same numbers of sections and conditions; throws
  /// InputError (changing nothing) otherwise.
  void restore_totals(std::span<const double> values);

 private:
  void rebuild_rows(const Grid& grid);
  [[nodiscard]] static std::size_t side_of(const Grid& grid, std::size_t face);

  std::vector<CrossSection> sections_;
  /// Recorded section faces by row (CSR): row j's entries at [row_start_[j], row_start_[j+1]).
  struct RowFace {
    int column;
    int kind;  ///< 0: x face of the row, 1: y face south of the row, 2: y face north of row 0
    std::size_t slot;
  };
  std::vector<std::size_t> row_start_;
  std::vector<RowFace> row_faces_;
  std::vector<std::vector<std::size_t>> section_slots_;  ///< per section: slots of its faces
  std::vector<double> face_flux_;                        ///< per slot: stage flux [m3/s]
  std::vector<double> section_step_;                     ///< per section: volume of the step

  std::vector<std::array<double, 4>> links_;                             ///< set_links()
  std::vector<std::vector<std::pair<std::size_t, int>>> section_links_;  ///< per section
  void rebuild_section_links();

  std::vector<int> face_condition_;     ///< per boundary face
  std::vector<std::size_t> face_side_;  ///< per boundary face: its Side
  std::vector<double> boundary_flux_;   ///< per boundary face: stage flux into the domain [m3/s]
  std::vector<BoundaryFlow> conditions_, conditions_step_;
  std::array<BoundaryFlow, 4> sides_{}, sides_step_{};
  FlowSamples samples_;
};

}  // namespace floodtwin::solver
