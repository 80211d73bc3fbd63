#pragma once
// How a view that shows something for the set on screen (app/gui/AlignmentView: its alignment;
// app/gui/FlareController: its forecast) asks the InferenceWorker for that set's embeddings, the same way in both:
// the cached ones answer at once; otherwise the worker is asked, unless it is busy when the set first shows (busy,
// it is almost always on this very set, for the heatmaps that ask for every set shown: its answer comes with
// encoded(), and on busyChanged(false) the view asks again).

#include <QString>

#include <memory>

namespace solarchip {

class InferenceWorker;
struct ObservationSet;
struct SetEmbeddings;

/// Whether the set has a member file at all (nothing to encode otherwise).
bool hasMemberFiles(const ObservationSet &set);

/// The worker's cached embeddings of `set` (null when there are none), after asking the worker for them when
/// there are none, unless `onlyWhenIdle` and the worker is busy.
std::shared_ptr<const SetEmbeddings> cachedOrAsk(InferenceWorker &worker, const ObservationSet &set,
                                                 const QString &archiveDir, bool onlyWhenIdle);

}  // namespace solarchip
