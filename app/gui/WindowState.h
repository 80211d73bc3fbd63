#pragma once
// The window's state as JSON (the --state-json hook): what a user would read off the screen, for tests and
// outside checks that should not guess from pixels. Keys:
//   time          the current time (ISO 8601 UTC with milliseconds), null before one is shown
//   times_count   how many times the timeline holds: the observations of the anchor channel, the ones
//                 previous/next walk through (0 with nothing open)
//   view_mode     "map" or "globe"
//   views         one object per grid cell, in grid order: channel, time, file, colormap, stretch,
//                 limits [lo, hi] (the limits the rendering on screen used; null before it is rendered), unit,
//                 shown (the cell is on screen and holds a map), title (the cell's label), size [w, h] (map
//                 pixels)
//   selected_view the cell the Display dock and the exports act on (index into views, -1: none)
//   linked_groups lists of view indices whose pan and zoom move together: views whose maps share a frame
//                 (ViewLink), each view in one group (alone: a group of one); empty while linking is off
//   errors        "file: problem" lines for members that could not be loaded

#include <QJsonObject>
#include <QString>

namespace solarchip {

class MainWindow;

QJsonObject windowState(const MainWindow *window);
/// Writes windowState() to `path` (atomically); an error names the file.
QString writeWindowState(const MainWindow *window, const QString &path);

}  // namespace solarchip
