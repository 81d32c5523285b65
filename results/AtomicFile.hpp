// results/AtomicFile.hpp
#pragma once
#include <string>

namespace orchsim::results {

/** Writes `content` to `path` so that readers see either the old file or the whole new one, never a
 *  part: a temporary file beside it, fsync, rename, fsync of the folder. Creates missing folders.
 *  Throws std::runtime_error naming the path and the system's reason (a full disk, no permission);
 *  then the temporary file is removed and any earlier file at `path` is left as it was. */
void write_file_atomic(const std::string& path, const std::string& content);

} // namespace orchsim::results
