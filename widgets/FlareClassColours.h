#pragma once
// The colours every view gives a GOES flare class, so a flare reads the same on a map, the flare panel's plot and
// the timeline strip.

#include <QColor>

namespace solarchip {

/// A flare class's colour on a map (dark backgrounds): C white, M orange, X red, below C grey.
QColor flareClassColourOnMap(double peakFlux);

/// A flare class's colour on a plot or strip (light backgrounds), by core/archive/FlareLabels flareClassIndex:
/// 1 C olive, 2 M orange, 3 X purple; 0 (below C) grey.
QColor flareClassColourOnPlot(int classIndex);

}  // namespace solarchip
