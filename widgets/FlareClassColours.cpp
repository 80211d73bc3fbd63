#include "widgets/FlareClassColours.h"

#include "core/archive/FlareLabels.h"

namespace solarchip {

QColor flareClassColourOnMap(double peakFlux)
{
    switch (flareClassIndex(peakFlux)) {
    case 0: return QColor(170, 170, 170);
    case 1: return QColor(245, 245, 245);
    case 2: return QColor(255, 150, 40);
    default: return QColor(255, 70, 60);
    }
}

QColor flareClassColourOnPlot(int classIndex)
{
    switch (classIndex) {
    case 1: return QColor(188, 160, 0);
    case 2: return QColor(230, 110, 0);
    case 3: return QColor(150, 0, 150);
    default: return QColor(150, 150, 150);
    }
}

}  // namespace solarchip
