#pragma once
// Where a map label goes: the first of a few places around its mark (in order of preference) that covers no other
// label or mark and stays inside the view, else the least bad. Shared by the NOAA region labels and the flare event
// labels, so they de-clutter among themselves and against each other the same way.

#include <QRectF>
#include <QVector>

namespace solarchip {

struct PlaceChoice {
    int index = 0;      ///< into the candidates
    bool free = false;  ///< covers none of `taken` and lies inside `bounds`
};

/// The first candidate box that intersects none of `taken` and lies wholly inside `bounds` (a null `bounds`: no
/// limit); failing that, the one with the least area over `taken` plus outside `bounds` (the earlier of equals).
/// Candidates must not be empty.
PlaceChoice choosePlace(const QVector<QRectF> &candidates, const QVector<QRectF> &taken, const QRectF &bounds);

}  // namespace solarchip
