#include "widgets/OverlayLayer.h"

namespace solarchip {

OverlayLayer::~OverlayLayer() = default;

}  // namespace solarchip
