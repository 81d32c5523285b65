#include "results/AtomicFile.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace orchsim::results {

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path, int err)
{
  throw std::runtime_error("cannot write '" + path + "': " + what + ": " + std::strerror(err));
}
} // namespace

void write_file_atomic(const std::string& path, const std::string& content)
{
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec)
    fail("creating its folder", path, ec.value());
  std::string temp = (folder / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0)
    fail("creating a temporary file", path, errno);
  auto abandon = [&](const std::string& what) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    fail(what, path, err);
  };
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      abandon("writing");
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0)
    abandon("syncing");
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail("closing", path, err);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    fail("renaming into place", path, err);
  }
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

} // namespace orchsim::results
