#include "api/ngsild/temporal_params.hpp"

#include <algorithm>
#include <functional>

#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/entity_query.hpp"
#include "api/ngsild/query_params.hpp"
#include "model/duration.hpp"
#include "model/uri.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
using model::TimeRel;

namespace {

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

// Where the temporal parameters come from: the URL, or a Query body's temporalQ and aggrParams.
using Source = std::function<Result<std::optional<std::string>>(std::string_view name)>;

Source url_source(const http::Request& req) {
  return [&req](std::string_view name) -> Result<std::optional<std::string>> {
    auto v = req.query_param(name);
    return v ? std::optional<std::string>(*v) : std::nullopt;
  };
}

Result<model::Timestamp> time_param(const std::string& text, std::string_view name) {
  if (text.empty()) return bad(std::string(name) + " is empty; it must be a DateTime");
  return model::parse_datetime(text, name);
}

// timerel, timeAt, endTimeAt, timeproperty and lastN (clause 4.11).
Status time_filter(const Source& get, bool required, store::HistoryQuery& q) {
  auto rel = get("timerel");
  auto at = get("timeAt");
  auto end = get("endTimeAt");
  auto property = get("timeproperty");
  auto last = get("lastN");
  for (const auto* r : {&rel, &at, &end, &property, &last}) {
    if (!*r) return std::unexpected(r->error());
  }
  if (!*rel) {
    if (required)
      return bad("a temporal query needs timerel (before, after or between) and timeAt");
    if (*at) return bad("timeAt needs timerel (before, after or between)");
    if (*end) return bad("endTimeAt needs timerel=between");
  } else {
    auto r = model::time_rel_from_name(**rel);
    if (!r) return bad("timerel '" + **rel + "' is not one of before, after, between");
    if (!*at) return bad("timerel=" + **rel + " needs timeAt");
    auto t = time_param(**at, "timeAt");
    if (!t) return std::unexpected(t.error());
    model::TimeRange range{*r, *t, {}};
    if (*r == TimeRel::Between) {
      if (!*end) return bad("timerel=between needs endTimeAt");
      auto e = time_param(**end, "endTimeAt");
      if (!e) return std::unexpected(e.error());
      if (*e <= *t) return bad("endTimeAt must be later than timeAt");
      range.end = *e;
    } else if (*end) {
      return bad("endTimeAt is only meaningful with timerel=between");
    }
    q.range = range;
  }
  if (*property) {
    auto p = model::time_property_from_name(**property);
    if (!p) {
      return bad("timeproperty '" + **property +
                 "' is not one of observedAt, createdAt, modifiedAt, deletedAt");
    }
    q.property = *p;
  }
  if (*last) {
    auto n = parse_size(**last, "lastN", 1'000'000'000);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return bad("lastN must be a positive integer");
    q.last_n = *n;
  }
  return ok();
}

Result<std::vector<model::AggregationMethod>> methods_of(const std::string& text) {
  auto names = comma_list(text, "aggrMethods");
  if (!names) return std::unexpected(names.error());
  std::vector<model::AggregationMethod> out;
  for (const auto& n : *names) {
    auto m = model::aggregation_from_name(n);
    if (!m) {
      return bad("aggrMethods: '" + n +
                 "' is not one of totalCount, distinctCount, sum, avg, min, max, stddev, sumsq");
    }
    if (std::find(out.begin(), out.end(), *m) == out.end()) out.push_back(*m);
  }
  return out;
}

// format= and options= (format wins, as clause 6.3.12 asks), then aggrMethods and
// aggrPeriodDuration, which only the aggregated representation takes.
Status representation(const http::Request& req, const Source& get, TemporalRequest& out) {
  auto options = parse_options(req, {"temporalValues", "aggregatedValues", "sysAttrs"});
  if (!options) return std::unexpected(options.error());
  out.render.sys_attrs = options->contains("sysAttrs");
  std::optional<TemporalFormat> format;
  if (options->contains("temporalValues") && options->contains("aggregatedValues")) {
    return bad("options temporalValues and aggregatedValues cannot be combined");
  }
  if (options->contains("temporalValues")) format = TemporalFormat::TemporalValues;
  if (options->contains("aggregatedValues")) format = TemporalFormat::Aggregated;
  if (auto f = req.query_param("format")) {
    if (*f == "normalized") {
      format = TemporalFormat::Normalized;
    } else if (*f == "temporalValues") {
      format = TemporalFormat::TemporalValues;
    } else if (*f == "aggregatedValues") {
      format = TemporalFormat::Aggregated;
    } else {
      return bad("unknown format '" + std::string(*f) +
                 "'; use normalized, temporalValues or aggregatedValues");
    }
  }
  auto methods = get("aggrMethods");
  auto period = get("aggrPeriodDuration");
  if (!methods) return std::unexpected(methods.error());
  if (!period) return std::unexpected(period.error());
  // aggrMethods alone asks for the aggregated representation; with another one it is a conflict.
  if (!format && *methods) format = TemporalFormat::Aggregated;
  out.format = format.value_or(TemporalFormat::Normalized);
  if (out.format != TemporalFormat::Aggregated) {
    if (*methods || *period) {
      return bad(std::string(*methods ? "aggrMethods" : "aggrPeriodDuration") +
                 " applies to the aggregated representation (format=aggregatedValues)");
    }
    return ok();
  }
  if (!*methods) return bad("the aggregated representation needs aggrMethods");
  if (out.query.last_n) {
    return bad(
        "lastN does not apply to the aggregated representation: it aggregates the whole "
        "range");
  }
  auto m = methods_of(**methods);
  if (!m) return std::unexpected(m.error());
  out.aggregation.methods = std::move(*m);
  if (*period) {
    auto d = model::parse_duration(**period, "aggrPeriodDuration");
    if (!d) return std::unexpected(d.error());
    out.aggregation.period = *d;
  }
  return ok();
}

// datasetId=: URIs, or @none for the default instance.
Status datasets(const std::optional<std::string>& text, store::HistoryQuery& q) {
  if (!text) return ok();
  auto ids = comma_list(*text, "datasetId");
  if (!ids) return std::unexpected(ids.error());
  store::DatasetChoice choice;
  for (const auto& id : *ids) {
    if (id == "@none") {
      choice.ids.emplace_back(std::nullopt);
      continue;
    }
    if (auto st = model::validate_uri(id, "datasetId"); !st) return st;
    choice.ids.emplace_back(id);
  }
  q.datasets = std::move(choice);
  return ok();
}

// The attributes the store reads: attrs=, else the attributes pick= names, else all.
void attributes(const RenderOptions& render, store::HistoryQuery& q) {
  if (render.attrs) {
    q.attrs.assign(render.attrs->begin(), render.attrs->end());
    return;
  }
  if (!render.pick) return;
  for (const auto& member : *render.pick) {
    if (member == "id" || member == "type" || member == "createdAt" || member == "modifiedAt") {
      continue;
    }
    q.attrs.push_back(member == "scope" ? std::string(store::kScopeAttribute) : member);
  }
  // pick=id,type names no attribute: none is read.
  if (q.attrs.empty()) q.attrs.push_back("");
}

Status shape(const http::Request& req, const jsonld::Context& ctx, const Source& get,
             TemporalRequest& out) {
  if (auto st = representation(req, get, out); !st) return st;
  if (auto st = parse_selection_options(req, ctx, out.render); !st) return st;
  if (out.render.attrs && out.render.pick) return bad("attrs and pick cannot be used together");
  attributes(out.render, out.query);
  auto dataset = req.query_param("datasetId");
  if (auto st = datasets(dataset ? std::optional<std::string>(*dataset) : std::nullopt, out.query);
      !st) {
    return st;
  }
  out.query.max_instances = kMaxTemporalInstances;
  return ok();
}

const std::vector<std::string_view> kShapeParams = {
    "attrs", "pick",    "omit",   "lang",      "datasetId",    "options",     "format",
    "lastN", "timerel", "timeAt", "endTimeAt", "timeproperty", "aggrMethods", "aggrPeriodDuration"};

std::vector<std::string_view> with(std::vector<std::string_view> base,
                                   std::initializer_list<std::string_view> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

// A member of temporalQ or aggrParams as the text a URL parameter would have.
Result<std::optional<std::string>> member_text(const json::object* o, std::string_view name) {
  const auto* v = o ? o->if_contains(name) : nullptr;
  if (!v) return std::optional<std::string>();
  if (v->is_string()) return std::optional<std::string>(std::string(v->get_string()));
  if (v->is_int64() || v->is_uint64()) {
    return std::optional<std::string>(std::to_string(v->to_number<std::int64_t>()));
  }
  if (name == "aggrMethods" && v->is_array()) {
    std::string joined;
    for (const auto& m : v->get_array()) {
      if (!m.is_string()) return bad("aggrMethods must be an array of method names");
      joined += (joined.empty() ? "" : ",") + std::string(m.get_string());
    }
    return std::optional<std::string>(joined);
  }
  return bad("\"" + std::string(name) + "\" has a value of the wrong type");
}

// Which entities, and which page of them: as an entity query selects them.
void select(store::EntityQuery selection, store::HistoryQuery& q) {
  q.entities = std::move(selection.entities);
  q.q = std::move(selection.q);
  q.geo = std::move(selection.geo);
  q.scope = std::move(selection.scope);
  q.limit = selection.limit;
  q.offset = selection.offset;
  q.count = selection.count;
}

}  // namespace

Result<TemporalRequest> temporal_retrieval(const http::Request& req, const std::string& id,
                                           const jsonld::Context& ctx) {
  if (auto st = check_params(req, kShapeParams); !st) return std::unexpected(st.error());
  TemporalRequest out;
  const Source get = url_source(req);
  if (auto st = time_filter(get, false, out.query); !st) return std::unexpected(st.error());
  if (auto st = shape(req, ctx, get, out); !st) return std::unexpected(st.error());
  out.query.entities.push_back(query::EntitySelector{{}, {id}, {}});
  out.query.retrieval = true;
  out.query.limit = 1;
  return out;
}

Result<TemporalRequest> temporal_query(const http::Request& req, const jsonld::Context& ctx,
                                       const ApiLimits& limits) {
  if (auto st = check_params(
          req,
          with(kShapeParams, {"id", "idPattern", "type", "q", "georel", "geometry", "coordinates",
                              "geoproperty", "scopeQ", "limit", "offset", "count", "local"}));
      !st) {
    return std::unexpected(st.error());
  }
  TemporalRequest out;
  const Source get = url_source(req);
  if (auto st = time_filter(get, true, out.query); !st) return std::unexpected(st.error());
  if (auto st = shape(req, ctx, get, out); !st) return std::unexpected(st.error());
  std::optional<std::set<std::string>> attrs;
  if (!out.query.attrs.empty()) attrs.emplace(out.query.attrs.begin(), out.query.attrs.end());
  auto selection = query_from_params(req, ctx, limits, attrs);
  if (!selection) return std::unexpected(selection.error());
  select(std::move(*selection), out.query);
  return out;
}

Result<TemporalRequest> temporal_query_body(const json::object& body, const http::Request& req,
                                            const jsonld::Context& ctx, const ApiLimits& limits) {
  if (auto st = check_params(req, {"limit", "offset", "count", "options", "format", "lastN", "lang",
                                   "pick", "omit", "datasetId"});
      !st) {
    return std::unexpected(st.error());
  }
  const auto* temporal = body.if_contains("temporalQ");
  const auto* aggr = body.if_contains("aggrParams");
  if (!temporal || !temporal->is_object()) {
    return bad("a temporal query body needs \"temporalQ\" with timerel and timeAt");
  }
  if (aggr && !aggr->is_object()) return bad("\"aggrParams\" must be an object");
  const json::object* tq = &temporal->get_object();
  const json::object* ap = aggr ? &aggr->get_object() : nullptr;
  // lastN may come in the URL too; the body's temporalQ wins.
  const Source get = [&](std::string_view name) -> Result<std::optional<std::string>> {
    if (name == "aggrMethods" || name == "aggrPeriodDuration") {
      auto v = member_text(ap, name);
      if (!v || *v) return v;
    }
    auto v = member_text(tq, name);
    if (!v || *v || name != "lastN") return v;
    auto url = req.query_param(name);
    return url ? std::optional<std::string>(*url) : std::nullopt;
  };
  TemporalRequest out;
  if (auto st = time_filter(get, true, out.query); !st) return std::unexpected(st.error());
  if (auto st = shape(req, ctx, get, out); !st) return std::unexpected(st.error());
  json::object rest = body;
  for (auto key : {"temporalQ", "aggrParams"}) rest.erase(key);
  auto selection = query_from_body(rest, req, ctx, limits);
  if (!selection) return std::unexpected(selection.error());
  if (!selection->attrs.empty() && out.query.attrs.empty()) out.query.attrs = selection->attrs;
  select(std::move(*selection), out.query);
  return out;
}

std::string content_range(const store::HistoryQuery& q, const store::HistoryCut& cut) {
  // Forward: from the range's start to the last instant returned; backward (lastN): from the
  // range's end to the earliest instant returned (clause 6.3.10).
  model::Timestamp start = cut.first, end = cut.last;
  std::string size = "*";
  if (q.last_n) {
    start = cut.last;
    end = cut.first;
    if (q.range && q.range->rel == TimeRel::Before) start = q.range->at;
    if (q.range && q.range->rel == TimeRel::Between) start = q.range->end;
    size = std::to_string(q.last_n);
  } else if (q.range && q.range->rel != TimeRel::Before) {
    start = q.range->at;
  }
  return "date-time " + model::format_datetime(start) + "-" + model::format_datetime(end) + "/" +
         size;
}

}  // namespace tsunagu::api::ngsild
