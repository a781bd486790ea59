#include "models/dram/ddr/policies.h"

#include "sim/registry.h"

namespace tessera::ddr {
namespace {

template <typename Family>
std::shared_ptr<const Family> build(const Device& device, const std::string& name,
                                    const SourceLocation& where) {
  return Registry<Family>::instance().find(name, where).create(device);
}

}  // namespace

Policies make_policies(const Device& device, const PolicyNames& names,
                       const PolicyNameSources& where) {
  const std::string page = names.page != "device" ? names.page
                           : device.open_page     ? "open"
                                                  : "closed";
  const std::string refresh = names.refresh != "device" ? names.refresh
                              : device.refresh_policy == Device::RefreshPolicy::rank_staggered
                                  ? "staggered"
                                  : "simultaneous";
  return {build<Scheduler>(device, names.scheduler, where.scheduler),
          build<PagePolicy>(device, page, where.page),
          build<RefreshPolicy>(device, refresh, where.refresh)};
}

}  // namespace tessera::ddr
