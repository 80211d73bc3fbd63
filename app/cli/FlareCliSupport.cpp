#include "app/cli/FlareCliSupport.h"

#include "app/cli/Command.h"
#include "app/cli/DataCliOptions.h"
#include "app/cli/ModelCliOptions.h"

#include <QTimeZone>

namespace solarchip::cli {

void addFlareArchiveOptions(CommandLine &p)
{
    addDataOptions(p, QStringLiteral("the model's"));
    addModelOptions(p);
    p.addOption({QStringLiteral("flare-list"),
                 QStringLiteral("Flare list (SWPC CSV or the cycle-24 list; default: the archive's swpc_flarelist_*.csv)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("store"), QStringLiteral("Embedding store (default ARCHIVE/.solarchip/embeddings/<model hash>)."),
                 QStringLiteral("DIR")});
}

Expected<FlareArchive> loadFlareArchive(const CommandLine &p, const TrainedModel &model, double windowHours, bool patches,
                                        bool json, QString *usageError)
{
    DatasetOptions base;
    *usageError = readDataOptions(p, base, model.channels);
    if (!usageError->isEmpty())
        return Error{{}, *usageError};
    FlareArchive a;
    if (p.isSet(QStringLiteral("flare-list"))) {
        a.flareList = p.value(QStringLiteral("flare-list"));
    } else {
        auto found = findFlareList(base.archiveDir);
        if (!found)
            return found.error();
        a.flareList = *found;
    }
    auto list = FlareList::load(a.flareList);
    if (!list)
        return list.error();
    auto load = loadFlareFeatures(model, base, p.value(QStringLiteral("store")), patches, [&](qint64 done, qint64 total) {
        if (json)
            printJsonLine(QJsonObject{{QStringLiteral("event"), QStringLiteral("embed")},
                                      {QStringLiteral("done"), static_cast<double>(done)},
                                      {QStringLiteral("total"), static_cast<double>(total)}});
    });
    if (!load)
        return load.error();
    a.load = std::move(*load);
    for (qint64 ms : a.load.features.timesMs)
        a.times << QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    const qint64 w = static_cast<qint64>(windowHours * 3600);
    a.next4 = flareWindowClasses(*list, a.times, w);
    a.past4 = flarePastClasses(*list, a.times, w);
    return a;
}

}  // namespace solarchip::cli
