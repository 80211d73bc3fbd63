#pragma once
// What the flare subcommands (flare-train, flare-eval, flare-predict, label-efficiency) share: an archive's
// embeddings through the model (store filled on first use), its flare list and the 4-class window labels.

#include "app/cli/CommandLine.h"
#include "models/flare/FlareFinetune.h"
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
/// `otherArchive` (label-efficiency --test-archive): that archive instead of --archive, with its own catalog,
/// its own swpc_flarelist_*.csv and its default embedding store (--db, --flare-list and --store are --archive's).
Expected<FlareArchive> loadFlareArchive(const CommandLine &p, const TrainedModel &model, double windowHours, bool patches,
                                        bool json, QString *usageError, const QString &otherArchive = {});

/// An archive's images for fine-tuning (models/flare/FlareFinetune.h) with the window labels of their sets.
struct FlareImageArchive {
    FlareImages images;
    QVector<QDateTime> times;
    QString flareList;
    QVector<int> next4, past4;
};
/// Prepares every set at `side` px (the model's prep, then an integer area average); progress lines (event
/// "prepare") when `json`.
Expected<FlareImageArchive> loadFlareImageArchive(const CommandLine &p, const TrainedModel &model, double windowHours, int side,
                                                  bool json, QString *usageError, const QString &otherArchive = {});

/// --finetune-head, --finetune-blocks, --finetune-epochs, --finetune-resolution, --encoder-lr, --head-lr,
/// --batch, --patience (flare-train --head finetune|scratch and label-efficiency).
void addFinetuneOptions(CommandLine &p);
/// Reads them; a usage message when one is bad (empty: fine). `resolution` 0 means the default.
QString readFinetuneOptions(const CommandLine &p, FlareFinetuneOptions *options, int *resolution);

/// --components N|auto: linear heads fitted on the first N principal components of the training block's
/// embeddings (auto, the default: N picked on validation with the L2; 0: all inputs).
void addComponentsOption(CommandLine &p);
/// Reads it into `head`; a usage message when it is bad (empty: fine).
QString readComponentsOption(const CommandLine &p, FlareHeadOptions *head);

}  // namespace solarchip::cli
