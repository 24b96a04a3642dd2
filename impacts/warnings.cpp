#include "impacts/warnings.hpp"

#include <algorithm>
#include <cmath>

namespace floodtwin::impacts {

std::string to_string(Indicator indicator) {
  switch (indicator) {
    case Indicator::gauge_depth:
      return "gauge_depth";
    case Indicator::gauge_level:
      return "gauge_level";
    case Indicator::max_depth:
      return "max_depth";
    case Indicator::flooded_area:
      return "flooded_area";
    case Indicator::rain:
      return "rain";
    case Indicator::depth_share:
      return "depth_share";
  }
  return "?";
}

std::vector<std::vector<std::string>> zone_level_order(const std::vector<LevelRule>& rules,
                                                       std::size_t zone_count) {
  std::vector<std::vector<std::string>> order(zone_count);
  for (const LevelRule& r : rules) {
    auto& levels = order[r.zone];
    if (std::find(levels.begin(), levels.end(), r.level) == levels.end()) {
      levels.push_back(r.level);
    }
  }
  return order;
}

std::vector<ZoneLevel> zone_levels(const std::vector<LevelRule>& rules,
                                   const std::vector<LevelOutcome>& outcomes,
                                   std::size_t zone_count) {
  const auto order = zone_level_order(rules, zone_count);
  std::vector<ZoneLevel> out(zone_count);
  for (std::size_t z = 0; z < zone_count; ++z) out[z].level_first_time.assign(order[z].size(), nan);
  for (std::size_t k = 0; k < rules.size(); ++k) {
    if (!outcomes[k].reached) continue;
    const auto& levels = order[rules[k].zone];
    const auto rank = static_cast<std::size_t>(
        std::find(levels.begin(), levels.end(), rules[k].level) - levels.begin());
    double& t = out[rules[k].zone].level_first_time[rank];
    if (std::isnan(t) || outcomes[k].first_time < t) t = outcomes[k].first_time;
  }
  for (std::size_t z = 0; z < zone_count; ++z) {
    ZoneLevel& zl = out[z];
    for (std::size_t r = zl.level_first_time.size(); r-- > 0;) {
      if (!std::isnan(zl.level_first_time[r])) {
        zl.rank = static_cast<int>(r);
        zl.level = order[z][r];
        zl.first_time = zl.level_first_time[r];
        break;
      }
    }
  }
  return out;
}

std::vector<ActionDue> actions_due(const std::vector<PlanRow>& plan,
                                   const std::vector<std::vector<std::string>>& order,
                                   const std::vector<ZoneLevel>& levels) {
  std::vector<ActionDue> out;
  for (std::size_t k = 0; k < plan.size(); ++k) {
    const PlanRow& p = plan[k];
    const auto& names = order[p.zone];
    const auto it = std::find(names.begin(), names.end(), p.level);
    if (it == names.end()) continue;
    const double t = levels[p.zone].level_first_time[static_cast<std::size_t>(it - names.begin())];
    if (std::isnan(t)) continue;
    out.push_back({k, t, t - p.lead_time});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ActionDue& a, const ActionDue& b) { return a.due < b.due; });
  return out;
}

}  // namespace floodtwin::impacts
