#pragma once
// The document form in which every backend stores a subscription: names expanded, timestamps as
// integer milliseconds since the epoch (as entity_codec.hpp does), and the filters in a form that
// binds again without the @context of the request that created them, which a store reloading the
// subscription after a restart no longer has:
//   - q is stored as the text the client wrote plus what each of its terms expanded to
//     (model::QFilter::terms), and decoding parses that text again with those expansions. This
//     gives the same tree as the first parse by construction. Printing the tree back to q text
//     with full IRIs was the alternative, but the q grammar has no syntax for an IRI as an
//     attribute name, and quoted strings are expanded too (VocabProperty comparisons).
//   - geoQ keeps its texts with the geoproperty expanded; scopeQ has no names; entity type
//     expressions are stored as a tree of expanded IRIs ({"and": [...]}, {"or": [...]}, atoms
//     as strings), because an IRI may contain the characters that separate terms in text.
//   - The @context the subscription was created with is kept as the JSON the request gave.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "model/error.hpp"
#include "model/subscription.hpp"

namespace tsunagu::store {

boost::json::object encode_subscription(const model::Subscription& subscription);
std::string encode_subscription_text(const model::Subscription& subscription);

// Decoding trusts that the document was written by encode_subscription; one that is not
// (corruption, a bug) gives InternalError naming the subscription, never a crash.
Result<model::Subscription> decode_subscription(const boost::json::object& doc);
Result<model::Subscription> decode_subscription_text(std::string_view text);

}  // namespace tsunagu::store
