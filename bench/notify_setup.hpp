#pragma once
// The subscriptions that the notify scenario creates, of which only a known few match its
// writes. The others are of the two kinds that the server's
// subscription index should rule out without looking at them: entities of another type, and
// attributes that the written entities do not have (docs/design/subscriptions.md, rule 2). A third
// kind, `same-type` (the written type, another watched attribute), is kept for experiments: the
// index finds those by type, so each one is checked against every write.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagu::bench {

// The id of matching subscription `k`, and the k that an id names (-1: not a matching one).
std::string matching_id(std::uint64_t k);
long matching_index(std::string_view subscription_id);

// A subscription of Shelters' `attribute`, notifying `uri`, with the id matching_id(k).
std::string matching_subscription(std::uint64_t k, const std::string& attribute,
                                  const std::string& uri);
// Non-matching subscription number i of `kind` (types, attrs, same-type), notifying `uri`.
std::string other_subscription(std::uint64_t i, const std::string& kind,
                               const std::string& attribute, const std::string& uri);

// POSTs every body over `connections` connections; throws unless each is answered 201.
// Returns the seconds it took.
double create_subscriptions(unsigned short port, const std::vector<std::string>& bodies,
                            std::uint64_t connections);

}  // namespace tsunagu::bench
