#pragma once
/// @file warnings.hpp
/// Warning levels and contingency plans as plain tables, and the pure functions that turn the
/// indicator outcomes into the level each zone reaches and the plan actions due.
#include <cstddef>
#include <string>
#include <vector>

#include "impacts/impacts.hpp"

namespace floodtwin::impacts {

enum class Indicator { gauge_depth, gauge_level, max_depth, flooded_area, rain, depth_share };
std::string to_string(Indicator indicator);

/// One row of levels.csv: zone,level,indicator,value[,gauge][,duration]. Several rows of one
/// zone and level are alternatives (the level is reached when any of them is).
struct LevelRule {
  std::size_t zone = 0;  ///< index into the zones
  std::string level;
  Indicator indicator = Indicator::max_depth;
  double value = 0;     ///< [m], [m2] or [mm]
  std::string gauge;    ///< gauge_depth: the gauge (station) name
  double duration = 0;  ///< rain: the window [s]
  int line = 0;         ///< in the levels file
  /// depth_share: the share (0-1) of the zone's cells that must be deeper than `value` [m];
  /// the rule's samples are that share at each snapshot, compared with this.
  double share = 0;
};

/// One row of plan.csv: zone,level,action,responsible,lead_time.
struct PlanRow {
  std::size_t zone = 0;
  std::string level;
  std::string action, responsible;
  double lead_time = 0;  ///< [s] before the level is first reached
  int line = 0;
};

/// The levels of each zone in the order listed (first appearance), lowest first.
std::vector<std::vector<std::string>> zone_level_order(const std::vector<LevelRule>& rules,
                                                       std::size_t zone_count);

/// A zone's level: the highest of its levels reached, and when.
struct ZoneLevel {
  int rank = -1;            ///< index into the zone's levels; -1: none reached
  std::string level;        ///< empty when none
  double first_time = nan;  ///< [s since the start] of the highest level reached
  /// Per level of the zone (zone_level_order): first time reached, NaN if never.
  std::vector<double> level_first_time;
};

/// Aggregates rule outcomes (one per rule, same order) into zone levels.
std::vector<ZoneLevel> zone_levels(const std::vector<LevelRule>& rules,
                                   const std::vector<LevelOutcome>& outcomes,
                                   std::size_t zone_count);

/// A plan action due because its zone reaches its level.
struct ActionDue {
  std::size_t plan_row = 0;  ///< index into the plan
  double level_time = 0;     ///< when the level is first reached [s since the start]
  double due = 0;            ///< level_time - lead_time [s since the start]
};

/// Actions of the plan whose zone reaches their level, in order of their due time (then plan
/// order).
std::vector<ActionDue> actions_due(const std::vector<PlanRow>& plan,
                                   const std::vector<std::vector<std::string>>& order,
                                   const std::vector<ZoneLevel>& levels);

}  // namespace floodtwin::impacts
