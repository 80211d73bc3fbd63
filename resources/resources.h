#pragma once

namespace solarchip {
/// Registers the compiled-in resources (colormaps, icons, default model). Call once from main().
void initResources();
}  // namespace solarchip
