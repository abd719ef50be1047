#include "app/node_name.hpp"

#include <fstream>
#include <system_error>

#include "crypto/primitives.hpp"

namespace tsunagu::app {

Result<std::string> node_name(const std::filesystem::path& data_dir) {
  const auto file = data_dir / "node";
  {
    std::ifstream in(file);
    std::string name;
    if (in && std::getline(in, name) && !name.empty()) return name;
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  // Random, once per data directory: each node has a data directory of its own.
  const std::string name = crypto::random_token().substr(0, 22);
  const auto partial = data_dir / "node.partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << name << '\n';
    out.flush();
    if (!out) {
      return fail(ErrorKind::InternalError, "cannot write the node's name to " + partial.string());
    }
  }
  std::filesystem::rename(partial, file, ec);
  if (ec) {
    return fail(ErrorKind::InternalError,
                "cannot write the node's name to " + file.string() + ": " + ec.message());
  }
  return name;
}

}  // namespace tsunagu::app
