#pragma once
// Flare lists read once per process and shared. Several views read the archive's list (the flare panel's timeline,
// the light curve's markers, the NOAA region labels, the flare events layer, the timeline strip's GOES row); the real
// SWPC list of 2010-2021 is 8.8k rows, parsed again by each on every archive open. A list is identified by its
// canonical path and a digest of its bytes: a list rewritten on disk (the generator, an edit, a fixed row) is parsed
// again, an unchanged one never. A missing file is not kept. Thread-safe: callers are the background pool's tasks.

#include "core/archive/FlareList.h"
#include "core/base/Expected.h"

#include <memory>

namespace solarchip {

/// FlareList::load(path) (the layout picked from the header), shared: the same unchanged file gives the same object.
/// Keeps the last few lists read.
Expected<std::shared_ptr<const FlareList>> loadFlareListShared(const QString &path);

/// Lists parsed since the process started (the cache's misses), for tests and benchmarks.
int flareListParses();

}  // namespace solarchip
