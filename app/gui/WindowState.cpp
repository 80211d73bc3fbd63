#include "app/gui/WindowState.h"

#include "app/gui/AlignmentView.h"
#include "app/gui/TranslationView.h"
#include "app/gui/FlareController.h"
#include "app/gui/TimelineFlareController.h"
#include "app/gui/ArchiveDocument.h"
#include "app/gui/HeatmapController.h"
#include "app/gui/ContourController.h"
#include "app/gui/HeaderDialog.h"
#include "app/gui/LightCurveController.h"
#include "app/gui/TimeDistanceController.h"
#include "app/gui/NoaaRegionController.h"
#include "app/gui/FlareEventController.h"
#include "app/gui/LowLabelWizard.h"
#include "app/gui/MainWindow.h"
#include "app/gui/MovieExportReaction.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SearchController.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/TrainingPanel.h"
#include "core/base/AtomicFile.h"
#include "core/map/DisplayLimits.h"
#include "core/map/SdoMap.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayProjectionNote.h"
#include "widgets/TimelineModel.h"
#include "widgets/TimelineView.h"
#include "widgets/ViewLink.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace solarchip {

namespace {

QJsonValue isoTime(const QDateTime &utc)
{
    return utc.isValid() ? QJsonValue(utc.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonObject viewState(const MapView *view)
{
    QJsonObject o;
    const std::shared_ptr<const SdoMap> map = view->map();
    const DisplaySettings settings = view->rendered().isNull() ? view->displaySettings() : view->rendered().settings;
    o[QStringLiteral("channel")] = map ? QJsonValue(map->meta.channel) : QJsonValue();
    o[QStringLiteral("time")] = map ? isoTime(map->meta.tObs) : QJsonValue();
    o[QStringLiteral("file")] = map ? QJsonValue(map->meta.file) : QJsonValue();
    o[QStringLiteral("colormap")] = settings.colormap;
    o[QStringLiteral("stretch")] = stretchName(settings.stretch);
    if (!view->rendered().isNull())
        o[QStringLiteral("limits")] = QJsonArray{view->rendered().range.min, view->rendered().range.max};
    else
        o[QStringLiteral("limits")] = QJsonValue();
    // The unit of the image on screen (while blinking, the comparison's); "byte" for Helioviewer JPEG2000
    // values, which have no physical unit (MapMeta::displayScaled).
    const std::shared_ptr<const SdoMap> shown = view->shownMap();
    o[QStringLiteral("unit")] = shown ? QJsonValue(shown->meta.unit) : QJsonValue();
    o[QStringLiteral("shown")] = map != nullptr && view->isVisible() && !view->visibleRegion().isEmpty();
    o[QStringLiteral("title")] = view->title();
    o[QStringLiteral("size")] = map ? QJsonValue(QJsonArray{map->image.width, map->image.height}) : QJsonValue();
    // The file's own image size (the map shown may be reduced or resampled from it), the map's projection and
    // the note a non-helioprojective map carries ("Carrington CEA: limb and co-registration off").
    o[QStringLiteral("file_size")] = map && map->filePixels.known
                                         ? QJsonValue(QJsonArray{map->filePixels.width, map->filePixels.height})
                                         : QJsonValue();
    o[QStringLiteral("ctype")] = map ? QJsonValue(QJsonArray{map->meta.ctype1, map->meta.ctype2}) : QJsonValue();
    const auto *note = dynamic_cast<const OverlayProjectionNote *>(view->overlay(QStringLiteral("projection")));
    o[QStringLiteral("note")] = note && map ? note->text() : QString();
    return o;
}

}  // namespace

QJsonObject windowState(const MainWindow *window)
{
    QJsonObject state;
    const ObservationDocument *observation = window->observation();
    state[QStringLiteral("time")] = observation->hasTime() ? isoTime(observation->time()) : QJsonValue();
    const QString anchor = observation->anchorChannel();
    state[QStringLiteral("times_count")] =
        anchor.isEmpty() ? 0 : static_cast<qint64>(window->archive()->timeline()->times(anchor).size());
    state[QStringLiteral("anchor_channel")] = anchor;
    state[QStringLiteral("view_mode")] = window->viewMode();
    state[QStringLiteral("window_size")] = QJsonArray{window->width(), window->height()};
    state[QStringLiteral("globe_hits")] = window->globe() ? window->presenter()->globeHitsDrawn() : 0;
    state[QStringLiteral("globe_noaa_labels")] = window->globe() ? window->presenter()->globeNoaaLabelsDrawn() : 0;
    state[QStringLiteral("globe_flare_events")] = window->globe() ? window->presenter()->globeFlareEventsDrawn() : 0;

    const MapGrid *grid = window->grid();
    QJsonArray views;
    for (int i = 0; i < grid->count(); ++i)
        views.append(viewState(grid->view(i)));
    state[QStringLiteral("views")] = views;
    state[QStringLiteral("selected_view")] = grid->currentIndex();

    // The views that pan and zoom together (ViewLink: those sharing a frame), every view in one group (a
    // view alone is a group of one); none while pan/zoom linking is off.
    QJsonArray groups;
    if (grid->link()->isPanZoomLinked())
        for (const QVector<int> &g : grid->linkedGroups()) {
            QJsonArray group;
            for (int i : g)
                group.append(i);
            groups.append(group);
        }
    state[QStringLiteral("linked_groups")] = groups;
    state[QStringLiteral("errors")] = QJsonArray::fromStringList(window->presenter()->errors());
    state[QStringLiteral("heatmap")] = window->heatmaps()->state();
    state[QStringLiteral("search")] = window->search()->stateJson();
    state[QStringLiteral("alignment")] = window->alignment()->state();
    state[QStringLiteral("training")] = window->trainingPanel()->state();
    state[QStringLiteral("translation")] = window->translation()->stateJson();
    state[QStringLiteral("flare")] = window->flareController()->state();
    {
        // The timeline below the maps: its height and the height that shows every channel row at full size.
        const TimelineView *t = window->timelineView();
        state[QStringLiteral("timeline")] = QJsonObject{{QStringLiteral("visible"), t->isVisible()},
                                                        {QStringLiteral("height"), t->height()},
                                                        {QStringLiteral("rows_height"), t->sizeHint().height()},
                                                        {QStringLiteral("flares"), window->timelineFlares()->state()}};
    }
    state[QStringLiteral("wizard")] = window->lowLabelWizard() ? QJsonValue(window->lowLabelWizard()->state()) : QJsonValue();
    state[QStringLiteral("contours")] = window->contours()->state();
    state[QStringLiteral("noaa_regions")] = window->noaaRegions()->state();
    state[QStringLiteral("flare_events")] = window->flareEvents()->state();
    state[QStringLiteral("lightcurve")] = window->lightCurve()->state();
    state[QStringLiteral("timedistance")] = window->timeDistance()->state();
    state[QStringLiteral("movie_export")] = window->movieExport()->exporter()->report();
    state[QStringLiteral("header")] = window->headerDialog() ? QJsonValue(window->headerDialog()->state()) : QJsonValue();
    return state;
}

QString writeWindowState(const MainWindow *window, const QString &path)
{
    const QByteArray bytes = QJsonDocument(windowState(window)).toJson(QJsonDocument::Indented);
    const Status written = writeFileAtomically(path, bytes);
    return written ? QString() : written.errorString();
}

}  // namespace solarchip
