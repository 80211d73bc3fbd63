#include "widgets/LabelPlacement.h"

#include <limits>

namespace solarchip {

namespace {

double area(const QRectF &r)
{
    return r.isValid() ? r.width() * r.height() : 0.0;
}

}  // namespace

PlaceChoice choosePlace(const QVector<QRectF> &candidates, const QVector<QRectF> &taken, const QRectF &bounds)
{
    PlaceChoice best;
    double bestCost = std::numeric_limits<double>::infinity();
    for (int i = 0; i < candidates.size(); ++i) {
        const QRectF &c = candidates[i];
        double cost = bounds.isNull() ? 0.0 : area(c) - area(c.intersected(bounds));
        bool covers = false;
        for (const QRectF &t : taken)
            if (t.intersects(c)) {
                covers = true;
                cost += area(t.intersected(c));
            }
        if (!covers && (bounds.isNull() || bounds.contains(c)))
            return {i, true};
        if (cost < bestCost) {
            bestCost = cost;
            best = {i, false};
        }
    }
    return best;
}

}  // namespace solarchip
