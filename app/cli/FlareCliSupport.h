#pragma once
// What the flare subcommands (flare-train, flare-eval, flare-predict, label-efficiency) share: an archive's
// embeddings through the model (store filled on first use), its flare list and the 4-class window labels.

#include "app/cli/CommandLine.h"
#include "models/flare/FlareRun.h"

namespace solarchip::cli {

struct FlareArchive {
    FlareFeatureLoad load;
    QVector<QDateTime> times;
    QString flareList;
    QVector<int> next4, past4;  ///< classes in [t, t+w) and [t-w, t)
};

/// Adds --flare-list FILE and --store DIR (with the data and model options).
void addFlareArchiveOptions(CommandLine &p);
/// Loads embeddings and labels; progress lines (event "embed") when `json`. `windowHours` sets the label window.
Expected<FlareArchive> loadFlareArchive(const CommandLine &p, const TrainedModel &model, double windowHours, bool patches,
                                        bool json, QString *usageError);

}  // namespace solarchip::cli
