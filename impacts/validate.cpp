#include "impacts/validate.hpp"

#include "driver/forecast.hpp"
#include "impacts/run.hpp"
#include "scenarios/scenario.hpp"

namespace floodtwin::impacts {

std::string validate_impacts(const std::string& scenario_path) {
  const scenarios::Scenario scenario = scenarios::load_scenario(scenario_path);
  if (!scenario.impacts) return "";
  const driver::Forecast forecast = driver::prepare(scenario);
  const auto& g = forecast.sim->grid();
  const GridGeometry grid{g.nx, g.ny, g.dx, g.dy, g.origin_x, g.origin_y};
  std::string out;
  for (const auto& n : check_impacts_inputs(scenario, grid, forecast.crs_wkt)) {
    out += "  impacts " + n + "\n";
  }
  return out;
}

}  // namespace floodtwin::impacts
