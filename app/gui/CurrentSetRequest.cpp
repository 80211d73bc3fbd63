#include "app/gui/CurrentSetRequest.h"

#include "app/gui/InferenceWorker.h"

namespace solarchip {

bool hasMemberFiles(const ObservationSet &set)
{
    for (const Observation &o : set.members)
        if (o.isValid())
            return true;
    return false;
}

std::shared_ptr<const SetEmbeddings> cachedOrAsk(InferenceWorker &worker, const ObservationSet &set,
                                                 const QString &archiveDir, bool onlyWhenIdle)
{
    if (auto hit = worker.cached(set))
        return hit;
    if (!onlyWhenIdle || !worker.isBusy())
        worker.request(set, archiveDir);
    return nullptr;
}

}  // namespace solarchip
