#include "app/demo_data.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <future>
#include <sstream>

#include "api/ngsild/entity_parser.hpp"

namespace tsunagu::app {
namespace json = boost::json;
namespace {

constexpr std::string_view kMarker = ".demo-data-loaded";

Result<json::value> read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(text.str(), ec);
  if (ec || !v.is_array()) {
    return fail(ErrorKind::InvalidRequest, file.filename().string() + " is not a JSON array");
  }
  return v;
}

Result<std::vector<model::Entity>> parse_file(const std::filesystem::path& file,
                                              jsonld::ContextResolver& contexts) {
  auto doc = read_json(file);
  if (!doc) return std::unexpected(doc.error());
  std::vector<model::Entity> out;
  for (const auto& element : doc->get_array()) {
    const auto* ctx_value =
        element.is_object() ? element.get_object().if_contains("@context") : nullptr;
    auto ctx = contexts.resolve(ctx_value ? *ctx_value : json::value(nullptr));
    if (!ctx) return std::unexpected(ctx.error());
    auto entity = api::ngsild::parse_entity(element, **ctx, api::ngsild::EntityShape::Complete);
    if (!entity) {
      return fail(ErrorKind::InvalidRequest,
                  file.filename().string() + ": " + entity.error().message);
    }
    out.push_back(std::move(*entity));
  }
  return out;
}

Status store_all(broker::EntityService& entities, std::vector<model::Entity> batch) {
  std::promise<Result<broker::BatchOutcome>> done;
  auto result = done.get_future();
  entities.batch_upsert("", std::move(batch), broker::UpsertMode::Replace,
                        [&done](Result<broker::BatchOutcome> r) { done.set_value(std::move(r)); });
  auto outcome = result.get();
  if (!outcome) return std::unexpected(outcome.error());
  if (!outcome->errors.empty()) {
    return fail(ErrorKind::InternalError, outcome->errors.front().error.message);
  }
  return ok();
}

}  // namespace

Status load_demo_data(const std::filesystem::path& demo_dir, const std::filesystem::path& data_dir,
                      broker::EntityService& entities, jsonld::ContextResolver& contexts) {
  const auto marker = data_dir / kMarker;
  if (std::filesystem::exists(marker)) return ok();
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(demo_dir, ec)) {
    if (f.path().extension() == ".json" || f.path().extension() == ".jsonld") {
      files.push_back(f.path());
    }
  }
  if (ec) return fail(ErrorKind::InvalidRequest, "cannot read " + demo_dir.string());
  std::sort(files.begin(), files.end());
  std::size_t count = 0;
  for (const auto& file : files) {
    auto batch = parse_file(file, contexts);
    if (!batch) return std::unexpected(batch.error());
    count += batch->size();
    if (auto st = store_all(entities, std::move(*batch)); !st) return st;
  }
  std::ofstream(marker) << "demo data loaded\n";
  spdlog::info("demo data: {} entities from {} loaded into the default tenant", count,
               demo_dir.string());
  return ok();
}

}  // namespace tsunagu::app
