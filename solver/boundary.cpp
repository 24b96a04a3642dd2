#include "solver/boundary.hpp"

#include "solver/error.hpp"

namespace floodtwin::solver {

Side parse_side(std::string_view text) {
  if (text == "north") return Side::north;
  if (text == "south") return Side::south;
  if (text == "east") return Side::east;
  if (text == "west") return Side::west;
  throw ConfigError("boundary side: expected north, south, east or west, got '" +
                    std::string(text) + "'");
}

BoundaryType parse_boundary_type(std::string_view text) {
  if (text == "wall") return BoundaryType::wall;
  if (text == "open") return BoundaryType::open;
  if (text == "discharge") return BoundaryType::discharge;
  if (text == "water_level") return BoundaryType::water_level;
  throw ConfigError("boundary type: expected wall, open, discharge or water_level, got '" +
                    std::string(text) + "'");
}

std::string to_string(Side side) {
  switch (side) {
    case Side::north: return "north";
    case Side::south: return "south";
    case Side::east: return "east";
    case Side::west: return "west";
  }
  return "?";
}

std::string to_string(BoundaryType type) {
  switch (type) {
    case BoundaryType::wall: return "wall";
    case BoundaryType::open: return "open";
    case BoundaryType::discharge: return "discharge";
    case BoundaryType::water_level: return "water_level";
  }
  return "?";
}

}  // namespace floodtwin::solver
